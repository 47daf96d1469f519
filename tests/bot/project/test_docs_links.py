"""Every path the documentation names exists: the README and every page under docs/.

Checked in each file (fenced code blocks left out):
- every relative Markdown link `[text](target)`: the file or folder, resolved from the page's own folder,
  and, for a link into a Markdown file with `#anchor`, a heading that makes that anchor (GitHub's rule);
- every backticked repository path, such as `web/widget/loader.js` or `docs/privacy.md`, read from the
  repository root: a span with no spaces that either has a `/` and starts with a top-level entry of the
  repository, or is a bare file name with an extension (`scotland.yml`), which must then exist somewhere
  in the repository. A `*` must match at least one file.

Not paths, so not checked: URLs, URL routes (`/webhooks/...`), commands with spaces, settings and other
names without a `/` or a file extension. Paths that `make run`, `make test` or `make bench` create (ignored
by git: `models/`, `var/`, `results/`, `.venv/`, `.env`...) may be named without existing. Placeholders
are allowed only when listed in PLACEHOLDERS.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

# Paths written with a placeholder in them, on purpose. Add to this list rather than loosening the rule.
PLACEHOLDERS = {
    "data/tenants/<id>.yml",
    "data/tenants/<ID>.yml",
}

EXTENSIONS = {
    "md",
    "py",
    "yml",
    "yaml",
    "js",
    "html",
    "css",
    "json",
    "txt",
    "sh",
    "conf",
    "png",
    "gz",
    "toml",
    "ini",
    "cfg",
    "csv",
    "db",
    "xml",
    "lock",
}
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis", ".rasa"}

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.MULTILINE)


def without_fences(text: str) -> str:
    """The text with fenced code blocks blanked out, keeping line numbers."""
    return FENCE.sub(lambda block: "\n" * block.group(0).count("\n"), text)


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: link text only, lower case, punctuation dropped, spaces as '-'."""
    heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    heading = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return heading.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    counts: dict[str, int] = {}
    for match in HEADING.finditer(without_fences(page.read_text(encoding="utf-8"))):
        base = slug(match.group(2))
        seen = counts.get(base, 0)
        counts[base] = seen + 1
        found.add(base if seen == 0 else f"{base}-{seen}")
    return found


def ignored_by_git() -> tuple[set[str], list[str]]:
    """Folders and file patterns in .gitignore: what the make targets create."""
    folders, patterns = set(), []
    for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        if line.endswith("/"):
            folders.add(line.strip("/"))
        else:
            patterns.append(line.lstrip("/"))
    return folders, patterns


GENERATED_FOLDERS, GENERATED_PATTERNS = ignored_by_git()


def generated(path: str) -> bool:
    parts = path.strip("/").split("/")
    if any(part in GENERATED_FOLDERS for part in parts):
        return True
    return any(fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(parts[-1], pattern) for pattern in GENERATED_PATTERNS)


def repository_files() -> dict[str, list[str]]:
    """Every file name in the repository (outside environments and caches), with where it is."""
    names: dict[str, list[str]] = {}
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS and name not in GENERATED_FOLDERS]
        for name in files:
            names.setdefault(name, []).append(os.path.relpath(os.path.join(folder, name), ROOT))
    return names


FILE_NAMES = repository_files()
TOP_LEVEL = {entry.name for entry in ROOT.iterdir()} | GENERATED_FOLDERS


def has_extension(name: str) -> bool:
    """`frame.js` or `.env.example`; not `.png` on its own, not a host name like `chat.reclaim.example`."""
    stem, dot, extension = name.rpartition(".")
    if name.startswith(".") and "." in name[1:]:
        return True
    return bool(dot) and bool(stem) and extension in EXTENSIONS


def as_repo_path(span: str) -> str | None:
    """The repository path a backticked span names, or None if it is not a path."""
    span = span.strip()
    if "=" in span:  # a setting with a path as its value: `RASA_ENDPOINTS=bot/endpoints.production.yml`
        span = span.rsplit("=", 1)[1]
    if not span or any(character.isspace() for character in span) or "://" in span:
        return None
    if span.startswith(("/", "-", "$", "~", "@")) or SCHEME.match(span):
        return None
    span = span.removeprefix("./")
    if "/" in span:  # a path inside another project (`pymongo/srv_resolver.py`) is not ours to check
        return span if span.split("/", 1)[0] in TOP_LEVEL else None
    return span if has_extension(span) else None


