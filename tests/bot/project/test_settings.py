"""bot/settings.py: every setting the Rasa server's code reads is typed, checked, documented in .env.example
with the same default, and read only through it. (tests/actions/project/test_settings.py checks the other way: that
every setting in .env.example is read by someone.)"""

from __future__ import annotations

import ipaddress
import re
from importlib.util import find_spec
from pathlib import Path

import pytest

from bot.settings import SettingError, Settings, settings
from tests import env_example


def test_every_setting_is_documented_in_env_example_with_a_line_of_its_own() -> None:
    """Per-tenant ones (DASHBOARD_TOKEN_<ID>) as a pattern."""
    assert env_example.undocumented(Settings) == []


def test_the_defaults_are_the_ones_env_example_shows() -> None:
    """scripts/env.sh exports .env.example's values: the server must behave the same with or without them."""
    assert Settings.from_environ(env_example.exported_values()) == Settings() == Settings.from_environ({})
    assert Settings().trusted_proxies == (ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("::1"))
    assert Settings().widget_tenants_dir == env_example.ROOT / "data" / "tenants"


def test_only_bot_settings_reads_the_environment() -> None:
    assert env_example.environment_reads("bot") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WIDGET_MAX_MESSAGE_CHARS", "lots"),
        ("WIDGET_MAX_MESSAGE_CHARS", "0"),
        ("WIDGET_MESSAGES_PER_MINUTE_PER_ADDRESS", "-3"),
        ("REST_MAX_MESSAGE_CHARS", "1.5"),
        ("REPLY_DEADLINE_SECONDS", "soon"),
        ("REPLY_DEADLINE_SECONDS", "0"),
        ("CONVERSATION_RETENTION_HOURS", "-1"),
        ("CONVERSATION_RETENTION_HOURS", "nan"),
        ("PURGE_INTERVAL_MINUTES", "-0.5"),
        ("METRICS_FLUSH_SECONDS", "0"),
        ("DASHBOARD_SESSION_MINUTES", "an hour"),
        ("TRUSTED_PROXIES", "10.0.0.300"),
        ("TRUSTED_PROXIES", " , "),
    ],
)
def test_a_wrong_value_is_refused_naming_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=f"^{name}\\b"):
        Settings.from_environ({name: value})


def test_values_are_typed_and_spaces_and_empty_values_mean_the_default() -> None:
    config = Settings.from_environ(
        {"PURGE_INTERVAL_MINUTES": "0", "WIDGET_STARTS_PER_MINUTE": " 7 ", "WIDGET_SECRET": "  ", "RASA_ENDPOINTS": ""}
    )
    assert config.purge_interval_minutes == 0.0  # 0 turns the schedule off: allowed
    assert config.widget_starts_per_minute == 7
    assert config.widget_secret is None and config.rasa_endpoints == Path("bot/endpoints.yml")
    proxies = Settings.from_environ({"TRUSTED_PROXIES": "10.0.0.0/24, 192.0.2.50"}).trusted_proxies
    assert proxies == (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("192.0.2.50"))


def test_per_tenant_settings_and_secrets_never_show_in_repr() -> None:
    secret, token = "w" * 40, "t" * 40
    config = Settings.from_environ({"WIDGET_SECRET": secret, "DASHBOARD_TOKEN_EXAMPLE_CHARITY": f" {token} "})
    assert config.per_tenant("DASHBOARD_TOKEN", "example-charity") == token
    assert config.per_tenant("DASHBOARD_TOKEN", "other") is None
    assert Settings.from_environ({"DASHBOARD_TOKEN_OTHER": ""}).per_tenant("DASHBOARD_TOKEN", "other") is None
    assert secret not in repr(config) and token not in repr(config)
    with pytest.raises(KeyError, match="CALLBACK_SECRET"):
        config.per_tenant("CALLBACK_SECRET", "example-charity")  # the action server's, not read here


def test_the_process_reads_its_settings_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REST_MAX_MESSAGE_CHARS", "99")
    assert settings() is settings() and settings().rest_max_message_chars == 99
    monkeypatch.setenv("REST_MAX_MESSAGE_CHARS", "0")  # tests/bot/conftest.py: read again after a change
    with pytest.raises(SettingError, match="REST_MAX_MESSAGE_CHARS"):
        settings()


@pytest.mark.parametrize(("name", "module"), sorted(env_example.READ_BY_RASA.items()))
def test_settings_said_to_be_read_by_rasa_are(name: str, module: str) -> None:
    rasa = Path(find_spec("rasa").submodule_search_locations[0])
    source = (rasa / module).read_text(encoding="utf-8")
    assert re.search(rf"[\"']{name}[\"']", source), f"Rasa's {module} does not read {name}"
