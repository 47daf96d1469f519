""".env.example, and the code that reads the environment, as the settings tests see them
(tests/bot/project/test_settings.py, tests/actions/project/test_settings.py).

Standard library only: both test environments import it. Besides what bot/settings.py and actions/settings.py
read, a setting may be read by Rasa itself (named below, or a ${NAME} in bot/endpoints*.yml) or only by the
scripts and the Makefile (named below); the tests check that each of these claims is true.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / ".env.example"
# "NAME=value" (scripts/env.sh exports it), or "# NAME=value" (documented, left unset).
_SETTING = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")

# Read by Rasa's own code (not Reclaim's), with the file of Rasa 3.6 that reads each.
READ_BY_RASA = {
    "LOG_LEVEL": "shared/constants.py",
    "RASA_TELEMETRY_ENABLED": "telemetry.py",
    "SQL_POOL_SIZE": "core/constants.py",
    "SQL_MAX_OVERFLOW": "core/constants.py",
    "TICKET_LOCK_LIFETIME": "core/lock_store.py",
}
# Used only by scripts/ and the Makefile to start the servers, never by the servers' own code.
USED_BY_SCRIPTS = frozenset(
    {
        "RASA_PORT",
        "RASA_INTERFACE",
        "RASA_API_TOKEN",
        "RASA_MODEL",  # scripts/run.sh: rasa run's arguments
        "ACTION_PORT",
        "ACTION_HOST",  # scripts/run.sh and scripts/env.sh (SANIC_HOST, read by rasa_sdk)
        "ACTION_SERVER_URL",
        "TRACKER_DB",  # scripts/env.sh and scripts/run.sh; then ${...} in bot/endpoints.yml
        "DEMO_PORT",  # scripts/run.sh and scripts/serve_demo.py
        "PYTHON310",
        "PYTHON_ACTIONS",  # scripts/find-python.sh
    }
)


@dataclass(frozen=True)
class Documented:
    name: str
    value: str
    exported: bool  # False: a commented "# NAME=value" line, documented but left unset
    doc: str  # the comment line just above


def settings() -> dict[str, Documented]:
    """Every NAME=value and # NAME=value line, by name."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    found: dict[str, Documented] = {}
    for number, line in enumerate(lines):
        match = _SETTING.match(line)
        if match:
            above = lines[number - 1] if number else ""
            doc = above if above.startswith("# ") and not _SETTING.match(above) else ""
            found[match.group(2)] = Documented(match.group(2), match.group(3), not match.group(1), doc)
    return found


def exported_values() -> dict[str, str]:
    """What scripts/env.sh exports when .env sets nothing."""
    return {name: line.value for name, line in settings().items() if line.exported}


def per_tenant_patterns() -> set[str]:
    """The prefixes documented as per tenant: "DASHBOARD_TOKEN" for "# DASHBOARD_TOKEN_<ID> ..."."""
    return set(re.findall(r"^# ([A-Z][A-Z0-9_]*)_<ID>", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M))


def setting_names(settings_class: type) -> set[str]:
    """The environment variables a Settings class (bot/ or actions/settings.py) reads: its fields, in capitals."""
    return {item.name.upper() for item in dataclasses.fields(settings_class) if "parse" in item.metadata}


def undocumented(settings_class: type) -> list[str]:
    """How .env.example fails to document a Settings class's settings, one line each (none: all is well)."""
    documented, problems = settings(), []
    for item in dataclasses.fields(settings_class):
        name = item.name.upper()
        if "parse" not in item.metadata:
            continue
        if name not in documented:
            problems.append(f"{name} is not in .env.example")
        elif not documented[name].doc:
            problems.append(f"{name} in .env.example has no comment line just above it")
        if not item.metadata["doc"]:
            problems.append(f"Settings.{item.name} has no doc")
    problems += [
        f"{prefix}_<ID> is not in .env.example"
        for prefix in settings_class.PER_TENANT
        if prefix not in per_tenant_patterns()
    ]
    return problems


def endpoint_variables() -> set[str]:
    """The ${NAME} values Rasa fills in from the environment when it reads bot/endpoints*.yml."""
    names: set[str] = set()
    for path in (ROOT / "bot").glob("endpoints*.yml"):
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", path.read_text(encoding="utf-8")))
    return names


_ENVIRONMENT_READ = re.compile(r"\b(?:environ|getenv|putenv|unsetenv|load_dotenv)\b")


def environment_reads(package: str) -> list[str]:
    """Lines of bot/ or actions/ that touch the environment, as "path:line: text", except in its settings.py."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if path == ROOT / package / "settings.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _ENVIRONMENT_READ.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found
