"""actions/explain.py: action_explain_offences and action_explain_offence_detail, as a person sees them.

Trackers are shaped like the ones Rasa sends (slots from bot/domain/slots.yml); the messages are what
the CollectingDispatcher collected.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.explain import ActionExplainOffenceDetail, ActionExplainOffences, offences_by_id
from tests.actions.tracker_helpers import ALL_SLOTS, texts

pytestmark = pytest.mark.asyncio

WORDING = content.law_wording()
DETAIL = WORDING["detail"]
OFFENCES = offences_by_id()
UNKNOWN = "Sorry, I don't have details of that law."
NOT_LEGAL_ADVICE = "general information, not legal advice"

SHARED, THREAT, FAKE, TAKEN, FLASH = (
    "shared_without_consent",
    "threat_to_share",
    "fake_images",
    "taken_without_consent",
    "cyberflashing",
)
ADULT = {"age_group": "18_plus", "age_at_image": "18_plus"}
# England: images shared and threatened, money demanded. Five offences may apply; three are shown.
SEXTORTION_IN_ENGLAND = {
    "situation": [SHARED, THREAT],
    "nation": "england",
    "when": "since_2026",
    "demand": "money",
    **ADULT,
}
TAKEN_IN_WALES = {"situation": [TAKEN], "nation": "wales", "when": "since_2026", **ADULT}


def tracker(
    slots: dict[str, Any],
    *,
    role: str = "survivor",
    intent: str = "ask_law",
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    entities = entities or []
    values = {**ALL_SLOTS, "role": role, **slots}
    return Tracker(
        sender_id="test",
        slots=values,
        latest_message={"intent": {"name": intent}, "entities": entities, "text": ""},
        events=[
            *({"event": "slot", "name": name, "value": value} for name, value in values.items()),
            {"event": "user", "text": "", "parse_data": {"intent": {"name": intent}, "entities": entities}},
        ],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def offence_entity(value: str) -> dict[str, Any]:
    return {"entity": "offence_id", "value": value}


async def explain_offences(slots: dict[str, Any], **kwargs: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionExplainOffences().run(dispatcher, tracker(slots, **kwargs), {})
    return dispatcher.messages, events


async def tell_me_more(
    slots: dict[str, Any], offence_id: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    entities = [offence_entity(offence_id)] if offence_id is not None else []
    events = await ActionExplainOffenceDetail().run(
        dispatcher, tracker(slots, intent="offence_detail", entities=entities), {}
    )
    return dispatcher.messages, events


def offence_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if any(b["payload"].startswith("/offence_detail") for b in m.get("buttons") or [])]


def payload(offence_id: str) -> str:
    return f'/offence_detail{{"offence_id": "{offence_id}"}}'


# --- action_explain_offences ----------------------------------------------------------------------


async def test_at_most_three_offences_each_with_its_own_tell_me_more_button() -> None:
    messages, events = await explain_offences(SEXTORTION_IN_ENGLAND)

    shown = offence_messages(messages)
    assert len(shown) == 3
    shown_ids = []
    for message in shown:
        (button,) = message["buttons"]
        assert button["title"] == "Tell me more"
        (offence_id,) = [i for i in OFFENCES if button["payload"] == payload(i)]
        assert message["text"].startswith(OFFENCES[offence_id].title)
        shown_ids.append(offence_id)
    assert shown_ids == ["ew_theft1968_s21_blackmail", "ew_soa2003_s66b_sharing", "ew_soa2003_s66b4_threat"]
    assert events == [SlotSet("offences_explained", shown_ids)]
    assert messages[-1]["text"] == WORDING["more_laws"]


@pytest.mark.parametrize(
    ("slots", "first_line"),
    [
        (
            {"situation": [SHARED], "nation": "england", "when": "since_2026", **ADULT},
            "Sharing an intimate image without consent (Sexual Offences Act 2003, section 66B)",
        ),
        (
            {"situation": [SHARED], "nation": "northern_ireland", "when": "since_2026", **ADULT},
            "Sharing, or threatening to share, private sexual images (Justice Act (Northern Ireland) 2016, section 51)",
        ),
        (
            {"situation": [TAKEN], "nation": "northern_ireland", "when": "since_2026", **ADULT},
            "(Sexual Offences (Northern Ireland) Order 2008, article 71",
        ),
        (
            {"situation": [SHARED], "nation": "scotland", "when": "since_2026", **ADULT},
            "(Abusive Behaviour and Sexual Harm (Scotland) Act 2016, section 2)",
        ),
    ],
)
async def test_the_first_explanation_names_the_statute_and_section(slots: dict[str, Any], first_line: str) -> None:
    """So a survivor can quote the law to the police or a platform without asking for more."""
    messages, _ = await explain_offences(slots)

    first = offence_messages(messages)[0]["text"].splitlines()[0]
    assert first_line in first


async def test_the_intro_says_general_information_not_legal_advice_and_not_your_fault() -> None:
    messages, _ = await explain_offences(SEXTORTION_IN_ENGLAND)

    intro = messages[0]["text"]
    assert intro.startswith("Here is how the law in England and Wales may apply.")
    assert NOT_LEGAL_ADVICE in intro
    assert "none of this is your fault" in intro


async def test_a_supporter_hears_not_their_fault() -> None:
    messages, _ = await explain_offences({**TAKEN_IN_WALES, "nation": "scotland"}, role="supporter")

    intro = messages[0]["text"]
    assert intro.startswith("Here is how the law in Scotland may apply.")
    assert NOT_LEGAL_ADVICE in intro
    assert "none of this is their fault" in intro
    assert "your fault" not in intro


async def test_a_law_not_confirmed_in_force_says_so() -> None:
    messages, events = await explain_offences(TAKEN_IN_WALES)

    by_id = {
        next(i for i in OFFENCES if m["buttons"][0]["payload"] == payload(i)): m["text"]
        for m in offence_messages(messages)
    }
    assert list(by_id) == events[0]["value"]
    assert WORDING["not_confirmed_in_force"] in by_id["ew_cpa2026_taking_intimate_image"]
    assert WORDING["not_confirmed_in_force"] not in by_id["ew_soa2003_s67_voyeurism"]
    assert "If it happened on or after 29 June 2026" in by_id["ew_cpa2026_taking_intimate_image"]


async def test_conditions_are_said_before_the_law() -> None:
    messages, _ = await explain_offences({"situation": [FAKE], "nation": "scotland", "when": "since_2026", **ADULT})

    (absha,) = offence_messages(messages)
    title_line = absha["text"].splitlines()[0]
    assert title_line == (
        "Sharing, or threatening to share, an intimate image (Abusive Behaviour and Sexual Harm (Scotland) Act 2016, "
        "section 2): If the fake was made from a real photo of you, and it was shared or sharing was threatened"
    )
    assert WORDING["none_clearly_applies"] in messages[-1]["text"]
    assert "Creating a sexual deepfake (proposed in Scotland)" in messages[-1]["text"]


async def test_no_law_found_is_said_plainly_and_no_offence_is_remembered() -> None:
    messages, events = await explain_offences(
        {"situation": [FAKE], "nation": "northern_ireland", "when": "since_2026", **ADULT}
    )

    assert offence_messages(messages) == []
    assert WORDING["no_offence_found"] in messages[-1]["text"]
    assert "proposed in Northern Ireland" in messages[-1]["text"]
    assert events == [SlotSet("offences_explained", [])]


async def test_a_place_named_in_the_question_is_used() -> None:
    messages, _ = await explain_offences(
        {**TAKEN_IN_WALES, "nation": "england"}, entities=[{"entity": "nation", "value": "northern_ireland"}]
    )

    assert messages[0]["text"].startswith("Here is how the law in Northern Ireland may apply.")
    assert all(
        m["buttons"][0]["payload"].startswith('/offence_detail{"offence_id": "ni_') for m in offence_messages(messages)
    )


@pytest.mark.parametrize(
    ("slots", "said", "buttons"),
    [
        pytest.param({"situation": [SHARED], "nation": "outside_uk"}, "I can only explain UK law", [], id="outside-uk"),
        pytest.param(
            {"situation": [SHARED], "nation": None},
            "Where do you live?",
            ["England", "Wales", "Scotland", "Northern Ireland"],
            id="nation-unknown",
        ),
        pytest.param(
            {"situation": ["not_sure"], "nation": "wales"},
            "Tell me a little about what happened",
            ["Tell me what happened"],
            id="no-situation",
        ),
    ],
)
async def test_when_it_cannot_say_it_asks_or_explains_why(slots: dict[str, Any], said: str, buttons: list[str]) -> None:
    messages, events = await explain_offences(slots)

    (message,) = messages
    assert said in message["text"]
    assert [b["title"] for b in message["buttons"]] == buttons
    assert events == [SlotSet("offences_explained", [])]


# --- action_explain_offence_detail ----------------------------------------------------------------

DETAIL_IDS = [i for i, o in OFFENCES.items() if o.status != "proposed"]


@pytest.mark.parametrize("offence_id", DETAIL_IDS)
async def test_tell_me_more_shows_what_must_be_shown_penalty_anonymity_reporting_and_date(offence_id: str) -> None:
    offence = OFFENCES[offence_id]
    messages, events = await tell_me_more({}, offence_id)

    (text,) = texts_of(messages)
    lines = text.splitlines()
    assert lines[0] == f"{offence.title} ({offence.statute}, {offence.section})"
    if offence.must_show:
        assert "What has to be shown:" in lines
        assert all(f"- {point}" in lines for point in offence.must_show)
    if offence.max_penalty_confirmed:
        assert f"Maximum penalty: {offence.max_penalty}" in lines
    else:
        assert "Maximum penalty: not confirmed. A helpline or the police can tell you." in lines
        assert offence.max_penalty not in text
    if offence.anonymity_confirmed:
        assert f"Anonymity: {offence.anonymity}" in lines
    else:
        assert any(
            line.startswith("Anonymity: whether you would get automatic anonymity is not confirmed") for line in lines
        )
    assert f"How to report: {offence.how_to_report}" in lines
    assert lines[-1] == (
        f"Last checked {offence.last_reviewed.day} {offence.last_reviewed:%B %Y}. "
        "General information, not legal advice."
    )
    assert events == []


async def test_the_new_taking_offence_detail_confirms_neither_penalty_nor_anonymity() -> None:
    messages, _ = await tell_me_more({}, "ew_cpa2026_taking_intimate_image")

    (text,) = texts_of(messages)
    assert DETAIL["penalty_not_confirmed"] in text
    assert DETAIL["anonymity_not_confirmed"] in text
    assert "2 years" not in text


async def test_a_confirmed_penalty_is_stated() -> None:
    messages, _ = await tell_me_more({}, "ew_theft1968_s21_blackmail")

    assert "Maximum penalty: 14 years in prison." in texts_of(messages)[0]


@pytest.mark.parametrize(
    "forged",
    [
        "../../etc",
        "<script>alert(1)</script>",
        'ew_soa2003_s66b_sharing"}',
        "",
        "sc_proposed_deepfake_creation",
        "EW_SOA2003_S66B_SHARING",
    ],
)
async def test_a_forged_or_unknown_offence_id_gets_a_plain_answer_and_the_explanation(forged: str) -> None:
    messages, events = await tell_me_more(SEXTORTION_IN_ENGLAND, forged)

    assert messages[0]["text"] == DETAIL["unknown"]
    assert messages[0]["text"].startswith(UNKNOWN)
    assert messages[1]["text"].startswith("Here is how the law in England and Wales may apply.")
    assert len(offence_messages(messages)) == 3
    assert all(forged not in m["text"] for m in messages if forged)
    assert events == [
        SlotSet(
            "offences_explained", ["ew_theft1968_s21_blackmail", "ew_soa2003_s66b_sharing", "ew_soa2003_s66b4_threat"]
        )
    ]


async def test_tell_me_more_without_an_id_uses_the_first_offence_explained() -> None:
    slots = {**TAKEN_IN_WALES, "offences_explained": ["ew_soa2003_s67a_upskirting", "ew_soa2003_s67_voyeurism"]}
    messages, events = await tell_me_more(slots)

    (text,) = texts_of(messages)
    assert text.startswith("Upskirting, and recording someone breastfeeding (Sexual Offences Act 2003, s.67A)")
    assert events == []


async def test_tell_me_more_before_anything_was_explained_explains_first() -> None:
    messages, events = await tell_me_more(TAKEN_IN_WALES)

    assert DETAIL["unknown"] not in texts_of(messages)
    assert messages[0]["text"].startswith("Here is how the law in England and Wales may apply.")
    assert events[0]["name"] == "offences_explained"
    assert events[0]["value"][0] == "ew_soa2003_s67_voyeurism"


async def test_the_explained_ids_lead_to_their_details() -> None:
    """What one action remembers, the other can use: the round trip a person makes with the button."""
    _, events = await explain_offences(SEXTORTION_IN_ENGLAND)
    explained = events[0]["value"]
    for offence_id in explained:
        messages, _ = await tell_me_more({"offences_explained": explained}, offence_id)
        assert texts_of(messages)[0].startswith(OFFENCES[offence_id].title)


def texts_of(messages: list[dict[str, Any]]) -> list[str]:
    dispatcher = CollectingDispatcher()
    dispatcher.messages = messages
    return texts(dispatcher)
