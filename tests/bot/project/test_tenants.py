"""Tenant files: the shipped ones load, and a wrong one stops the server naming the tenant and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import vocabulary
from bot.tenants import (
    DEFAULT_QUICK_EXIT_URL,
    TenantError,
    configured_tenants,
    contrast_ratio,
    is_tenant_id,
    load_tenants,
    origin_matches,
    parse_tenant,
)
from tests.tenant_ids import ACCEPTED, REFUSED

ROOT = Path(__file__).resolve().parents[3]
TENANTS = ROOT / "data" / "tenants"

VALID = {
    "id": "charity",
    "display_name": "A Charity",
    "colours": {"primary": "#1d4f91", "primary_text": "#ffffff", "background": "#ffffff", "text": "#222222"},
    "logo_url": None,
    "greeting": "Hello.",
    "nations": ["wales"],
    "own_services": [{"name": "Our line", "description": "A line.", "phone": "0800 000 000"}],
    "allowed_origins": ["https://charity.org.uk"],
}


def with_changes(**changes: object) -> dict:
    raw = copy.deepcopy(VALID)
    raw.update(changes)
    return raw


def test_the_shipped_tenants_load_and_include_the_default() -> None:
    tenants = load_tenants(TENANTS)
    assert "default" in tenants and "example-charity" in tenants
    default = tenants["default"]
    assert default.quick_exit_url == DEFAULT_QUICK_EXIT_URL
    assert default.allows_origin("http://localhost:8000") and default.allows_origin("http://127.0.0.1:5005")
    assert not default.allows_origin("https://evil.example")
    example = tenants["example-charity"]
    assert example.own_services and "EXAMPLE" in example.own_services[0].name


def test_public_config_has_exactly_the_widget_fields() -> None:
    config = load_tenants(TENANTS)["default"].public_config()
    assert set(config) == {
        "id",
        "display_name",
        "colours",
        "logo_url",
        "greeting",
        "quick_exit_url",
        "nations",
        "continue_across_pages",
    }
    assert set(config["colours"]) == {"primary", "primary_text", "background", "text"}


def test_carrying_on_across_pages_is_off_unless_a_charity_turns_it_on() -> None:
    tenants = load_tenants(TENANTS)
    assert tenants["default"].public_config()["continue_across_pages"] is False
    assert tenants["example-charity"].public_config()["continue_across_pages"] is True
    raw = {**yaml.safe_load((TENANTS / "default.yml").read_text()), "continue_across_pages": "yes"}
    with pytest.raises(TenantError, match="continue_across_pages"):
        parse_tenant(raw)


@pytest.mark.parametrize(
    ("foreground", "background", "expected"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#fff", "#000", 21.0), ("#767676", "#ffffff", 4.54)],
)
def test_contrast_ratio_follows_wcag(foreground: str, background: str, expected: float) -> None:
    assert contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.01)


def test_contrast_ratio_is_symmetric() -> None:
    assert contrast_ratio("#1d4f91", "#ffffff") == pytest.approx(contrast_ratio("#ffffff", "#1d4f91"))


def test_low_contrast_text_is_refused_naming_tenant_and_colours() -> None:
    colours = {**VALID["colours"], "text": "#999999"}
    with pytest.raises(TenantError) as error:
        parse_tenant(with_changes(colours=colours), "charity.yml")
    message = str(error.value)
    assert "charity" in message and "#999999" in message and "#ffffff" in message and "4.5" in message


def test_low_contrast_button_text_is_refused() -> None:
    colours = {**VALID["colours"], "primary": "#ffff00"}
    with pytest.raises(TenantError, match="primary_text #ffffff on primary #ffff00"):
        parse_tenant(with_changes(colours=colours))


def test_a_low_contrast_file_stops_loading(tmp_path: Path) -> None:
    (tmp_path / "default.yml").write_text((TENANTS / "default.yml").read_text())
    bad = with_changes(colours={**VALID["colours"], "background": "#eeeeee", "text": "#aaaaaa"})
    (tmp_path / "charity.yml").write_text(yaml.safe_dump(bad))
    with pytest.raises(TenantError, match="tenant 'charity'"):
        load_tenants(tmp_path)


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "has.dot"},
        {"id": "Upper"},
        {"display_name": ""},
        {"greeting": None},
        {"nations": []},
        {"nations": ["france"]},
        {"allowed_origins": ["charity.org.uk"]},
        {"allowed_origins": ["https://charity.org.uk/path"]},
        {"allowed_origins": "https://charity.org.uk"},
        {"colours": {"primary": "#000", "primary_text": "#fff", "background": "#fff"}},
        {"colours": {"primary": "blue", "primary_text": "#fff", "background": "#fff", "text": "#000"}},
        {"logo_url": "http://insecure.example/logo.png"},
        {"quick_exit_url": "javascript:alert(1)"},
        {"own_services": [{"name": "No description"}]},
        {"own_services": [{"name": "X", "description": "Y", "email": "a@b"}]},
    ],
)
def test_wrong_fields_are_refused(changes: dict) -> None:
    with pytest.raises(TenantError):
        parse_tenant(with_changes(**changes))


def test_quick_exit_defaults_to_bbc_weather() -> None:
    assert parse_tenant(VALID).quick_exit_url == "https://www.bbc.co.uk/weather"


def test_missing_default_tenant_is_refused(tmp_path: Path) -> None:
    (tmp_path / "charity.yml").write_text(yaml.safe_dump(VALID))
    with pytest.raises(TenantError, match="default"):
        load_tenants(tmp_path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    (tmp_path / "default.yml").write_text((TENANTS / "default.yml").read_text())
    (tmp_path / "a.yml").write_text(yaml.safe_dump(VALID))
    (tmp_path / "b.yml").write_text(yaml.safe_dump(VALID))
    with pytest.raises(TenantError, match="twice"):
        load_tenants(tmp_path)


@pytest.mark.parametrize(
    ("pattern", "origin", "allowed"),
    [
        ("https://charity.org.uk", "https://charity.org.uk", True),
        ("https://charity.org.uk", "https://CHARITY.org.uk", True),
        ("https://charity.org.uk", "http://charity.org.uk", False),
        ("https://charity.org.uk", "https://charity.org.uk.evil.example", False),
        ("https://charity.org.uk", "https://charity.org.uk:8443", False),
        ("http://localhost:*", "http://localhost:8000", True),
        ("http://localhost:*", "http://localhost", True),
        ("http://localhost:*", "http://localhost.evil.example", False),
        ("http://localhost:*", "http://localhost:80abc", False),
        ("http://localhost:*", "https://localhost:8000", False),
        ("http://localhost:*", "null", False),
    ],
)
def test_origin_patterns(pattern: str, origin: str, allowed: bool) -> None:
    assert origin_matches(pattern, origin) is allowed


def test_tenants_whose_setting_names_collide_are_refused(tmp_path: Path) -> None:
    """ "a-b" and "a_b" would share DASHBOARD_TOKEN_A_B: one charity's token would open the other's figures."""
    (tmp_path / "default.yml").write_text((TENANTS / "default.yml").read_text())
    (tmp_path / "one.yml").write_text(yaml.safe_dump(with_changes(id="charity-one")))
    (tmp_path / "two.yml").write_text(yaml.safe_dump(with_changes(id="charity_one")))
    with pytest.raises(TenantError, match="'charity-one' and 'charity_one'.*DASHBOARD_TOKEN_CHARITY_ONE"):
        load_tenants(tmp_path)


def test_tenant_ids_differing_otherwise_load(tmp_path: Path) -> None:
    (tmp_path / "default.yml").write_text((TENANTS / "default.yml").read_text())
    (tmp_path / "one.yml").write_text(yaml.safe_dump(with_changes(id="charity-one")))
    (tmp_path / "two.yml").write_text(yaml.safe_dump(with_changes(id="charity-two")))
    assert set(load_tenants(tmp_path)) == {"default", "charity-one", "charity-two"}


# ---- the tenant-id rule, shared with the action server (tests/actions/project/test_tenants.py judges the same ids)


def test_the_rule_is_the_vocabularys() -> None:
    rule = yaml.safe_load((ROOT / "data" / "vocabulary.yml").read_text(encoding="utf-8"))["tenant_id"]
    assert vocabulary.TENANT_ID.pattern == rule


@pytest.mark.parametrize("tenant_id", ACCEPTED)
def test_both_servers_accept(tenant_id: str) -> None:
    assert is_tenant_id(tenant_id)
    assert parse_tenant(with_changes(id=tenant_id)).id == tenant_id


@pytest.mark.parametrize("tenant_id", REFUSED, ids=repr)
def test_both_servers_refuse(tenant_id: Any) -> None:
    assert not is_tenant_id(tenant_id)
    with pytest.raises(TenantError, match="'id' must be"):
        parse_tenant(with_changes(id=tenant_id))


def test_the_nations_a_charity_serves_are_the_uk_nations_of_the_vocabulary() -> None:
    assert vocabulary.UK_NATIONS == ("england", "wales", "scotland", "northern_ireland")
    with pytest.raises(TenantError, match="nations"):
        parse_tenant(with_changes(nations=["outside_uk"]))


def test_the_configured_tenants_are_read_once_per_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "default.yml").write_text((TENANTS / "default.yml").read_text())
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    first = configured_tenants()
    (tmp_path / "charity.yml").write_text(yaml.safe_dump(VALID))
    assert configured_tenants() is first and set(first) == {"default"}
    assert configured_tenants(TENANTS) is not first and "example-charity" in configured_tenants(TENANTS)
