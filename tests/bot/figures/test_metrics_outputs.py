"""Anonymous figures: small counts hidden and the rest rounded by each cell's keyed offset in every output,
the measured leak to someone who adds known counts (before and after), totals that cannot reveal hidden
cells, only final weeks published and never changed afterwards, the store."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import random
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from fractions import Fraction

import pytest

from bot.metrics import suppression
from bot.metrics.catalogue import ALL
from bot.metrics.charts import bar_chart, column_chart
from bot.metrics.counting import LONDON, Increment
from bot.metrics.export import figures_csv
from bot.metrics.recorder import Recorder, flush_seconds
from bot.metrics.store import MetricsStore
from bot.metrics.suppression import (
    FEWER,
    ROUNDING_LABEL,
    cell_offset,
    complete_weeks,
    display,
    is_final,
    published_weeks,
    rounding_key,
    shown,
    weekly_figures,
)

TODAY = dt.date(2026, 3, 18)  # a Wednesday
WEEKS = complete_weeks(TODAY, 4)


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_weeks_are_complete_calendar_weeks_before_this_one() -> None:
    assert [w.start for w in WEEKS] == [
        dt.date(2026, 2, 16),
        dt.date(2026, 2, 23),
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
    ]
    assert all(w.start.weekday() == 0 and (w.end - w.start).days == 6 for w in WEEKS)
    assert WEEKS[-1].end < TODAY - dt.timedelta(days=TODAY.weekday())


KEY = rounding_key("a widget secret shared by every server, 32 bytes+")


def test_small_cells_are_hidden_and_the_rest_rounded_up_or_down_by_the_cells_offset() -> None:
    assert [display(n, 0) for n in (0, 1, 4, 5, 7, 9, 10, 12, 14, 15, 103)] == [
        "0",
        FEWER,
        FEWER,
        FEWER,
        FEWER,
        FEWER,
        "10",
        "10",
        "10",
        "15",
        "100",
    ]
    assert [display(n, 4) for n in (0, 1, 4, 5, 6, 9, 10, 11, 12, 15, 103)] == [
        "0",
        FEWER,
        FEWER,
        FEWER,
        "10",
        "10",
        "10",
        "15",
        "15",
        "15",
        "105",
    ]
    for count in range(0, 300):
        published = [shown(count, offset) for offset in range(5)]
        if 1 <= count <= 5:
            assert published == [None] * 5  # 1 to 4 (and 5) are hidden whatever the offset
        elif 6 <= count <= 9:
            assert published.count(None) == 10 - count and set(published) <= {None, 10}
        elif count % 5 == 0:
            assert published == [count] * 5  # a multiple of 5 is shown as it is
        else:
            assert set(published) == {count // 5 * 5, count // 5 * 5 + 5}
            assert published.count(count // 5 * 5 + 5) == count % 5  # up with probability (count mod 5) / 5
        if count >= 10:
            assert sum(published) == 5 * count  # unbiased: over the unknown offset, on average the count
            assert all(abs(value - count) <= 4 for value in published)
    with pytest.raises(ValueError):
        shown(12, 5)


def test_a_cells_offset_is_fixed_by_the_shared_secret_and_unpredictable_without_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    week = dt.date(2026, 3, 9)
    assert (
        hmac.new(b"a widget secret shared by every server, 32 bytes+", ROUNDING_LABEL, hashlib.sha256).digest() == KEY
    )
    monkeypatch.setenv("WIDGET_SECRET", " a widget secret shared by every server, 32 bytes+ \n")
    assert rounding_key() == KEY  # read as the widget reads it: every server with this secret agrees
    other = rounding_key("another widget secret, also 32 bytes or more")
    assert other != KEY
    offsets = [cell_offset(KEY, "t", week, "quick_exit", ALL) for _ in range(3)]
    assert len(set(offsets)) == 1 and offsets[0] in range(5)
    # Over many cells, each offset comes up about as often (1 in 5), and another key gives other offsets.
    cells = [
        ("t", week + dt.timedelta(weeks=n), metric, value)
        for n in range(250)
        for metric, value in (
            ("quick_exit", ALL),
            ("link_clicked", "other"),
            ("nation", "wales"),
            ("nation", "england"),
        )
    ]
    mine = [cell_offset(KEY, *cell) for cell in cells]
    assert all(0.17 < mine.count(offset) / len(cells) < 0.23 for offset in range(5))
    assert (
        sum(a == b for a, b in zip(mine, (cell_offset(other, *cell) for cell in cells), strict=True)) / len(cells)
        < 0.25
    )
    # No WIDGET_SECRET (local development): a random key, the same for the whole process, and a warning.
    monkeypatch.delenv("WIDGET_SECRET")
    monkeypatch.setattr(suppression, "_process_key", None)
    first = rounding_key()
    assert rounding_key() == first and first != KEY and len(first) == 32
    assert caplog.text.count("WIDGET_SECRET is not set") == 1


def fits(publish, added: int, offsets) -> dict:
    """For each figure that can be published after `added` counts were added: the hidden values 1 to 4 it
    fits under some offset. The attacker knows the method and `added`, not the key, so this is all it can
    tell from the figure."""
    result: dict = {}
    for hidden in (1, 2, 3, 4):
        for offset in offsets:
            result.setdefault(publish(hidden + added, offset), set()).add(hidden)
    return result


def singled_out(publish, added: int, hidden: int, offset: int, offsets) -> bool:
    """The attacker added `added` counts to a cell whose own count was `hidden` (1 to 4) and reads the
    published figure: it singles the hidden value out when that figure fits no other value 1 to 4."""
    return fits(publish, added, offsets)[publish(hidden + added, offset)] == {hidden}


def best_guess(publish, added: int, offsets) -> Fraction:
    """How often the attacker's best guess of a hidden 1 to 4 (equally likely) is right, from the figure."""
    chances: dict = {}
    for hidden in (1, 2, 3, 4):
        for offset in offsets:
            figure = publish(hidden + added, offset)
            chances.setdefault(figure, Counter())[hidden] += Fraction(1, 4 * len(offsets))
    return sum(max(by_hidden.values()) for by_hidden in chances.values())


