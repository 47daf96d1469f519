"""Starting the widget channel: settings are read once, and a bad setting stops the server loudly."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from bot.channels.widget import WidgetInput
from bot.tenants import TenantError

ROOT = Path(__file__).resolve().parents[3]
SECRET = "widget-test-secret-of-at-least-32-bytes"


def test_defaults_and_the_shipped_tenants(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WIDGET_SECRET", "WIDGET_MAX_MESSAGE_CHARS", "WIDGET_RATE_LIMIT_PER_MINUTE", "WIDGET_TENANTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    channel = WidgetInput.from_credentials(None)
    assert WidgetInput.name() == "widget"
    assert channel.max_message_chars == 2000 and channel.limiter.limit == 30
    assert {"default", "example-charity"} <= set(channel.tenants)


def test_no_secret_warns_and_ids_do_not_outlive_the_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("WIDGET_SECRET", raising=False)
    with caplog.at_level(logging.WARNING):
        first = WidgetInput()
    assert "WIDGET_SECRET is not set" in caplog.text
    issued = first.signer.issue("default").value
    assert WidgetInput().signer.verify(issued) is None


def test_the_same_secret_verifies_across_restarts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGET_SECRET", "a shared secret of at least 32 bytes")
    issued = WidgetInput().signer.issue("default").value
    assert WidgetInput().signer.verify(issued) is not None


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGET_MAX_MESSAGE_CHARS", "500")
    monkeypatch.setenv("WIDGET_RATE_LIMIT_PER_MINUTE", "5")
    channel = WidgetInput(secret=SECRET)
    assert channel.max_message_chars == 500 and channel.limiter.limit == 5


@pytest.mark.parametrize("value", ["lots", "0", "-3"])
def test_a_nonsense_limit_stops_start_up(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("WIDGET_MAX_MESSAGE_CHARS", value)
    with pytest.raises(ValueError):
        WidgetInput(secret=SECRET)


def test_a_bad_tenant_stops_start_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "default.yml").write_text((ROOT / "data/tenants/default.yml").read_text())
    bad = yaml.safe_load((ROOT / "data/tenants/example-charity.yml").read_text())
    bad["colours"]["text"] = bad["colours"]["background"]
    (tmp_path / "example-charity.yml").write_text(yaml.safe_dump(bad))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    with pytest.raises(TenantError, match="example-charity"):
        WidgetInput(secret=SECRET)
