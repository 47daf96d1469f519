"""Lists knowledge-base entries due for review: not checked in the last six months (`make law-review`).

Law and phone numbers change. Every offence in data/law/ and every service in data/services/ carries
`last_reviewed`; this prints the ones older than six months, oldest first, with their sources.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REVIEW_EVERY = dt.timedelta(days=183)


@dataclass(frozen=True)
class Entry:
    kind: str
    id: str
    title: str
    last_reviewed: dt.date
    sources: tuple[str, ...]


def entries(data_dir: Path) -> list[Entry]:
    found: list[Entry] = []
    for path in sorted((data_dir / "law").glob("*.yml")):
        for offence in yaml.safe_load(path.read_text(encoding="utf-8"))["offences"]:
            found.append(
                Entry("offence", offence["id"], offence["title"], offence["last_reviewed"], tuple(offence["sources"]))
            )
    for path in sorted((data_dir / "services").glob("*.yml")):
        for service in yaml.safe_load(path.read_text(encoding="utf-8")).get("services", []):
            found.append(
                Entry("service", service["id"], service["name"], service["last_reviewed"], tuple(service["sources"]))
            )
    return found


def due_for_review(all_entries: list[Entry], today: dt.date) -> list[Entry]:
    return sorted((e for e in all_entries if today - e.last_reviewed > REVIEW_EVERY), key=lambda e: e.last_reviewed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=dt.date.today(), help="pretend it is this date (YYYY-MM-DD)"
    )
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    all_entries = entries(args.data)
    due = due_for_review(all_entries, args.today)
    print(f"{len(due)} of {len(all_entries)} entries not reviewed since {args.today - REVIEW_EVERY}:")
    for entry in due:
        print(f"- {entry.last_reviewed}  {entry.kind:7}  {entry.id}: {entry.title}")
        for source in entry.sources:
            print(f"      {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
