"""`make law-review` lists exactly the entries older than six months, oldest first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scripts import law_review

ROOT = Path(__file__).resolve().parents[3]


def entry(id_: str, reviewed: dt.date) -> law_review.Entry:
    return law_review.Entry("offence", id_, id_, reviewed, ("https://www.legislation.gov.uk/",))


def test_lists_only_entries_older_than_six_months_oldest_first() -> None:
    today = dt.date(2026, 11, 22)
    entries = [
        entry("fresh", dt.date(2026, 11, 1)),
        entry("just_within", today - dt.timedelta(days=183)),
        entry("stale", dt.date(2026, 4, 1)),
        entry("very_stale", dt.date(2025, 1, 1)),
    ]
    due = law_review.due_for_review(entries, today)
    assert [e.id for e in due] == ["very_stale", "stale"]


def test_reads_every_offence_and_service_in_the_repository() -> None:
    found = law_review.entries(ROOT / "data")
    kinds = {e.kind for e in found}
    assert kinds == {"offence", "service"}
    assert any(e.id == "ew_soa2003_s66b_sharing" for e in found)
    assert any(e.id == "samaritans" for e in found)


def test_the_command_prints_what_is_due(capsys) -> None:
    law_review.main(["--today", "2027-12-01"])
    out = capsys.readouterr().out
    assert "ew_soa2003_s66b_sharing" in out
    assert "legislation.gov.uk" in out