def old_rounding(count: int, offset: int = 0) -> str:
    """What was published before: "fewer than 5" for 1 to 4, the rest to the nearest 5 with fixed edges."""
    return "fewer than 5" if 0 < count < 5 else str((count + 2) // 5 * 5)


def test_known_counts_added_to_a_hidden_cell_single_it_out_at_most_1_time_in_20() -> None:
    """Anyone can add `added` counts to a cell (the widget's count endpoint is public and needs no
    conversation), then read the published week, once: a published week never changes. Exact figures
    gave every hidden 1 to 4 away (shown - added = hidden). Fixed rounding gave one of the four away for
    a well-chosen `added` (1 added: "5" shown means exactly 4 were hidden): 1 cell in 4. With the keyed
    offset, an edge gives a value away only for one hidden value in 4 and one offset in 5: at most 1 cell
    in 20, whatever is added (exact below). The simulated bound asserted, 10%, is that 5% with room for
    sampling: 8,000 (cell, hidden value) pairs per `added` put about 0.5 percentage point of noise on each
    rate, so it fails only if the offsets are not close to uniform or the method gives more away."""

    def exact(count: int, offset: int = 0) -> str:
        return FEWER if 0 < count < 5 else str(count)

    assert all(singled_out(exact, 10, hidden, 0, [0]) for hidden in (1, 2, 3, 4))

    # Before: fixed rounding (no offset). Exactly 1 in 4 for 81 of the 200 choices, starting with 1 added.
    old = [Fraction(sum(singled_out(old_rounding, added, h, 0, [0]) for h in (1, 2, 3, 4)), 4) for added in range(200)]
    assert max(old) == Fraction(1, 4) and old.count(Fraction(1, 4)) == 81 and old[1] == Fraction(1, 4)
    assert max(best_guess(old_rounding, added, [0]) for added in range(200)) == Fraction(1, 2)

    # Now, exactly, over the five equally likely offsets: 1 in 20 at worst (0 for 1 added), and the best
    # guess is right 2 times in 5 at worst (chance alone: 1 in 4).
    offsets = range(5)
    now = [
        Fraction(sum(singled_out(display, added, h, o, offsets) for h in (1, 2, 3, 4) for o in offsets), 20)
        for added in range(200)
    ]
    assert max(now) == Fraction(1, 20) and now[0] == now[1] == 0
    per_value = [
        Fraction(sum(singled_out(display, added, h, o, offsets) for o in offsets), 5)
        for added in range(200)
        for h in (1, 2, 3, 4)
    ]
    assert max(per_value) == Fraction(1, 5)  # even a cell known to hold the one value at the edge: 1 in 5
    assert max(best_guess(display, added, offsets) for added in range(200)) == Fraction(2, 5)

    # Simulated: 2,000 cells, each with its own key and cell, offsets from the real HMAC, every `added` in
    # 0..199 and every hidden value 1..4.
    rng = random.Random(2026)
    cells = [
        cell_offset(
            rng.randbytes(32), "t", dt.date(2026, 1, 5) + dt.timedelta(weeks=rng.randrange(52)), "quick_exit", ALL
        )
        for _ in range(2000)
    ]
    measured = []
    for added in range(200):
        figures = fits(display, added, offsets)
        hits = sum(figures[display(h + added, offset)] == {h} for h in (1, 2, 3, 4) for offset in cells)
        measured.append(hits / (4 * len(cells)))
    assert max(measured) <= 0.10
    assert max(measured) < min(o for o in old if o) / 2  # 0.25 before


def daily() -> dict:
    return {
        # Week 1: 10 over two days (10 whatever the offset). Week 2: 3 (hidden). Week 3: 0. Week 4: 13
        # (under KEY this cell's offset is 1: 13 + 1 = 14, down to 10; fixed rounding gave 15).
        ("conversations_started", ALL, dt.date(2026, 2, 16)): 4,
        ("conversations_started", ALL, dt.date(2026, 2, 20)): 6,
        ("conversations_started", ALL, dt.date(2026, 2, 24)): 3,
        ("conversations_started", ALL, dt.date(2026, 3, 15)): 13,
        # This week so far: never shown (it could be watched day by day).
        ("conversations_started", ALL, dt.date(2026, 3, 16)): 40,
        ("nation", "wales", dt.date(2026, 3, 3)): 2,
        ("quick_exit", ALL, dt.date(2026, 1, 1)): 9,  # before the period
    }


def test_weekly_figures_hide_small_cells_and_totals_only_add_shown_cells() -> None:
    figures = weekly_figures("t", daily(), WEEKS, key=KEY)
    started = figures.for_metric("conversations_started")[0]
    assert started.cells == (10, None, 0, 10)
    assert started.total.text == "20 + weeks under 10"  # the shown 10 + 10: the hidden 3 cannot be worked out
    wales = figures.for_metric("nation")[0]
    assert wales.cells == (0, 0, None, 0) and wales.total.text == "fewer than 10 each week"
    assert figures.for_metric("quick_exit") == []
    # 6 deletions in the week of 9 March: that cell's offset is 4 under KEY, so 10; with offsets 0 to 3, hidden.
    full = weekly_figures("t", {("deletion", ALL, dt.date(2026, 3, 10)): 6}, WEEKS, key=KEY).series[0]
    assert full.cells == (0, 0, 0, 10) and full.total.text == "10"


def test_a_cell_is_the_same_number_in_every_view_on_every_server_and_release() -> None:
    """Keyed by (tenant, week, metric, value): not by the period, the view or the server. The offsets for
    one key are pinned here: if they changed between releases, every published week would be re-rounded,
    and anyone who kept the old figures would get a second look at each cell."""
    counts = {
        ("conversations_started", ALL, dt.date(2026, 2, 17) + dt.timedelta(weeks=n)): c
        for n, c in enumerate((11, 12, 11, 13))
    }
    counts[("nation", "wales", dt.date(2026, 3, 3))] = 17
    assert [cell_offset(KEY, "t", w.start, "conversations_started", ALL) for w in WEEKS] == [4, 3, 3, 1]
    assert cell_offset(KEY, "t", WEEKS[2].start, "nation", "wales") == 3
    four = weekly_figures("t", counts, WEEKS, key=KEY)
    thirteen = weekly_figures(
        "t", counts, complete_weeks(TODAY, 13), key=rounding_key("a widget secret shared by every server, 32 bytes+")
    )  # another server, the same WIDGET_SECRET
    # 11 + 4 -> 15, 12 + 3 -> 15, 11 + 3 -> 10, 13 + 1 -> 10: the same 11 goes up one week, down another.
    assert four.for_metric("conversations_started")[0].cells == (15, 15, 10, 10)
    assert thirteen.for_metric("conversations_started")[0].cells[-4:] == (15, 15, 10, 10)
    assert four.for_metric("nation")[0].cells == (0, 0, 20, 0) == thirteen.for_metric("nation")[0].cells[-4:]
    rows = list(csv.DictReader(io.StringIO(figures_csv(four))))
    assert [r["count"] for r in rows if r["metric"] == "conversations_started"] == ["15", "15", "10", "10"]
    # Another tenant, or another secret, rounds the same counts by other offsets.
    assert weekly_figures("u", counts, WEEKS, key=KEY) != four
    assert weekly_figures("t", counts, WEEKS, key=rounding_key("another widget secret, also 32 bytes or more")) != four


def test_the_csv_has_the_same_cells_and_no_small_number() -> None:
    text = figures_csv(weekly_figures("t", daily(), WEEKS, key=KEY))
    rows = list(csv.DictReader(io.StringIO(text)))
    started = [r["count"] for r in rows if r["metric"] == "conversations_started"]
    assert started == ["10", FEWER, "0", "10"]
    assert {r["count"] for r in rows} <= {"0", "10", FEWER}
    assert rows[0]["week_start"] == "2026-02-16" and rows[0]["label"] == "Conversations started"
    assert all(r["tenant"] == "t" for r in rows)


def test_charts_are_valid_svg_with_text_alternatives_and_no_height_for_hidden_cells() -> None:
    svg = column_chart("c1", "Conversations started", "Per week.", [w.label for w in WEEKS], [10, None, 0, 5])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.find(f"{ns}title").text == "Conversations started"
    bars = [r for r in root.iter(f"{ns}rect") if r.get("fill") == "#1d70b8"]
    assert len(bars) == 2  # 10 and 5; 0 draws nothing
    assert "&lt;10" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    hbar = ET.fromstring(bar_chart("c2", "Nations", "Totals.", [("Wales", 15, True), ("England", 0, False)]))
    assert [t.text for t in hbar.iter(f"{ns}text")] == ["Wales", "15 + weeks under 10", "England", "0"]


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

    html = figures_page("<script>alert(1)</script> Charity", weekly_figures("t", daily(), WEEKS, key=KEY), 4)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('role="img"') == 2  # conversations each week, and nations
    assert '<table id="weekly">' in html and "Nations: totals" in html
    assert '<td class="n">20 + weeks under 10</td>' in html  # conversations started: 10 + 10 shown, 3 hidden
    assert '<th scope="row">Total of the rounded weeks</th>' in html  # totals say they add rounded numbers
    assert "rounded to a multiple of 5" in html and "an hour after it ends" in html
    assert "<script" not in html.replace("&lt;script", "") and "http" not in html.replace(
        "http://www.w3.org/2000/svg", ""
    )
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
