"""docs/embedding.md gives charities the exact embed line: its Subresource Integrity hash must be the
loader's, and its CSP lines the ones the strict-CSP browser test uses."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GUIDE = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")


def test_the_integrity_hash_in_the_guide_is_the_loaders() -> None:
    loader = (ROOT / "web" / "widget" / "loader.js").read_bytes()
    expected = "sha384-" + base64.b64encode(hashlib.sha384(loader).digest()).decode()
    stated = re.findall(r'integrity="(sha384-[^"]+)"', GUIDE)
    assert stated == [expected], f"web/widget/loader.js changed: put {expected} in docs/embedding.md"


def test_the_guide_names_the_two_csp_directives_and_no_unsafe_inline() -> None:
    assert "script-src 'self' https://HOST;" in GUIDE and "frame-src https://HOST;" in GUIDE
    assert "'unsafe-inline'" not in GUIDE.replace("no `unsafe-inline`", "")


def test_the_loader_and_frame_use_no_inline_styles_or_event_handlers() -> None:
    frame = (ROOT / "web" / "widget" / "frame.html").read_text(encoding="utf-8")
    assert "<style" not in frame and " style=" not in frame
    assert not re.search(r"\son[a-z]+=", frame), "no inline event handlers"
    assert not re.search(r"<script(?![^>]*\ssrc=)", frame), "no inline scripts"
    loader = (ROOT / "web" / "widget" / "loader.js").read_text(encoding="utf-8")
    assert 'setAttribute("style"' not in loader and 'createElement("style")' not in loader
