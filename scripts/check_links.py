"""Checks every URL in data/ and reports which are broken, moved or fine (`make check-links`).

For maintainers before a release: services, laws and platforms move their pages. Every YAML file
under data/ is read and every string value starting with http:// or https:// is checked, once however
many files name it: HEAD first (GET when a server refuses HEAD with 403, 405 or 501), following
redirects, at most --concurrency at a time. Broken links are listed first, each with the files that
name it. Exit status 1 when any link is broken. Needs the internet, so it is not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONCURRENCY = 8
DEFAULT_TIMEOUT = 10.0
# Some sites refuse HEAD (or refuse it with 403) while serving GET normally.
RETRY_WITH_GET = frozenset({403, 405, 501})
# Some sites turn away clients that do not say who they are.
USER_AGENT = "Mozilla/5.0 (compatible; Reclaim-link-checker/1.0)"

Status = Literal["broken", "redirected", "ok"]
ClientFactory = Callable[[float], httpx.AsyncClient]


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: Status
    # The final HTTP status, or None when no response came (then `error` says why).
    code: int | None = None
    final_url: str | None = None
    error: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        if self.error:
            return self.error
        phrase = httpx.codes.get_reason_phrase(self.code) if self.code else ""
        return f"{self.code} {phrase}".strip()


class DataError(Exception):
    """A YAML file under data/ that cannot be read."""


def collect_urls(data_dir: Path) -> dict[str, set[str]]:
    """Every http(s) URL among the string values of the YAML files under `data_dir`, with the files naming it.

    Files are named relative to the parent of `data_dir` ("data/services/core.yml").
    """
    found: dict[str, set[str]] = {}
    paths = sorted(p for p in data_dir.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file())
    for path in paths:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise DataError(f"{path}: {error}") from error
        name = path.relative_to(data_dir.parent).as_posix()
        for url in _urls_in(document):
            found.setdefault(url, set()).add(name)
    return found


def _urls_in(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        value = node.strip()
        if value.startswith(("http://", "https://")) and not any(c.isspace() for c in value):
            yield value
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _urls_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _urls_in(item)


async def check_urls(
    urls: Mapping[str, Iterable[str]] | Iterable[str],
    client: httpx.AsyncClient,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[LinkResult]:
    """Checks each URL, at most `concurrency` at a time, with `client` (its timeout applies to each request).

    `urls` is either URLs, or URLs mapped to the files naming them (as `collect_urls` returns), which the
    results then carry. Results come back in the order of `urls`.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    sources = (
        {url: tuple(sorted(files)) for url, files in urls.items()}
        if isinstance(urls, Mapping)
        else dict.fromkeys(urls, ())
    )
    limit = asyncio.Semaphore(concurrency)

    async def check(url: str) -> LinkResult:
        async with limit:
            return await check_url(url, client, sources[url])

    return list(await asyncio.gather(*(check(url) for url in sources)))


async def check_url(url: str, client: httpx.AsyncClient, sources: tuple[str, ...] = ()) -> LinkResult:
    """One URL: HEAD, then GET if HEAD is refused; never raises for a network or HTTP failure."""
    try:
        response = await client.head(url, follow_redirects=True)
        if response.status_code in RETRY_WITH_GET:
            # Streamed and closed unread: the status is all we need, not the page.
            async with client.stream("GET", url, follow_redirects=True) as response:
                pass
    except httpx.TimeoutException:
        return LinkResult(url, "broken", error="timed out", sources=sources)
    except httpx.TooManyRedirects:
        return LinkResult(url, "broken", error="too many redirects", sources=sources)
    except httpx.HTTPError as error:
        message = " ".join(str(error).split())
        name = type(error).__name__
        return LinkResult(url, "broken", error=f"{name}: {message}" if message else name, sources=sources)
    code = response.status_code
    if not response.is_success:
        return LinkResult(url, "broken", code=code, sources=sources)
    final = str(response.url)
    if response.history and final != url:
        return LinkResult(url, "redirected", code=code, final_url=final, sources=sources)
    return LinkResult(url, "ok", code=code, sources=sources)


def format_report(results: Iterable[LinkResult]) -> str:
    """A plain-text report: the counts, then broken links, then redirected ones, then the rest."""
    groups: dict[Status, list[LinkResult]] = {"broken": [], "redirected": [], "ok": []}
    for result in results:
        groups[result.status].append(result)
    for group in groups.values():
        group.sort(key=lambda r: r.url)
    total = sum(len(group) for group in groups.values())
    lines = [
        f"Checked {total} URL{'s' if total != 1 else ''}: "
        f"{len(groups['broken'])} broken, {len(groups['redirected'])} redirected, {len(groups['ok'])} OK."
    ]

    def where(result: LinkResult) -> list[str]:
        return [f"      in {', '.join(result.sources)}"] if result.sources else []

    if groups["broken"]:
        lines += ["", f"BROKEN ({len(groups['broken'])}): fix or replace these"]
        for result in groups["broken"]:
            lines += [f"  {result.url}", f"      {result.reason}", *where(result)]
    if groups["redirected"]:
        lines += [
            "",
            f"REDIRECTED ({len(groups['redirected'])}): check the new page says the same, then update the link",
        ]
        for result in groups["redirected"]:
            lines += [f"  {result.url}", f"      -> {result.final_url}", *where(result)]
    if groups["ok"]:
        lines += ["", f"OK ({len(groups['ok'])})"]
        lines += [f"  {result.url}" for result in groups["ok"]]
    return "\n".join(lines)


def make_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=timeout, headers={"User-Agent": USER_AGENT})


async def _run(
    urls: dict[str, set[str]], client_factory: ClientFactory, concurrency: int, timeout: float
) -> list[LinkResult]:
    async with client_factory(timeout) as client:
        return await check_urls(urls, client, concurrency)


def _positive(kind: type[int] | type[float]) -> Callable[[str], Any]:
    def parse(text: str) -> int | float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value

    return parse


def main(argv: list[str] | None = None, client_factory: ClientFactory = make_client) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the directory to read (default: data/)")
    parser.add_argument(
        "--concurrency",
        type=_positive(int),
        default=DEFAULT_CONCURRENCY,
        help=f"requests at a time (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_TIMEOUT,
        help=f"seconds per request (default {DEFAULT_TIMEOUT:g})",
    )
    args = parser.parse_args(argv)
    try:
        urls = collect_urls(args.data)
    except DataError as error:
        print(f"Cannot read {error}", file=sys.stderr)
        return 2
    if not urls:
        print(f"No URLs found under {args.data}.")
        return 0
    print(f"Checking {len(urls)} URLs from {args.data}, {args.concurrency} at a time...", flush=True)
    results = asyncio.run(_run(urls, client_factory, args.concurrency, args.timeout))
    print(format_report(results))
    return 1 if any(result.status == "broken" for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
