"""Starts the real action server (this Python) and the real Rasa server (Python 3.10) on free ports,
with a throwaway tracker database, for the whole integration session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.servers import Fleet, free_port, load_directory
from tests.integration.bot_client import Bot
from tests.integration.callback_receiver import SECRET as CALLBACK_SECRET
from tests.integration.callback_receiver import CallbackReceiver, tenants_with_receiver

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "reclaim.tar.gz"
WIDGET_SECRET = "integration-test-widget-secret-32-bytes-or-more"  # shorter ones stop the server
# Figures dashboard tokens and secret for the test servers (never used anywhere else); 32 bytes or more,
# as the servers require.
DASHBOARD_TOKENS = {
    "default": "test-token-default-at-least-32-bytes",
    "example-charity": "test-token-example-charity-at-least-32-bytes",
}
DASHBOARD_SECRET = "integration-test-dashboard-secret"


@pytest.fixture(scope="session")
def callback_receiver() -> Iterator[CallbackReceiver]:
    """example-charity's callback webhook, on this machine (tests/integration/test_talk_to_person.py)."""
    receiver = CallbackReceiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory, callback_receiver: CallbackReceiver) -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it for you).")
    workdir = tmp_path_factory.mktemp("servers")
    # The tenants as in data/tenants, except that example-charity's callbacks go to the local receiver.
    tenants = tenants_with_receiver(
        ROOT / "data" / "tenants", tmp_path_factory.mktemp("tenants"), "example-charity", callback_receiver.url
    )
    action_port = free_port()
    env = {
        **os.environ,
        "ACTION_PORT": str(action_port),
        "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(workdir / "trackers.db"),
        "RASA_TELEMETRY_ENABLED": "false",
        # No test touches the network: postcode and town lookups are off.
        "POSTCODE_LOOKUP_URL": "",
        "PYTHONPATH": str(ROOT),
        # The service directory the action server routes from: a fresh database, loaded as `make run` does.
        "DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
        # The web widget's channel signs conversation ids with this (tests/integration/test_widget_channel.py).
        "WIDGET_SECRET": WIDGET_SECRET,
        "WIDGET_MAX_MESSAGE_CHARS": "2000",
        "WIDGET_RATE_LIMIT_PER_MINUTE": "30",
        # Every test starts its conversations from 127.0.0.1; the limit itself: test_resilience.py.
        "WIDGET_STARTS_PER_MINUTE": "1000",
        # The same for messages and callback requests per address (tests/bot/channels/test_widget_abuse.py and
        # tests/actions/handoff/test_callback_form.py test those limits).
        "WIDGET_MESSAGES_PER_MINUTE_PER_ADDRESS": "100000",
        "CALLBACK_LIMIT_PER_ADDRESS_PER_HOUR": "1000",
        # Replies wait longer than the default 10 s for the action server here: tests/integration/
        # test_concurrency.py loads a shared 2-core machine, and speed is measured by `make bench`, not
        # by tests. The deadline itself is tested in test_resilience.py.
        "REPLY_DEADLINE_SECONDS": "120",
        # Anonymous figures (tests/integration/test_figures.py): a throwaway database, written often.
        "METRICS_DB_URL": f"sqlite:///{workdir / 'metrics.db'}",
        "METRICS_FLUSH_SECONDS": "0.2",
        "DASHBOARD_SECRET": DASHBOARD_SECRET,
        "DASHBOARD_TOKEN_DEFAULT": DASHBOARD_TOKENS["default"],
        "DASHBOARD_TOKEN_EXAMPLE_CHARITY": DASHBOARD_TOKENS["example-charity"],
        # "Talk to a person": both servers read these tenants; example-charity signs with this secret.
        "WIDGET_TENANTS_DIR": str(tenants),
        "CALLBACK_SECRET_EXAMPLE_CHARITY": CALLBACK_SECRET,
    }
    load_directory(env)
    fleet = Fleet(workdir)  # logs: actions.log and rasa.log, next to the tracker database
    try:
        actions = fleet.actions(env, port=action_port)
        actions.wait_for_health()
        rasa = fleet.rasa(
            "rasa", MODEL, ROOT / "bot" / "endpoints.yml", env, credentials=ROOT / "bot" / "credentials.yml"
        )
        rasa.wait_until_up()
        yield Bot(f"{rasa.url}/webhooks/rest/webhook", workdir / "trackers.db", action_url=actions.url)
    finally:
        fleet.stop_all()
