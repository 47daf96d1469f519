"""actions/settings.py: every setting the action server's code reads is typed, checked, documented in
.env.example with the same default, and read only through it; and every setting in .env.example is read by
one of the two servers' settings (bot/settings.py is standard library only, so it is imported here too), by
Rasa itself, or only by the scripts that start the servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.settings import PROJECT_ROOT, SettingError, Settings, settings, tenant_suffix
from bot import settings as bot_settings
from tests import env_example

SETTINGS = env_example.setting_names(Settings)
BOT_SETTINGS = env_example.setting_names(bot_settings.Settings)


def test_every_setting_is_documented_in_env_example_with_a_line_of_its_own() -> None:
    """Per-tenant ones (CALLBACK_SECRET_<ID>) as a pattern."""
    assert env_example.undocumented(Settings) == []


def test_the_defaults_are_the_ones_env_example_shows() -> None:
    assert Settings.from_environ(env_example.exported_values()) == Settings() == Settings.from_environ({})
    assert Settings().reclaim_data_dir == PROJECT_ROOT / "data"
    assert Settings().tenants_dir == PROJECT_ROOT / "data" / "tenants"


def test_every_setting_in_env_example_is_read_by_someone() -> None:
    per_tenant = tuple(prefix + "_" for prefix in Settings.PER_TENANT + bot_settings.Settings.PER_TENANT)
    read = SETTINGS | BOT_SETTINGS | set(env_example.READ_BY_RASA) | env_example.endpoint_variables()
    unread = [
        name
        for name in env_example.settings()
        if name not in read | env_example.USED_BY_SCRIPTS and not name.startswith(per_tenant)
    ]
    assert unread == [], "in .env.example but read by nothing: add it to a Settings class or tests/env_example.py"
    assert env_example.per_tenant_patterns() == set(Settings.PER_TENANT + bot_settings.Settings.PER_TENANT)


def test_the_settings_said_to_be_for_scripts_only_are_used_there_and_nowhere_else() -> None:
    documented = env_example.settings()
    files = [path for path in (PROJECT_ROOT / "scripts").iterdir() if path.is_file()] + [PROJECT_ROOT / "Makefile"]
    scripts = "\n".join(path.read_text(encoding="utf-8") for path in files)
    for name in env_example.USED_BY_SCRIPTS | set(env_example.READ_BY_RASA):
        assert name in documented, f"tests/env_example.py names {name}, which .env.example does not have"
        assert name not in SETTINGS | BOT_SETTINGS, f"{name} is read by a Settings class: not 'elsewhere'"
    for name in env_example.USED_BY_SCRIPTS:
        assert name in scripts, f"{name} is said to be used by scripts/ or the Makefile, and is not"


def test_only_actions_settings_reads_the_environment() -> None:
    assert env_example.environment_reads("actions") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CALLBACK_LIMIT_PER_HOUR", "lots"),
        ("CALLBACK_LIMIT_PER_HOUR", "0"),
        ("CALLBACK_LIMIT_PER_ADDRESS_PER_HOUR", "-3"),
        ("CONVERSATION_RETENTION_HOURS", "a day"),
        ("CONVERSATION_RETENTION_HOURS", "0"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=f"^{name}\\b"):
        Settings.from_environ({name: value})


def test_an_empty_postcode_lookup_url_turns_the_lookup_off_and_other_empty_values_mean_the_default() -> None:
    config = Settings.from_environ({"POSTCODE_LOOKUP_URL": "", "DATABASE_URL": " ", "WIDGET_TENANTS_DIR": "/srv/t"})
    assert config.postcode_lookup_url == "" and Settings().postcode_lookup_url == "https://api.postcodes.io"
    assert config.database_url is None and config.tenants_dir == Path("/srv/t")
    assert Settings.from_environ({"RECLAIM_DATA_DIR": "/srv/data"}).tenants_dir == Path("/srv/data/tenants")


def test_per_tenant_settings_never_show_in_repr() -> None:
    secret = "s" * 40
    config = Settings.from_environ({"CALLBACK_SECRET_EXAMPLE_CHARITY": secret, "CALLBACK_SECRET_EMPTY": ""})
    assert config.per_tenant("CALLBACK_SECRET", "example-charity") == secret
    assert config.per_tenant("CALLBACK_SECRET", "empty") is None and config.per_tenant("CALLBACK_SECRET", "x") is None
    assert secret not in repr(config)
    with pytest.raises(KeyError, match="DASHBOARD_TOKEN"):
        config.per_tenant("DASHBOARD_TOKEN", "example-charity")  # the Rasa server's, not read here


def test_both_servers_name_a_tenants_settings_alike() -> None:
    for tenant_id in ("example-charity", "a_b", "charity9"):
        assert tenant_suffix(tenant_id) == bot_settings.tenant_suffix(tenant_id)


def test_the_process_reads_its_settings_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLBACK_LIMIT_PER_HOUR", "7")
    assert settings() is settings() and settings().callback_limit_per_hour == 7
    monkeypatch.setenv("CALLBACK_LIMIT_PER_HOUR", "0")  # tests/actions/conftest.py: read again after a change
    with pytest.raises(SettingError, match="CALLBACK_LIMIT_PER_HOUR"):
        settings()
