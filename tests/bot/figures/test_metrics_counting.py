"""Anonymous figures: which Rasa events count, under which tenant, and that nothing else is kept."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.metrics.catalogue import ALL, OTHER, clean_value, service_ids, value_label
from bot.metrics.counting import EventCounter, Increment

T0 = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.timezone.utc).timestamp()
DAY = dt.date(2026, 3, 10)
WIDGET_ID = "example-charity.69a1b2c3." + "a" * 24 + ".sig"  # the shape of bot/channels/signed_ids.py


def counter() -> EventCounter:
    return EventCounter(["default", "example-charity"], now=lambda: T0)


def session_start(sender: str) -> list:
    return [
        {"sender_id": sender, "event": "action", "name": "action_session_start", "timestamp": T0},
        {"sender_id": sender, "event": "session_started", "timestamp": T0},
        {"sender_id": sender, "event": "action", "name": "action_listen", "timestamp": T0},
    ]


def user(sender: str, text: str, channel: str = "widget", tenant: str | None = "example-charity") -> dict:
    return {
        "sender_id": sender,
        "event": "user",
        "text": text,
        "input_channel": channel,
        "timestamp": T0,
        "metadata": {"tenant": tenant} if tenant else {},
        "parse_data": {"text": text, "intent": {"name": "greet"}, "entities": []},
    }


def run(c: EventCounter, events: list) -> list:
    return [inc for event in events for inc in c.count(event)]


def test_a_widget_conversation_counts_under_its_tenant_once_the_first_message_names_it() -> None:
    c = counter()
    assert run(c, session_start(WIDGET_ID)) == []  # tenant not known yet: waits, in memory
    assert run(c, [user(WIDGET_ID, "/greet")]) == [Increment("example-charity", DAY, "conversations_started", ALL)]
    # "Start again" (a restart, then a new session) is the same conversation carrying on.
    restarted = [{"sender_id": WIDGET_ID, "event": "restart"}, *session_start(WIDGET_ID), user(WIDGET_ID, "hi")]
    assert run(c, restarted) == []


def test_rest_traffic_counts_under_the_default_tenant_even_if_it_claims_another() -> None:
    c = counter()
    events = session_start("someone") + [user("someone", "hi", channel="rest", tenant="example-charity")]
    assert run(c, events) == [Increment("default", DAY, "conversations_started", ALL)]


def test_an_unknown_tenant_in_widget_metadata_counts_as_default() -> None:
    c = counter()
    assert run(c, session_start("x") + [user("x", "hi", tenant="no-such-charity")])[0].tenant == "default"


def test_situation_nation_under_18_offences_and_services_count_canonical_values_once_per_conversation() -> None:
    c = counter()
    s = WIDGET_ID
    run(c, session_start(s) + [user(s, "/greet")])
    events = [
        {"sender_id": s, "event": "slot", "name": "situation", "value": ["threat_to_share", "my ex Dave"]},
        {"sender_id": s, "event": "slot", "name": "situation", "value": ["threat_to_share"]},  # re-validated
        {"sender_id": s, "event": "slot", "name": "nation", "value": "wales"},
        {"sender_id": s, "event": "slot", "name": "nation", "value": "CF10 1AA"},  # raw words: never counted
        {"sender_id": s, "event": "slot", "name": "young_person", "value": True},
        {"sender_id": s, "event": "slot", "name": "age_group", "value": "16_17"},  # not a metric
        {
            "sender_id": s,
            "event": "slot",
            "name": "offences_explained",
            "value": ["ew_soa2003_s66b4_threat", "made_up"],
        },
        {"sender_id": s, "event": "action", "name": "utter_crisis"},
        {"sender_id": s, "event": "action", "name": "utter_crisis"},
        {
            "sender_id": s,
            "event": "bot",
            "text": "Call Samaritans",
            "data": {
                "custom": {"links": [{"title": "x", "url": "tel:116123"}], "services": ["samaritans", "not_a_service"]}
            },
        },
    ]
    got = {(i.metric, i.value) for i in run(c, events)}
    assert got == {
        ("situation", "threat_to_share"),
        ("nation", "wales"),
        ("under_18", ALL),
        ("offence_explained", "ew_soa2003_s66b4_threat"),
        ("crisis_response", ALL),
        ("service_routed", "samaritans"),
    }
    assert len(run(c, events)) == 0  # the same conversation never counts a value twice


def test_increments_hold_nothing_but_tenant_day_metric_and_value() -> None:
    assert [f.name for f in dataclasses.fields(Increment)] == ["tenant", "day", "metric", "value"]


def test_an_erasure_counts_a_deletion_under_the_tenant_in_the_signed_id() -> None:
    c = counter()  # a server that never saw this conversation (another server handled it)
    erased = {"sender_id": WIDGET_ID, "event": "action", "name": "utter_conversation_deleted", "reclaim_erased": True}
    assert run(c, [erased]) == [Increment("example-charity", DAY, "deletion", ALL)]
    # The dialogue's own action (the store erases before Rasa could stream it) does not count twice.
    assert run(counter(), [{"sender_id": "x", "event": "action", "name": "utter_conversation_deleted"}]) == []


def test_an_erased_conversation_is_forgotten_by_the_counter() -> None:
    c = counter()
    run(c, session_start(WIDGET_ID) + [user(WIDGET_ID, "hi"), user("other", "hi", channel="rest")])
    assert len(c) == 2
    erased = {"sender_id": WIDGET_ID, "event": "action", "name": "utter_conversation_deleted", "reclaim_erased": True}
    assert run(c, [erased]) == [Increment("example-charity", DAY, "deletion", ALL)]
    assert len(c) == 1 and WIDGET_ID not in c._conversations  # nothing about it is kept in memory
    assert "other" in c._conversations


def test_days_are_uk_calendar_days() -> None:
    late = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.timezone.utc).timestamp()  # 00:30 on 2 July in London
    c = counter()
    assert c.count({"sender_id": "y", "event": "session_started", "timestamp": late}) == []
    assert c.count(dict(user("y", "hi", channel="rest"), timestamp=late)) == [
        Increment("default", dt.date(2026, 7, 2), "conversations_started", ALL)
    ]


def test_memory_is_bounded_and_odd_input_is_ignored() -> None:
    c = EventCounter(["default"], max_conversations=10, now=lambda: T0)
    for n in range(100):
        run(c, session_start(f"s{n}") + [user(f"s{n}", "hi", channel="rest")])
    assert len(c) == 10
    assert c.count("not a dict") == [] and c.count({"event": "user"}) == []
    assert c.count({"sender_id": "z", "event": "slot", "name": "nation", "value": {"weird": 1}}) == []


def test_allow_lists_come_from_the_repository_data() -> None:
    assert "samaritans" in service_ids() and "revenge_porn_helpline" in service_ids()
    assert clean_value("link_clicked", "https://evil.example") == OTHER
    assert clean_value("situation", "anything typed") is None
    assert value_label("nation", "northern_ireland") == "Northern Ireland"
    assert value_label("service_routed", "samaritans") == "Samaritans"


def test_a_callback_refused_by_the_charitys_hourly_limit_is_counted_for_the_charity() -> None:
    """The operator sees on the dashboard when the callback quota turned real requests away."""
    c = counter()
    run(c, session_start(WIDGET_ID) + [user(WIDGET_ID, "hi")])
    slot = {"sender_id": WIDGET_ID, "event": "slot", "name": "callback_contact", "timestamp": T0}
    limited = [dict(slot, value="limited")] * 2  # Rasa may stream the slot twice: one conversation, one count
    assert run(c, limited) == [Increment("example-charity", DAY, "callback_limit_reached", ALL)]
    assert run(c, [dict(slot, value="sent"), dict(slot, value="failed"), dict(slot, value=None)]) == []
    assert value_label("callback_limit_reached", ALL) == "Callback requests not sent: hourly limit reached"
