"""actions/tenants.py: the action server's one reader of the tenant files, with the tenant-id rule it shares
with the Rasa server (tests/bot/project/test_tenants.py judges the same ids), read once per folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import tenants, vocabulary
from actions.summary import ActionSummarise
from actions.tenants import TenantError, is_tenant_id
from tests.actions.tracker_helpers import ROOT, make_tracker
from tests.tenant_ids import ACCEPTED, REFUSED


def test_the_rule_is_the_vocabularys() -> None:
    rule = yaml.safe_load((ROOT / "data" / "vocabulary.yml").read_text(encoding="utf-8"))["tenant_id"]
    assert vocabulary.TENANT_ID.pattern == rule


@pytest.mark.parametrize("tenant_id", ACCEPTED)
def test_both_servers_accept(tenant_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert is_tenant_id(tenant_id)
    (tmp_path / "t.yml").write_text(yaml.safe_dump({"id": tenant_id}), encoding="utf-8")
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    assert list(tenants.tenants()) == [tenant_id]


@pytest.mark.parametrize("tenant_id", REFUSED, ids=repr)
def test_both_servers_refuse(tenant_id: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not is_tenant_id(tenant_id)
    assert tenants.tenant(tenant_id) is None
    (tmp_path / "t.yml").write_text(yaml.safe_dump({"id": tenant_id}), encoding="utf-8")
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    with pytest.raises(TenantError, match="'id' must be a tenant id"):
        tenants.tenants()


def test_a_tenant_is_defined_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yml").write_text(yaml.safe_dump({"id": "charity"}), encoding="utf-8")
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    with pytest.raises(TenantError, match="'charity' is defined twice"):
        tenants.tenants()


def test_the_files_are_read_once_per_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yml").write_text(yaml.safe_dump({"id": "a"}), encoding="utf-8")
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    first = tenants.tenants()
    (tmp_path / "b.yml").write_text(yaml.safe_dump({"id": "b"}), encoding="utf-8")
    assert tenants.tenants() is first and list(first) == ["a"]
    monkeypatch.delenv("WIDGET_TENANTS_DIR")
    assert "example-charity" in tenants.tenants()  # the shipped folder, read on its own


async def test_the_summary_lists_the_services_of_a_tenant_in_widget_tenants_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WIDGET_TENANTS_DIR, and an id with '_': both were missed when the summary read the files itself."""
    service = {"name": "Our own line", "description": "For anyone.", "phone": "0800 000 0000"}
    (tmp_path / "ours.yml").write_text(
        yaml.safe_dump({"id": "our_charity", "own_services": [service]}), encoding="utf-8"
    )
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    tracker = make_tracker(before={"situation": ["shared_without_consent"], "age_group": "18_plus"})
    tracker.latest_message = {**tracker.latest_message, "metadata": {"tenant": "our_charity"}}
    dispatcher = CollectingDispatcher()
    await ActionSummarise().run(dispatcher, tracker, {})
    assert "Our own line" in dispatcher.messages[1]["text"]
