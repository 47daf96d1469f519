"""Anonymous figures: small counts hidden in every output, totals that cannot reveal them, the store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
import xml.etree.ElementTree as ET

import pytest

from bot.metrics.catalogue import ALL
from bot.metrics.charts import bar_chart, column_chart
from bot.metrics.counting import Increment
from bot.metrics.export import figures_csv
from bot.metrics.recorder import Recorder
from bot.metrics.store import MetricsStore
from bot.metrics.suppression import FEWER, complete_weeks, display, weekly_figures

TODAY = dt.date(2026, 3, 18)  # a Wednesday
WEEKS = complete_weeks(TODAY, 4)


def test_weeks_are_complete_calendar_weeks_before_this_one() -> None:
    assert [w.start for w in WEEKS] == [dt.date(2026, 2, 16), dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert all(w.start.weekday() == 0 and (w.end - w.start).days == 6 for w in WEEKS)
    assert WEEKS[-1].end < TODAY - dt.timedelta(days=TODAY.weekday())


def test_one_to_four_is_fewer_than_5_and_zero_or_five_are_shown() -> None:
    assert [display(n) for n in (0, 1, 4, 5, 12)] == ["0", FEWER, FEWER, "5", "12"]


def daily() -> dict:
    return {
        # Week 1: 7 over two days (shown). Week 2: 3 (hidden). Week 3: 0. Week 4: 5 (shown).
        ("conversations_started", ALL, dt.date(2026, 2, 16)): 4,
        ("conversations_started", ALL, dt.date(2026, 2, 20)): 3,
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
    assert started.cells == (7, None, 0, 5)
    assert started.total.text == "at least 12"  # not 15: the hidden 3 cannot be worked out
    wales = figures.for_metric("nation")[0]
    assert wales.cells == (0, 0, None, 0) and wales.total.text == "fewer than 5 each week"
    assert figures.for_metric("quick_exit") == []
    full = weekly_figures("t", {("deletion", ALL, dt.date(2026, 3, 10)): 6}, WEEKS).series[0]
    assert full.total.text == "6"


def test_the_csv_has_the_same_cells_and_no_small_number() -> None:
    text = figures_csv(weekly_figures("t", daily(), WEEKS))
    rows = list(csv.DictReader(io.StringIO(text)))
    started = [r["count"] for r in rows if r["metric"] == "conversations_started"]
    assert started == ["7", FEWER, "0", "5"]
    assert {r["count"] for r in rows} <= {"0", "5", "7", FEWER}
    assert rows[0]["week_start"] == "2026-02-16" and rows[0]["label"] == "Conversations started"
    assert all(r["tenant"] == "t" for r in rows)


def test_charts_are_valid_svg_with_text_alternatives_and_no_height_for_hidden_cells() -> None:
    svg = column_chart("c1", "Conversations started", "Per week.", [w.label for w in WEEKS], [7, None, 0, 5])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.find(f"{ns}title").text == "Conversations started"
    bars = [r for r in root.iter(f"{ns}rect") if r.get("fill") == "#1d70b8"]
    assert len(bars) == 2  # 7 and 5; 0 draws nothing
    assert "&lt;5" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    hbar = ET.fromstring(bar_chart("c2", "Nations", "Totals.", [("Wales", 12, True), ("England", 0, False)]))
    assert [t.text for t in hbar.iter(f"{ns}text")] == ["Wales", "at least 12", "England", "0"]


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

    recorder = Recorder(store=Failing(), interval=1)
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
    assert '<td class="n">at least 12</td>' in html  # conversations started: 7 + 5 shown, 3 hidden
    assert "<script" not in html.replace("&lt;script", "") and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    form = sign_in_page("Wrong.", tenant_id='"><b>x')
    assert 'role="alert"' in form and "<b>x" not in form and 'method="post"' in form
