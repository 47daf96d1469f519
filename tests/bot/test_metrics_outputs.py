"""Anonymous figures: small counts hidden and the rest rounded in every output, totals that cannot reveal
them, only final weeks published and never changed afterwards, the store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from bot.metrics.catalogue import ALL
from bot.metrics.charts import bar_chart, column_chart
from bot.metrics.counting import Increment
from bot.metrics.export import figures_csv
from bot.metrics.counting import LONDON
from bot.metrics.recorder import Recorder, flush_seconds
from bot.metrics.store import MetricsStore
from bot.metrics.suppression import FEWER, complete_weeks, display, is_final, published_weeks, weekly_figures

TODAY = dt.date(2026, 3, 18)  # a Wednesday
WEEKS = complete_weeks(TODAY, 4)


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_weeks_are_complete_calendar_weeks_before_this_one() -> None:
    assert [w.start for w in WEEKS] == [dt.date(2026, 2, 16), dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert all(w.start.weekday() == 0 and (w.end - w.start).days == 6 for w in WEEKS)
    assert WEEKS[-1].end < TODAY - dt.timedelta(days=TODAY.weekday())


def test_one_to_four_is_fewer_than_5_and_the_rest_is_rounded_to_the_nearest_5() -> None:
    assert [display(n) for n in (0, 1, 4, 5, 7, 8, 12, 13, 17, 18, 103)] == [
        "0", FEWER, FEWER, "5", "5", "10", "10", "15", "15", "20", "105"
    ]


def test_known_counts_added_to_a_hidden_cell_no_longer_reveal_it_by_subtraction() -> None:
    """Anyone can add `added` counts to a cell (the widget's count endpoint is public), then read the
    published week. Exact figures showed each hidden 1 to 4 as a different number (shown - added = hidden).
    Rounded, the four give at most two different figures, and at most one of them (the one at the edge of
    a rounding band) can be singled out; and a published week never changes, so each cell is seen once."""

    def exact(count: int) -> str:  # what was published before
        return FEWER if 0 < count < 5 else str(count)

    assert len({exact(hidden + 10) for hidden in (1, 2, 3, 4)}) == 4
    for added in range(0, 200):
        figures = Counter(display(hidden + added) for hidden in (1, 2, 3, 4))
        assert len(figures) <= 2
        assert sum(1 for shared_by in figures.values() if shared_by == 1) <= 1


def daily() -> dict:
    return {
        # Week 1: 8 over two days (shown as 10). Week 2: 3 (hidden). Week 3: 0. Week 4: 5 (shown).
        ("conversations_started", ALL, dt.date(2026, 2, 16)): 4,
        ("conversations_started", ALL, dt.date(2026, 2, 20)): 4,
        ("conversations_started", ALL, dt.date(2026, 2, 24)): 3,
        ("conversations_started", ALL, dt.date(2026, 3, 15)): 5,
        # This week so far: never shown (it could be watched day by day).
        ("conversations_started", ALL, dt.date(2026, 3, 16)): 40,
        ("nation", "wales", dt.date(2026, 3, 3)): 2,
        ("quick_exit", ALL, dt.date(2026, 1, 1)): 9,  # before the period
    }


def test_weekly_figures_hide_small_cells_and_totals_only_add_shown_cells() -> None:
    figures = weekly_figures("t", daily(), WEEKS)
    started = figures.for_metric("conversations_started")[0]
    assert started.cells == (10, None, 0, 5)
    assert started.total.text == "15 + weeks under 5"  # the shown 10 + 5: the hidden 3 cannot be worked out
    wales = figures.for_metric("nation")[0]
    assert wales.cells == (0, 0, None, 0) and wales.total.text == "fewer than 5 each week"
    assert figures.for_metric("quick_exit") == []
    full = weekly_figures("t", {("deletion", ALL, dt.date(2026, 3, 10)): 6}, WEEKS).series[0]
    assert full.cells == (0, 0, 0, 5) and full.total.text == "5"


def test_the_csv_has_the_same_cells_and_no_small_number() -> None:
    text = figures_csv(weekly_figures("t", daily(), WEEKS))
    rows = list(csv.DictReader(io.StringIO(text)))
    started = [r["count"] for r in rows if r["metric"] == "conversations_started"]
    assert started == ["10", FEWER, "0", "5"]
    assert {r["count"] for r in rows} <= {"0", "5", "10", FEWER}
    assert rows[0]["week_start"] == "2026-02-16" and rows[0]["label"] == "Conversations started"
    assert all(r["tenant"] == "t" for r in rows)


def test_charts_are_valid_svg_with_text_alternatives_and_no_height_for_hidden_cells() -> None:
    svg = column_chart("c1", "Conversations started", "Per week.", [w.label for w in WEEKS], [10, None, 0, 5])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.find(f"{ns}title").text == "Conversations started"
    bars = [r for r in root.iter(f"{ns}rect") if r.get("fill") == "#1d70b8"]
    assert len(bars) == 2  # 10 and 5; 0 draws nothing
    assert "&lt;5" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    hbar = ET.fromstring(bar_chart("c2", "Nations", "Totals.", [("Wales", 15, True), ("England", 0, False)]))
    assert [t.text for t in hbar.iter(f"{ns}text")] == ["Wales", "15 + weeks under 5", "England", "0"]


def test_the_store_adds_counts_atomically_from_several_writers(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'metrics.db'}"
    day = dt.date(2026, 3, 3)
    key = ("t", day, "conversations_started", ALL)

    def write() -> None:
        store = MetricsStore(url)
        for _ in range(20):
            store.add({key: 1})
        store.dispose()

    MetricsStore(url).dispose()
    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store = MetricsStore(url)
    assert store.daily("t", day, day) == {("conversations_started", ALL, day): 80}
    assert store.daily("other", day, day) == {}


def test_the_recorder_keeps_counts_when_the_database_fails(tmp_path) -> None:
    class Failing:
        calls = 0

        def add(self, batch: dict) -> None:
            Failing.calls += 1
            raise RuntimeError("down")

    recorder = Recorder(store=Failing(), interval=1, now=lambda: london(2026, 3, 3, 12, 0))
    inc = Increment("t", dt.date(2026, 3, 3), "quick_exit", ALL)
    recorder.add([inc, inc])
    assert recorder.flush() == 0 and Failing.calls == 1
    recorder._store = MetricsStore(f"sqlite:///{tmp_path / 'm.db'}")
    assert recorder.flush() == 1
    assert recorder.store.daily("t", inc.day, inc.day) == {("quick_exit", ALL, inc.day): 2}


def test_the_page_escapes_names_and_gives_every_chart_a_table() -> None:
    from bot.metrics.page import figures_page, sign_in_page

    html = figures_page('<script>alert(1)</script> Charity', weekly_figures("t", daily(), WEEKS), 4)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('role="img"') == 2  # conversations each week, and nations
    assert '<table id="weekly">' in html and "Nations: totals" in html
    assert '<td class="n">15 + weeks under 5</td>' in html  # conversations started: 10 + 5 shown, 3 hidden
    assert "rounded to the nearest 5" in html and "an hour after it ends" in html
    assert "<script" not in html.replace("&lt;script", "") and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    form = sign_in_page("Wrong.", tenant_id='"><b>x')
    assert 'role="alert"' in form and "<b>x" not in form and 'method="post"' in form


# ---- a week is published once it is final, and never changes afterwards ----------------------------------


def test_a_week_is_final_an_hour_after_it_ends_in_uk_time() -> None:
    sunday = dt.date(2026, 3, 15)
    assert not is_final(sunday, london(2026, 3, 16, 0, 59))
    assert is_final(sunday, london(2026, 3, 16, 1, 0))
    assert is_final(dt.date(2026, 3, 9), london(2026, 3, 16, 1, 0))  # the Monday of that week too
    # Across the clock change (29 March 2026): UK time, not UTC, decides.
    assert not is_final(dt.date(2026, 3, 29), london(2026, 3, 30, 0, 30))
    assert is_final(dt.date(2026, 3, 29), dt.datetime(2026, 3, 30, 0, 0, tzinfo=dt.timezone.utc))  # 01:00 BST


def test_published_weeks_never_include_this_week_or_one_still_taking_late_counts() -> None:
    def starts(now: dt.datetime, count: int = 2) -> list:
        return [w.start for w in published_weeks(now, count)]

    assert starts(london(2026, 3, 18, 12, 0)) == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert starts(london(2026, 3, 16, 0, 30)) == [dt.date(2026, 2, 23), dt.date(2026, 3, 2)]
    assert starts(london(2026, 3, 16, 1, 0)) == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert len(published_weeks(london(2026, 3, 16, 1, 0), 13)) == 13


def test_counts_for_a_final_week_are_dropped_so_a_published_week_never_changes(tmp_path, caplog) -> None:
    clock = [london(2026, 3, 16, 0, 50)]
    recorder = Recorder(store=MetricsStore(f"sqlite:///{tmp_path / 'm.db'}"), interval=1, now=lambda: clock[0])
    sunday, monday = dt.date(2026, 3, 15), dt.date(2026, 3, 16)
    recorder.add([Increment("t", sunday, "quick_exit", ALL)])
    assert recorder.flush() == 1  # within the hour: still counted
    recorder.add([Increment("t", sunday, "quick_exit", ALL), Increment("t", monday, "quick_exit", ALL)])
    clock[0] = london(2026, 3, 16, 1, 0)  # the week of 9 March is final now
    assert recorder.flush() == 1
    assert recorder.store.daily("t", sunday, monday) == {("quick_exit", ALL, sunday): 1, ("quick_exit", ALL, monday): 1}
    assert "1 count(s) arrived after their week was final" in caplog.text


def test_counts_kept_through_a_database_outage_are_not_written_into_a_final_week(tmp_path) -> None:
    class Failing:
        def add(self, batch: dict) -> None:
            raise RuntimeError("down")

    clock = [london(2026, 3, 15, 23, 0)]
    recorder = Recorder(store=Failing(), interval=1, now=lambda: clock[0])
    recorder.add([Increment("t", dt.date(2026, 3, 15), "quick_exit", ALL)])
    assert recorder.flush() == 0  # kept for the next try
    clock[0] = london(2026, 3, 16, 2, 0)
    recorder._store = MetricsStore(f"sqlite:///{tmp_path / 'm.db'}")
    assert recorder.flush() == 0
    assert recorder.store.daily("t", dt.date(2026, 3, 9), dt.date(2026, 3, 16)) == {}


@pytest.mark.parametrize("value", ["0", "601", "3600"])
def test_counts_cannot_wait_longer_than_the_late_margin_allows(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("METRICS_FLUSH_SECONDS", value)
    with pytest.raises(ValueError, match="METRICS_FLUSH_SECONDS"):
        flush_seconds()
