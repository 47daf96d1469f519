"""actions/questions.py: each question is asked in words that fit who is asking, with its buttons and
an "I'd rather not say" button last."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions import facts
from actions import questions as question_actions
from tests.actions.tracker_helpers import FORM_SLOTS, ROOT, button_titles, make_tracker

SHARED, THREAT, FAKE, TAKEN, FLASH = facts.SPECIFIC_SITUATIONS
SKIP = "I'd rather not say"
ASK_ACTIONS = {cls.slot: cls for cls in question_actions.AskQuestion.__subclasses__()}


def test_every_action_the_domain_names_is_served() -> None:
    domain_actions = yaml.safe_load((ROOT / "bot" / "domain" / "actions.yml").read_text(encoding="utf-8"))["actions"]
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(domain_actions) <= set(executor.actions)
    assert {f"action_ask_{slot}" for slot in FORM_SLOTS} <= set(executor.actions)


def test_every_action_can_be_handed_to_a_worker_process() -> None:
    """The action server pickles its actions for its worker processes: a class made from a table must be
    found again by its module and name."""
    executor = ActionExecutor()
    executor.register_package("actions")
    for name, action in executor.actions.items():
        assert pickle.loads(pickle.dumps(action)).__self__.name() == name  # the bound run method


async def _ask(slot: str, **tracker_args: Any) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    events = await ASK_ACTIONS[slot]().run(dispatcher, make_tracker(requested_slot=slot, **tracker_args), {})
    assert events == []
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("slot", "role", "opening"),
    [
        ("situation", "survivor", "What has happened?"),
        ("situation", "supporter", "What has happened to them?"),
        ("age_group", "survivor", "How old are you now?"),
        ("age_group", "supporter", "How old are they now?"),
        ("age_at_image", "survivor", "Were you under 18"),
        ("age_at_image", "supporter", "Were they under 18"),
        ("nation", "survivor", "Where do you live?"),
        ("nation", "supporter", "Where do they live?"),
        ("when", "survivor", "Roughly when did it happen?"),
        ("perpetrator", "survivor", "Do you know who did this?"),
        ("perpetrator", "supporter", "Do they know who did this?"),
        ("platforms", "survivor", "Where are the images"),
        ("goal", "supporter", "What would help most right now?"),
    ],
)
async def test_question_wording_follows_the_role(slot: str, role: str, opening: str) -> None:
    message = await _ask(slot, role=role)
    assert message["text"].startswith(opening)


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", [slot for slot in FORM_SLOTS if slot != "more_situations"])
@pytest.mark.parametrize("role", ["survivor", "supporter"])
async def test_question_sends_its_text_and_buttons_then_skip(questions: dict[str, Any], slot: str, role: str) -> None:
    message = await _ask(slot, role=role)

    assert message["text"] == questions["questions"][slot][role]
    assert message["buttons"] == [*questions["questions"][slot]["buttons"], questions["skip_button"]]
    assert button_titles(message)[-1] == SKIP
    assert message["buttons"][-1]["payload"] == "/skip"


@pytest.mark.asyncio
async def test_age_buttons_offer_every_band() -> None:
    message = await _ask("age_group")
    assert button_titles(message) == ["Under 13", "13 to 15", "16 or 17", "18 or over", SKIP]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("chosen", "offered"),
    [
        pytest.param(
            [SHARED],
            [
                "Threats to share images",
                "Fake or AI-made images",
                "Images taken without consent",
                "Sent images I didn't want",
            ],
            id="after-shared",
        ),
        pytest.param(
            [SHARED, THREAT, FAKE],
            ["Images taken without consent", "Sent images I didn't want"],
            id="after-three",
        ),
        pytest.param(
            [[FLASH], TAKEN],
            ["Images were shared", "Threats to share images", "Fake or AI-made images"],
            id="nested-list-slot-value",
        ),
        pytest.param(
            [SHARED, THREAT, FAKE, TAKEN],
            ["Sent images I didn't want"],
            id="one-left",
        ),
    ],
)
async def test_anything_else_offers_only_what_is_not_chosen(chosen: list[Any], offered: list[str]) -> None:
    message = await _ask("more_situations", before={"situation": chosen})
    assert button_titles(message) == [*offered, "No, that's all", SKIP]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("role", "intent", "expected"),
    [
        pytest.param("survivor", "report_shared", "Has anything else happened as well?", id="survivor"),
        pytest.param("supporter", "report_shared", "Has anything else happened to them as well?", id="supporter"),
        pytest.param("survivor", "affirm", "Which of these happened too?", id="survivor-after-yes"),
        pytest.param("supporter", "affirm", "Which of these happened to them too?", id="supporter-after-yes"),
    ],
)
async def test_anything_else_asks_which_after_a_bare_yes(role: str, intent: str, expected: str) -> None:
    message = await _ask("more_situations", before={"situation": [SHARED]}, role=role, intent=intent)
    assert message["text"].startswith(expected)