def path_problem(path: str) -> str | None:
    """Why a backticked repository path does not hold, or None if it does."""
    if path in PLACEHOLDERS:
        return None
    if "<" in path or ">" in path or "{" in path:
        return "a placeholder: add it to PLACEHOLDERS if it is meant"
    if generated(path):
        return None
    if "*" in path or "?" in path:
        return None if any(ROOT.glob(path.rstrip("/"))) else "matches no file"
    if "/" in path:
        return None if (ROOT / path).exists() else "does not exist"
    if (ROOT / path).exists() or path in FILE_NAMES:
        return None
    return "no file of that name in the repository"


def link_problem(page: Path, target: str) -> str | None:
    """Why a relative link from a page does not resolve, or None if it does."""
    if SCHEME.match(target) or target.startswith("//"):
        return None
    path, _, anchor = target.partition("#")
    destination = (page.parent / path).resolve() if path else page
    if path and not destination.is_relative_to(ROOT):
        return "points outside the repository"
    if not destination.exists():
        return "does not exist"
    if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
        return f"no heading makes #{anchor} in {destination.name}"
    return None


def problems(page: Path) -> list[str]:
    text = without_fences(page.read_text(encoding="utf-8"))
    name = page.relative_to(ROOT)
    found = []
    for pattern in (LINK, IMAGE):
        for match in pattern.finditer(text):
            problem = link_problem(page, match.group(1))
            if problem:
                found.append(f"{name}:{line_of(text, match.start())}: link ({match.group(1)}) {problem}")
    for match in CODE.finditer(text):
        path = as_repo_path(match.group(2))
        problem = path and path_problem(path)
        if problem:
            found.append(f"{name}:{line_of(text, match.start())}: `{match.group(2)}` {problem}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_link_and_path_in_the_page_exists(page: Path) -> None:
    found = problems(page)
    assert not found, "\n".join(found)


def test_the_readme_and_the_guides_are_checked() -> None:
    names = {str(page.relative_to(ROOT)) for page in PAGES}
    expected = {"README.md", "docs/charities.md", "docs/development.md", "docs/privacy.md", "docs/deploy/scale-out.md"}
    assert expected <= names


def test_the_check_catches_what_it_should(tmp_path: Path) -> None:
    assert as_repo_path("bot/widget/widget.js") == "bot/widget/widget.js"
    assert path_problem("bot/widget/widget.js") == "does not exist"
    assert path_problem("web/widget/loader.js") is None
    assert path_problem("data/tenants/<id>.yml") is None
    assert path_problem("data/tenants/<tenant>.yml") is not None
    assert path_problem("tests/test_*.yml") is None
    assert path_problem("tests/nothing_*.yml") == "matches no file"
    assert path_problem("nonexistent_module.py") is not None
    assert path_problem("models/reclaim.tar.gz") is None  # made by `make train`
    assert as_repo_path("RASA_ENDPOINTS=bot/endpoints.production.yml") == "bot/endpoints.production.yml"
    assert path_problem(".env.example") is None and as_repo_path(".env.example") == ".env.example"
    for not_a_path in (
        "make test",
        "/webhooks/widget/",
        "https://example.org/a.md",
        "faq/<id>",
        "custom.links",
        "POSTCODE_LOOKUP_URL=",
        "tel:",
        "CALLBACK_SECRET_<ID>",
        ".png",
        "chat.reclaim.example",
        "pymongo/srv_resolver.py",
    ):
        assert as_repo_path(not_a_path) is None, not_a_path
    page = tmp_path / "page.md"
    page.write_text("# A heading\n\n[ok](#a-heading) [bad](#nowhere) [gone](missing.md)\n", encoding="utf-8")
    assert link_problem(page, "#a-heading") is None
    assert link_problem(page, "#nowhere") is not None
    assert link_problem(page, "missing.md") is not None
