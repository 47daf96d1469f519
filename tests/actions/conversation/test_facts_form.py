"""actions/facts_form.py: validate_facts_form stores usable answers, says kind words once per new
situation, asks again when an answer cannot be used, and skips the questions that do not apply."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import facts
from actions.facts_form import ValidateFactsForm
from tests.actions.tracker_helpers import FORM_SLOTS, make_tracker, slot_event, texts

SHARED, THREAT, FAKE, TAKEN, FLASH = facts.SPECIFIC_SITUATIONS
ALL_FIVE = [SHARED, THREAT, FAKE, TAKEN, FLASH]


def ack(questions: dict[str, Any], situation: str, role: str = "survivor") -> str:
    return questions["acknowledgements"][situation][role]


# ---- what happened ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "said", "asked", "stored", "acknowledged"),
    [
        pytest.param(None, [SHARED], "situation", {"situation": [SHARED]}, [SHARED], id="first-mention"),
        pytest.param(
            [SHARED],
            [FAKE],
            "more_situations",
            {"situation": [SHARED, FAKE], "more_situations": None},
            [FAKE],
            id="added-when-asked-anything-else-so-asked-again",
        ),
        pytest.param(
            ["not_sure"],
            [FAKE],
            "more_situations",
            {"situation": [FAKE], "more_situations": None},
            [FAKE],
            id="specific-replaces-not-sure",
        ),
        pytest.param(
            [SHARED],
            [SHARED],
            "more_situations",
            {"situation": [SHARED], "more_situations": None},
            [],
            id="repeated-not-acknowledged-twice",
        ),
        pytest.param([SHARED], [TAKEN], "age_group", {"situation": [SHARED, TAKEN]}, [TAKEN], id="mentioned-mid-form"),
        pytest.param(
            None,
            ["not_sure"],
            "situation",
            {"situation": ["not_sure"], "more_situations": "done"},
            ["not_sure"],
            id="not-sure-needs-no-more",
        ),
        pytest.param(
            None,
            ["not_said"],
            "situation",
            {"situation": ["not_said"], "more_situations": "done"},
            ["not_said"],
            id="skipped-needs-no-more",
        ),
        pytest.param(
            [SHARED], ["not_sure"], "situation", {"situation": [SHARED]}, [], id="placeholder-ignored-after-specific"
        ),
        pytest.param(
            ALL_FIVE[:4],
            [FLASH],
            "more_situations",
            {"situation": ALL_FIVE, "more_situations": "done"},
            [FLASH],
            id="fifth-added-nothing-left-to-ask",
        ),
        pytest.param(None, ["hacked"], "situation", {"situation": None}, [], id="unknown-not-stored"),
    ],
)
def test_validate_situation(
    form: ValidateFactsForm,
    dispatcher: CollectingDispatcher,
    questions: dict[str, Any],
    previous: list[str] | None,
    said: list[str],
    asked: str,
    stored: dict[str, Any],
    acknowledged: list[str],
) -> None:
    before = {"situation": previous} if previous else {}
    tracker = make_tracker(before=before, now={"situation": said}, requested_slot=asked)

    assert form.validate_situation(said, dispatcher, tracker, {}) == stored
    assert texts(dispatcher) == [ack(questions, situation) for situation in acknowledged]


def test_a_threat_is_acknowledged_then_followed_by_dont_pay(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, questions: dict[str, Any]
) -> None:
    tracker = make_tracker(
        before={"situation": [SHARED]}, now={"situation": [THREAT]}, requested_slot="more_situations"
    )

    form.validate_situation([THREAT], dispatcher, tracker, {})

    assert texts(dispatcher) == [ack(questions, THREAT), questions["threat_first_steps"]["survivor"]]
    assert "don't pay" in texts(dispatcher)[1]


def test_all_five_at_once_each_acknowledged_once_in_order(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, questions: dict[str, Any]
) -> None:
    said = [FLASH, THREAT, SHARED, FAKE, TAKEN]  # in the order they were mentioned
    tracker = make_tracker(now={"situation": said}, requested_slot="situation")

    result = form.validate_situation(said, dispatcher, tracker, {})

    assert result == {"situation": said, "more_situations": "done"}
    assert texts(dispatcher) == [
        ack(questions, FLASH),
        ack(questions, THREAT),
        questions["threat_first_steps"]["survivor"],
        ack(questions, SHARED),
        ack(questions, FAKE),
        ack(questions, TAKEN),
    ]


def test_a_supporter_hears_about_them_not_you(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, questions: dict[str, Any]
) -> None:
    tracker = make_tracker(now={"situation": [THREAT]}, requested_slot="situation", role="supporter")

    form.validate_situation([THREAT], dispatcher, tracker, {})

    assert texts(dispatcher) == [ack(questions, THREAT, "supporter"), questions["threat_first_steps"]["supporter"]]
    assert all("your fault" not in text for text in texts(dispatcher))


def test_situations_from_before_a_new_session_are_forgotten(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, questions: dict[str, Any]
) -> None:
    # Someone else used this device an hour ago. Slots are not carried over to a new session.
    earlier_person = [slot_event("situation", [SHARED, FAKE]), {"event": "session_started"}]
    tracker = make_tracker(events_before=earlier_person, now={"situation": [THREAT]}, requested_slot="situation")

    result = form.validate_situation([THREAT], dispatcher, tracker, {})

    assert result["situation"] == [THREAT]
    assert texts(dispatcher)[0] == ack(questions, THREAT)


@pytest.mark.parametrize(("value", "stored"), [("done", "done"), ("yes_but_which", None), (None, None)])
def test_validate_more_situations(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, value: str | None, stored: str | None
) -> None:
    tracker = make_tracker(now={"more_situations": value}, requested_slot="more_situations")
    assert form.validate_more_situations(value, dispatcher, tracker, {}) == {"more_situations": stored}
    assert dispatcher.messages == []


# ---- age ----------------------------------------------------------------------------------------------

# Under 18 now: young-person routing, and under 18 in the images too (so that question is not asked).
YOUNG = {"young_person": True, "age_at_image": "under_18"}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        pytest.param("i'm 15", {"age_group": "13_15", **YOUNG}, id="15"),
        pytest.param("12", {"age_group": "under_13", **YOUNG}, id="12"),
        pytest.param("16_17", {"age_group": "16_17", **YOUNG}, id="16-17-button"),
        pytest.param("i'm 19", {"age_group": "18_plus", "young_person": False}, id="19-image-age-still-asked"),
        pytest.param("not_said", {"age_group": "not_said", "young_person": None}, id="skipped-age-stays-unknown"),
    ],
)
def test_validate_age_group(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, said: str, expected: dict[str, Any]
) -> None:
    tracker = make_tracker(now={"age_group": said}, requested_slot="age_group")
    assert form.validate_age_group(said, dispatcher, tracker, {}) == expected
    assert dispatcher.messages == []


def test_an_unusable_age_is_met_with_sorry_and_asked_again(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, questions: dict[str, Any]
) -> None:
    tracker = make_tracker(now={"age_group": "200"}, requested_slot="age_group")

    assert form.validate_age_group("200", dispatcher, tracker, {}) == {"age_group": None}
    assert texts(dispatcher) == [questions["not_understood"]["age_group"]]


def test_an_unusable_age_keeps_the_earlier_age_and_its_consequences(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(before={"age_group": "13_15"}, now={"age_group": "a hundred"}, requested_slot="nation")

    result = form.validate_age_group("a hundred", dispatcher, tracker, {})

    assert result == {"age_group": "13_15", "young_person": True, "age_at_image": "under_18"}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("age_group", "said", "stored"),
    [
        pytest.param("18_plus", "i was 15", "under_18", id="adult-was-15"),
        pytest.param("18_plus", "18_plus", "18_plus", id="adult-no"),
        pytest.param("18_plus", "not_sure", "not_sure", id="adult-not-sure"),
        pytest.param("13_15", "18_plus", "under_18", id="under-18-now-cannot-be-over-18-then"),
        pytest.param("16_17", "nonsense", "under_18", id="under-18-now-no-apology"),
    ],
)
def test_validate_age_at_image(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, age_group: str, said: str, stored: str
) -> None:
    tracker = make_tracker(before={"age_group": age_group}, now={"age_at_image": said}, requested_slot="age_at_image")
    assert form.validate_age_at_image(said, dispatcher, tracker, {}) == {"age_at_image": stored}
    assert dispatcher.messages == []


# ---- answers that cannot be used --------------------------------------------------------------------

UNUSABLE = [
    pytest.param("age_at_image", "perhaps", "18_plus", id="age_at_image"),
    pytest.param("nation", "narnia", "wales", id="nation"),
    pytest.param("when", "2031", "before_2024", id="when-future-year"),
    pytest.param("perpetrator", "a ghost", "stranger", id="perpetrator"),
    pytest.param("platforms", ["myspace"], ["instagram"], id="platforms"),
    pytest.param("goal", "revenge", "remove", id="goal"),
]


def _validate(form: ValidateFactsForm, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Any) -> dict:
    return getattr(form, f"validate_{slot}")(value, dispatcher, tracker, {})


@pytest.mark.parametrize(("slot", "unusable", "earlier"), UNUSABLE)
def test_unusable_answer_to_the_question_asked_gets_sorry_and_nothing_stored(
    form: ValidateFactsForm,
    dispatcher: CollectingDispatcher,
    questions: dict[str, Any],
    slot: str,
    unusable: Any,
    earlier: Any,
) -> None:
    tracker = make_tracker(before={"age_group": "18_plus"}, now={slot: unusable}, requested_slot=slot)

    assert _validate(form, slot, unusable, dispatcher, tracker) == {slot: None}
    assert texts(dispatcher) == [questions["not_understood"][slot]]
    assert texts(dispatcher)[0].startswith("Sorry")


@pytest.mark.parametrize(("slot", "unusable", "earlier"), UNUSABLE)
def test_unusable_answer_keeps_the_earlier_usable_answer(
    form: ValidateFactsForm,
    dispatcher: CollectingDispatcher,
    questions: dict[str, Any],
    slot: str,
    unusable: Any,
    earlier: Any,
) -> None:
    tracker = make_tracker(before={"age_group": "18_plus", slot: earlier}, now={slot: unusable}, requested_slot=slot)

    assert _validate(form, slot, unusable, dispatcher, tracker) == {slot: earlier}
    assert texts(dispatcher) == [questions["not_understood"][slot]]


@pytest.mark.parametrize(("slot", "unusable", "earlier"), UNUSABLE)
def test_unusable_stray_value_for_another_question_is_ignored_silently(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, slot: str, unusable: Any, earlier: Any
) -> None:
    asked = "goal" if slot != "goal" else "nation"
    tracker = make_tracker(before={"age_group": "18_plus", slot: earlier}, now={slot: unusable}, requested_slot=asked)

    assert _validate(form, slot, unusable, dispatcher, tracker) == {slot: earlier}
    assert dispatcher.messages == []


def test_earlier_answers_from_before_start_again_are_not_brought_back(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, questions: dict[str, Any]
) -> None:
    before_restart = [slot_event("nation", "wales"), {"event": "restart"}]
    tracker = make_tracker(events_before=before_restart, now={"nation": "narnia"}, requested_slot="nation")

    assert form.validate_nation("narnia", dispatcher, tracker, {}) == {"nation": None}
    assert texts(dispatcher) == [questions["not_understood"]["nation"]]


@pytest.mark.parametrize(
    ("today", "said", "stored"),
    [
        pytest.param(None, "2026", "since_2026", id="this-year"),
        pytest.param(None, "last_year", "2024_to_2025", id="last-year"),
        pytest.param(dt.date(2025, 6, 1), "2026", None, id="not-yet-happened-in-2025"),
        pytest.param(dt.date(2025, 6, 1), "recent", "2024_to_2025", id="recent-in-2025"),
    ],
)
def test_validate_when_uses_todays_date(
    form: ValidateFactsForm,
    dispatcher: CollectingDispatcher,
    monkeypatch: pytest.MonkeyPatch,
    today: dt.date | None,
    said: str,
    stored: str | None,
) -> None:
    if today is not None:
        monkeypatch.setattr(ValidateFactsForm, "today", staticmethod(lambda: today))
    tracker = make_tracker(now={"when": said}, requested_slot="when")
    assert form.validate_when(said, dispatcher, tracker, {}) == {"when": stored}


@pytest.mark.parametrize(
    ("earlier", "said", "stored"),
    [
        pytest.param(None, "£500", "money", id="amount"),
        pytest.param(None, "more images", "more_images", id="more-images"),
        pytest.param("money", "whatever", "money", id="unusable-keeps-earlier"),
        pytest.param(None, "whatever", None, id="unusable-nothing-earlier"),
    ],
)
def test_validate_demand_never_apologises(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, earlier: str | None, said: str, stored: str | None
) -> None:
    before = {"demand": earlier} if earlier else {}
    tracker = make_tracker(before=before, now={"demand": said}, requested_slot="goal")
    assert form.validate_demand(said, dispatcher, tracker, {}) == {"demand": stored}
    assert dispatcher.messages == []


# ---- which questions are asked -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "dropped"),
    [
        pytest.param({}, {"situation": [SHARED], "nation": "england"}, [], id="shared-england-all-asked"),
        pytest.param({}, {"situation": [FLASH]}, ["age_at_image"], id="cyberflashing-only"),
        pytest.param({}, {"situation": [FLASH, SHARED]}, [], id="cyberflashing-and-shared"),
        pytest.param({"situation": [SHARED]}, {"situation": [FLASH]}, [], id="cyberflashing-added-to-shared"),
        pytest.param({}, {"situation": ["not_sure"]}, [], id="not-sure"),
        pytest.param({}, {"nation": "scotland"}, ["when"], id="scotland"),
        pytest.param({}, {"nation": "outside_uk"}, ["when"], id="outside-uk"),
        pytest.param({}, {"nation": "wales"}, [], id="wales"),
        pytest.param({}, {"nation": "northern_ireland"}, [], id="northern-ireland"),
        pytest.param({}, {"situation": [FLASH], "nation": "scotland"}, ["age_at_image", "when"], id="both"),
    ],
)
@pytest.mark.asyncio
async def test_required_slots(
    form: ValidateFactsForm,
    dispatcher: CollectingDispatcher,
    before: dict[str, Any],
    now: dict[str, Any],
    dropped: list[str],
) -> None:
    tracker = make_tracker(before=before, now=now)
    required = await form.required_slots(FORM_SLOTS, dispatcher, tracker, {})
    assert required == [slot for slot in FORM_SLOTS if slot not in dropped]


# ---- the whole validation, as Rasa runs it --------------------------------------------------------------

DOMAIN = {"forms": {"facts_form": {"required_slots": FORM_SLOTS}}, "slots": {}}


def _slot_sets(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


@pytest.mark.asyncio
async def test_run_asks_the_next_question_that_applies(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        before={"situation": [SHARED], "more_situations": "done", "age_group": "18_plus", "age_at_image": "18_plus"},
        now={"nation": "scotland"},
        requested_slot="nation",
    )

    events = await form.run(dispatcher, tracker, DOMAIN)

    # Scotland: "when" does not apply, so the next question is "who".
    assert _slot_sets(events) == {"nation": "scotland", "requested_slot": "perpetrator"}


@pytest.mark.asyncio
async def test_run_validates_an_image_age_given_while_adding_cyberflashing(
    form: ValidateFactsForm, dispatcher: CollectingDispatcher, questions: dict[str, Any]
) -> None:
    # "He sent me pictures of himself too. I was 16 in mine." while asked "anything else?"
    tracker = make_tracker(
        before={"situation": [SHARED], "age_group": "18_plus"},
        now={"situation": [FLASH], "age_at_image": "i was 16"},
        requested_slot="more_situations",
    )

    events = await form.run(dispatcher, tracker, DOMAIN)

    stored = _slot_sets(events)
    assert stored["situation"] == [SHARED, FLASH]
    assert stored["age_at_image"] == "under_18"
    assert stored["more_situations"] is None  # so "anything else?" is asked again
    assert texts(dispatcher) == [ack(questions, FLASH)]


# ---- whose age: the person it happened to, not the supporter or the person who did it ----------------


@pytest.mark.parametrize(
    ("role", "ages", "expected"),
    [
        pytest.param("survivor", ["he's 40", "I'm 15"], "13_15", id="survivor-ignores-the-abusers-age"),
        pytest.param("survivor", ["I'm 19"], "18_plus", id="survivor-own-age"),
        pytest.param("supporter", ["I'm 45", "she is 15"], "13_15", id="supporter-ignores-their-own-age"),
        pytest.param("supporter", ["he's 14"], "13_15", id="supporter-about-their-son"),
        pytest.param("supporter", ["16"], "16_17", id="supporter-bare-number"),
    ],
)
def test_the_age_is_about_the_person_it_happened_to(
    form: ValidateFactsForm, role: str, ages: list[str], expected: str
) -> None:
    tracker = make_tracker(now={"age_group": ages[0]}, requested_slot="age_group", role=role)
    tracker.latest_message = {
        "intent": {"name": "inform"},
        "entities": [{"entity": "age", "value": a} for a in ages],
        "text": "",
    }
    assert form.validate_age_group(ages[0], CollectingDispatcher(), tracker, {})["age_group"] == expected


def test_a_survivor_giving_only_the_abusers_age_is_asked_again(form: ValidateFactsForm) -> None:
    tracker = make_tracker(now={"age_group": "he's 40"}, requested_slot="age_group", role="survivor")
    tracker.latest_message = {
        "intent": {"name": "inform"},
        "entities": [{"entity": "age", "value": "he's 40"}],
        "text": "",
    }
    dispatcher = CollectingDispatcher()
    assert form.validate_age_group("he's 40", dispatcher, tracker, {})["age_group"] is None
    assert dispatcher.messages  # the gentle "didn't get an age" before asking again
