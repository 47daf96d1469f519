"""Anonymous figures, wired into Rasa: the broker never breaks a conversation or logs what it saw,
Rasa loads it from endpoints.yml, the widget learns which service a link is for, and the store works
on PostgreSQL (the scale-out profile) as on SQLite."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import uuid
from pathlib import Path

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import read_endpoint_config

from bot.channels.replies import to_widget_messages
from bot.metrics.broker import MetricsEventBroker
from bot.metrics.catalogue import ALL
from bot.metrics.counting import EventCounter
from bot.metrics.recorder import Recorder
from bot.metrics.store import MetricsStore
from tests.bot.shared_stores import POSTGRES_URL, _admin_connection, drop_database, unavailable


class ExplodingCounter(EventCounter):
    def count(self, event):  # noqa: ANN001, ANN201
        raise ValueError(f"boom {event}")


def test_a_failing_count_is_logged_by_type_only_and_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    broker = MetricsEventBroker(counter=ExplodingCounter(["default"]), recorder=Recorder(store=object(), interval=1))
    with caplog.at_level(logging.DEBUG):
        broker.publish({"sender_id": "abc123", "event": "user", "text": "my secret words"})
    assert "ValueError" in caplog.text
    assert "secret" not in caplog.text and "abc123" not in caplog.text


def test_the_broker_counts_into_its_recorder(tmp_path) -> None:
    at_the_time = dt.datetime.fromtimestamp(1.7e9 + 60, dt.timezone.utc)  # before that week was final
    recorder = Recorder(store=MetricsStore(f"sqlite:///{tmp_path / 'm.db'}"), interval=1, now=lambda: at_the_time)
    broker = MetricsEventBroker(counter=EventCounter(["default"]), recorder=recorder)
    broker.publish({"sender_id": "s", "event": "session_started", "timestamp": 1.7e9})
    broker.publish({"sender_id": "s", "event": "user", "text": "hi", "input_channel": "rest", "timestamp": 1.7e9})
    assert recorder.flush() == 1
    day = dt.date.fromtimestamp(1.7e9)
    assert recorder.store.daily("default", day - dt.timedelta(days=1), day + dt.timedelta(days=1)) == {
        ("conversations_started", ALL, day): 1
    }


@pytest.mark.parametrize(
    "endpoints", ["bot/endpoints.yml", "bot/endpoints.production.yml", "bot/endpoints.production-redis.yml"]
)
def test_every_profile_counts_the_figures(endpoints: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The default, the PostgreSQL and the Redis profile all load the counting broker."""
    monkeypatch.setenv("METRICS_DB_URL", f"sqlite:///{tmp_path / 'm.db'}")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "t.db"))
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:1/webhook")
    # Rasa fills in every ${VAR} of the file when reading it: give the profile's other settings a value.
    for name in re.findall(r"\$\{(\w+)\}", Path(endpoints).read_text()):
        if name not in os.environ:
            monkeypatch.setenv(name, "1")
    config = read_endpoint_config(endpoints, "event_broker")
    broker = asyncio.run(EventBroker.create(config))
    assert isinstance(broker, MetricsEventBroker)


def test_the_widget_gets_a_links_service_id_only_when_it_is_an_id() -> None:
    outputs = [
        {"text": "Steps"},
        {
            "custom": {
                "links": [{"title": "Call", "url": "tel:+44116123"}, {"title": "Site", "url": "https://x.example"}],
                "services": ["samaritans"],
                "link_services": {"tel:+44116123": "samaritans", "https://x.example": "Not An Id!"},
            }
        },
    ]
    assert to_widget_messages(outputs) == [
        {
            "text": "Steps",
            "buttons": [],
            "links": [
                {"title": "Call", "url": "tel:+44116123", "service": "samaritans"},
                {"title": "Site", "url": "https://x.example"},
            ],
        }
    ]


def test_the_store_upserts_on_postgresql() -> None:
    try:
        admin = _admin_connection()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means "unavailable"
        unavailable("PostgreSQL", f"cannot connect to {POSTGRES_URL} ({type(error).__name__})")
    name = f"reclaim_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    try:
        base = POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg2://", 1)
        store = MetricsStore(f"{base}/{name}")
        day = dt.date(2026, 3, 3)
        key = ("t", day, "quick_exit", ALL)
        store.add({key: 2})
        store.add({key: 3, ("u", day, "quick_exit", ALL): 1})
        assert store.daily("t", day, day) == {("quick_exit", ALL, day): 5}
        store.dispose()
    finally:
        drop_database(name)
