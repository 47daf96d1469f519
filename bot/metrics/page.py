"""The dashboard's HTML: plain, accessible markup in the GOV.UK style, no script, no outside requests.

Every chart has the same figures in a table beside it. Every number comes from suppression.py: weekly
cells rounded by their keyed offset (small ones hidden), and totals that add up only those rounded cells,
labelled as such.
"""

from __future__ import annotations

from html import escape

from bot.metrics import charts
from bot.metrics.catalogue import ALL, METRICS, value_label
from bot.metrics.suppression import FEWER, HIDDEN_WEEKS, PERIODS, Figures, Series

BASE = "/webhooks/dashboard"
CHARTED = "conversations_started"
BREAKDOWNS = ("situation", "nation", "offence_explained", "service_routed", "link_clicked")
TOTAL = "Total of the rounded weeks"

CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:Arial,sans-serif;font-size:1.1875rem;line-height:1.4;color:#0b0c0c;background:#fff}
a{color:#1d70b8}a:visited{color:#4c2c92}
a:focus,button:focus,input:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 4px #0b0c0c}
.skip{position:absolute;left:-9999px}.skip:focus{position:static;display:block;padding:8px;background:#fd0;color:#0b0c0c}
header{background:#0b0c0c;color:#fff;padding:12px 16px}header p{margin:0;font-weight:700;font-size:1.5rem}
main{max-width:960px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:2.25rem;margin:0 0 16px}h2{font-size:1.5rem;margin:40px 0 12px}
label{display:block;font-weight:700;margin:16px 0 4px}
input{font:inherit;width:100%;max-width:24em;padding:6px;border:2px solid #0b0c0c}
button{font:inherit;margin-top:20px;padding:8px 14px;border:0;background:#00703c;color:#fff;
box-shadow:0 2px #002d18;cursor:pointer}
button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px #929191}
.error{border-left:5px solid #d4351c;padding:8px 16px;margin:16px 0}.error p{margin:0;color:#d4351c;font-weight:700}
.inset{border-left:5px solid #b1b4b6;padding:4px 16px;margin:16px 0}
nav ul{list-style:none;padding:0;display:flex;gap:24px;flex-wrap:wrap}nav a[aria-current]{font-weight:700;color:#0b0c0c}
table{border-collapse:collapse;width:100%;margin:12px 0 24px}caption{text-align:left;font-weight:700;margin-bottom:8px}
th,td{text-align:left;padding:8px 12px 8px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
td.n,th.n{text-align:right}
.scroll{overflow-x:auto;max-width:100%}th,td{overflow-wrap:break-word}
#weekly th[scope=row]{min-width:9em}#weekly td.n{white-space:nowrap}
svg.chart{width:100%;height:auto;max-width:640px;display:block}
.actions{display:flex;gap:16px;flex-wrap:wrap;align-items:center}.actions form{margin:0}.actions button{margin-top:0}
"""


def _layout(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
        f'<link rel="stylesheet" href="{BASE}/dashboard.css"></head><body>'
        '<a class="skip" href="#main">Skip to main content</a>'
        "<header><p>Reclaim: figures for charities</p></header>"
        f'<main id="main">{body}</main></body></html>'
    )


def message_page(title: str, sentence: str) -> str:
    """A page that only says what happened, for when the figures or the form cannot be shown."""
    return _layout(
        title, f'<h1>{escape(title)}</h1><p>{escape(sentence)}</p><p><a href="{BASE}/">Back to the figures</a></p>'
    )


def sign_in_page(error: str | None = None, tenant_id: str = "") -> str:
    title = "Sign in to your charity's figures"
    error_html = f'<div class="error" role="alert"><p>{escape(error)}</p></div>' if error else ""
    body = (
        f"<h1>{escape(title)}</h1>{error_html}"
        "<p>See how many people used Reclaim on your website. The figures are anonymous counts: "
        "nobody's words are kept, and small numbers are hidden.</p>"
        f'<form method="post" action="{BASE}/sign-in" novalidate>'
        '<label for="tenant">Your organisation\'s ID</label>'
        '<input id="tenant" name="tenant" type="text" autocomplete="username" spellcheck="false" '
        f'value="{escape(tenant_id)}">'
        '<label for="token">Access token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password">'
        '<button type="submit">Sign in</button></form>'
    )
    return _layout(("Error: " if error else "") + title, body)


def _period_nav(weeks: int) -> str:
    items = []
    for count, label in PERIODS.items():
        current = ' aria-current="page"' if count == weeks else ""
        items.append(f'<li><a href="{BASE}/?weeks={count}"{current}>{escape(label)}</a></li>')
    return f'<nav aria-label="Period"><ul>{"".join(items)}</ul></nav>'


def _weekly_table(figures: Figures) -> str:
    zeros = tuple(0 for _ in figures.weeks)
    singles = [
        (figures.for_metric(metric) or [Series(metric, ALL, zeros)])[0]
        for metric in METRICS
        if metric not in BREAKDOWNS
    ]
    head = "".join(f'<th scope="col" class="n">{escape(METRICS[s.metric][0])}</th>' for s in singles)
    rows = []
    for index, week in enumerate(figures.weeks):
        cells = "".join(f'<td class="n">{escape(s.cell_text(index))}</td>' for s in singles)
        rows.append(f'<tr><th scope="row">{escape(week.long_label)}</th>{cells}</tr>')
    totals = "".join(f'<td class="n">{escape(s.total.text)}</td>' for s in singles)
    rows.append(f'<tr><th scope="row">{TOTAL}</th>{totals}</tr>')
    # On a phone the table scrolls sideways on its own, not the whole page; the region can take focus
    # so keyboard users can scroll it too.
    return (
        '<div class="scroll" role="region" aria-labelledby="weekly-caption" tabindex="0">'
        '<table id="weekly"><caption id="weekly-caption">Each week</caption>'
        f'<thead><tr><th scope="col">Week</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


def _breakdown(metric: str, figures: Figures) -> str:
    series = figures.for_metric(metric)
    heading, meaning = METRICS[metric]
    if not series:
        return f"<h2>{escape(heading)}</h2><p>None counted in these weeks.</p>"
    rows = sorted(((value_label(metric, s.value), s.total) for s in series), key=lambda r: (-r[1].value, r[0]))
    chart = charts.bar_chart(
        f"chart-{metric}",
        heading,
        f"Totals for these weeks, each adding up the rounded weekly numbers; one count is {meaning}. "
        "The table below has the same figures.",
        [(label, total.value, total.partial) for label, total in rows],
    )
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td class="n">{escape(total.text)}</td></tr>' for label, total in rows
    )
    return (
        f"<h2>{escape(heading)}</h2>{chart}"
        f'<table><caption>{escape(heading)}: totals</caption><thead><tr><th scope="col">What</th>'
        f'<th scope="col" class="n">{TOTAL}</th></tr></thead><tbody>{body}</tbody></table>'
    )


def figures_page(display_name: str, figures: Figures, weeks: int) -> str:
    title = f"{display_name}: anonymous figures"
    first, last = figures.weeks[0], figures.weeks[-1]
    started = figures.for_metric(CHARTED)
    cells = list(started[0].cells) if started else [0] * len(figures.weeks)
    chart = charts.column_chart(
        "chart-conversations",
        "Conversations started each week",
        f"Conversations started each week, oldest first. Striped bars are weeks with {FEWER}. "
        "The table below has the same figures.",
        [w.label for w in figures.weeks],
        cells,
    )
    body: list[str] = [
        f"<h1>{escape(title)}</h1>",
        _period_nav(weeks),
        f"<p>Weeks from {escape(first.start.strftime('%-d %B %Y'))} to {escape(last.end.strftime('%-d %B %Y'))} "
        "(Monday to Sunday, UK time). A week appears an hour after it ends (Monday at 1am), once its numbers "
        "can no longer change.</p>",
        '<div class="inset"><p>These are anonymous counts. Nothing anyone wrote is kept, and no conversation can be '
        f"traced. Small numbers are shown as “{FEWER}” so nobody can be singled out: always 1 to 5, and "
        "sometimes 6 to 9. Every other number is rounded to a multiple of 5, up or down by a secret rule that "
        "is fixed for each number, so it can be up to 4 above or below the real count. Totals add up only the "
        f"rounded numbers that are shown, so they say “+ {HIDDEN_WEEKS}” when a week was hidden.</p></div>",
        '<div class="actions">'
        f'<a href="{BASE}/export.csv?weeks={weeks}" download>Download these figures (CSV)</a>'
        f'<form method="post" action="{BASE}/sign-out"><button class="secondary" type="submit">Sign out</button></form>'
        "</div>",
        "<h2>Conversations started</h2>",
        chart,
        _weekly_table(figures),
        *(_breakdown(metric, figures) for metric in BREAKDOWNS),
    ]
    return _layout(title, "".join(body))
