"""The nginx example in docs/deploy/nginx.conf loads in a real nginx (`nginx -t`), and its access log
never holds a widget conversation id. .ci/run installs Debian's nginx-light; without nginx this fails
under CI=true and is skipped elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "docs" / "deploy" / "nginx.conf"


def nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is needed to check docs/deploy/nginx.conf: apt-get install nginx-light (.ci/run does)")
        pytest.skip("nginx not installed; under CI=true this fails")
    return found


def test_the_example_site_loads_in_nginx(tmp_path: Path) -> None:
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(certificate),
         "-days", "1", "-subj", "/CN=chat.example.org"],
        check=True, capture_output=True,
    )
    site = SITE.read_text()
    site = site.replace("/etc/ssl/certs/chat.example.org.pem", str(certificate))
    site = site.replace("/etc/ssl/private/chat.example.org.key", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"events {{}}\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"http {{\n    include {tmp_path}/site.conf;\n}}\n"
    )
    checked = subprocess.run([nginx(), "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_the_access_log_hides_widget_conversation_ids() -> None:
    site = SITE.read_text()
    log_format = re.search(r"log_format reclaim '([^']*)'", site)
    assert log_format and "$uri" not in log_format.group(1).replace("$reclaim_log_uri", "")
    pattern = re.search(r"map \$uri \$reclaim_log_uri \{\s*~(\S+)\s+\$before-\$after;", site)
    assert pattern, "the map that hides conversation ids is missing"
    path = "/webhooks/widget/conversations/default.0123456789abcdef0123456789abcdef.sig/messages"
    match = re.match(pattern.group(1).replace("?<", "?P<"), path)
    assert match and f"{match['before']}-{match['after']}" == "/webhooks/widget/conversations/-/messages"
