"""Starts the real action server (this Python) and the real Rasa server (Python 3.10) on free ports,
with a throwaway tracker database, for the whole integration session."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.callback_receiver import SECRET as CALLBACK_SECRET
from tests.integration.callback_receiver import CallbackReceiver, tenants_with_receiver
from tests.integration.servers import Bot

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "reclaim.tar.gz"
STARTUP_SECONDS = 180
WIDGET_SECRET = "integration-test-widget-secret"
# Figures dashboard tokens for the test servers (never used anywhere else).
DASHBOARD_TOKENS = {"default": "test-token-default", "example-charity": "test-token-example-charity"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The {name} exited while starting:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"The {name} did not answer at {url} within {STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}")


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
    action_port, rasa_port = free_port(), free_port()
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
        # Replies wait longer than the default 10 s for the action server here: tests/integration/
        # test_concurrency.py loads a shared 2-core machine, and speed is measured by `make bench`, not
        # by tests. The deadline itself is tested in test_resilience.py.
        "REPLY_DEADLINE_SECONDS": "120",
        # Anonymous figures (tests/integration/test_figures.py): a throwaway database, written often.
        "METRICS_DB_URL": f"sqlite:///{workdir / 'metrics.db'}",
        "METRICS_FLUSH_SECONDS": "0.2",
        "DASHBOARD_SECRET": "integration-test-dashboard-secret",
        "DASHBOARD_TOKEN_DEFAULT": DASHBOARD_TOKENS["default"],
        "DASHBOARD_TOKEN_EXAMPLE_CHARITY": DASHBOARD_TOKENS["example-charity"],
        # "Talk to a person": both servers read these tenants; example-charity signs with this secret.
        "WIDGET_TENANTS_DIR": str(tenants),
        "CALLBACK_SECRET_EXAMPLE_CHARITY": CALLBACK_SECRET,
    }
    logs = {name: workdir / f"{name}.log" for name in ("actions", "rasa")}
    processes: list[subprocess.Popen] = []
    subprocess.run(
        [str(ROOT / ".venv/actions/bin/python"), "-m", "actions.directory.load"], cwd=ROOT, env=env, check=True
    )
    try:
        actions = subprocess.Popen(
            [str(ROOT / ".venv/actions/bin/python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=logs["actions"].open("w"), stderr=subprocess.STDOUT,
        )
        processes.append(actions)
        _wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, "action server", logs["actions"])
        rasa = subprocess.Popen(
            [
                str(ROOT / ".venv/rasa/bin/rasa"), "run", "--model", str(MODEL),
                "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
                "--interface", "127.0.0.1", "--port", str(rasa_port),
            ],
            cwd=ROOT, env=env, stdout=logs["rasa"].open("w"), stderr=subprocess.STDOUT,
        )
        processes.append(rasa)
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, "Rasa server", logs["rasa"])
        yield Bot(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", workdir / "trackers.db",
            action_url=f"http://127.0.0.1:{action_port}",
        )
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
