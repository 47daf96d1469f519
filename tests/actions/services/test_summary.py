"""actions/summary.py: action_summarise tells the person what Reclaim understood, in plain words, then
their first three next steps with the real services' names, numbers and opening times, the closing and
the controls; action_more_steps shows the next three."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import facts, summary
from actions.opening_hours import LONDON
from actions.summary import ActionMoreSteps, ActionSummarise
from tests.actions.tracker_helpers import button_titles, make_tracker

SHARED, THREAT, FAKE, TAKEN, FLASH = facts.SPECIFIC_SITUATIONS
CONTROLS = ["Talk to a person", "Start again", "Delete this chat"]
MORE = "More next steps"
# A Tuesday afternoon: the Revenge Porn Helpline (Mon-Fri 10am-4pm) is open.
TUESDAY_AFTERNOON = dt.datetime(2026, 11, 24, 14, 0, tzinfo=LONDON)
SATURDAY_EVENING = dt.datetime(2026, 11, 28, 19, 0, tzinfo=LONDON)

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def tuesday_afternoon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "london_now", lambda: TUESDAY_AFTERNOON)


async def summarise(role: str = "survivor", **slots: Any) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSummarise().run(dispatcher, make_tracker(before=slots, role=role), {})
    assert [event["name"] for event in events] == ["steps_shown"]
    return dispatcher.messages


async def more_steps(shown: int, role: str = "survivor", **slots: Any) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    await ActionMoreSteps().run(dispatcher, make_tracker(before={**slots, "steps_shown": float(shown)}, role=role), {})
    return dispatcher.messages


def understood_lines(messages: list[dict[str, Any]]) -> list[str]:
    return [line for line in messages[0]["text"].splitlines() if line.startswith("- ")]


ADULT_IN_WALES = {
    "situation": [SHARED, THREAT],
    "age_group": "18_plus",
    "age_at_image": "18_plus",
    "nation": "wales",
    "when": "2024_to_2025",
    "perpetrator": "partner_or_ex",
    "platforms": ["instagram", "porn_site"],
    "goal": "remove",
}


async def test_what_was_understood_in_plain_words() -> None:
    messages = await summarise(**ADULT_IN_WALES)

    assert messages[0]["text"].startswith("Thank you for telling me. This is what I understood:")
    assert understood_lines(messages) == [
        "- What happened: images shared without consent, threats to share images",
        "- Age now: 18 or over",
        "- In the images: 18 or over",
        "- Where: Wales",
        "- When: in 2024 or 2025",
        "- Who: a partner or ex",
        "- Where the images are: Instagram, a porn website",
        "- What would help: getting it taken down",
    ]
    assert messages[0]["text"].endswith("If anything is wrong, you can start again.")


@pytest.mark.parametrize(
    ("slots", "line"),
    [
        pytest.param({"age_group": "13_15"}, "- Age now: 13 to 15", id="age-13-15"),
        pytest.param({"age_group": "16_17"}, "- Age now: 16 or 17", id="age-16-17"),
        pytest.param({"age_group": "under_13"}, "- Age now: under 13", id="age-under-13"),
        pytest.param({"nation": "outside_uk"}, "- Where: outside the UK", id="outside-uk"),
        pytest.param({"nation": "northern_ireland"}, "- Where: Northern Ireland", id="northern-ireland"),
        pytest.param({"when": "since_2026"}, "- When: since the start of 2026", id="since-2026"),
        pytest.param({"platforms": ["none"]}, "- Where the images are: not online", id="not-online"),
        pytest.param({"platforms": ["x", "onlyfans"]}, "- Where the images are: X (Twitter), OnlyFans", id="platforms"),
        pytest.param({"situation": ["not_sure"]}, "- What happened: not sure yet", id="not-sure-what"),
        pytest.param({"age_at_image": "not_sure"}, "- In the images: not sure", id="not-sure-image-age"),
        pytest.param({"perpetrator": "unknown"}, "- Who: not known", id="unknown-who"),
    ],
)
async def test_each_answer_is_described_in_words(slots: dict[str, Any], line: str) -> None:
    assert understood_lines(await summarise(**slots)) == [line]


@pytest.mark.parametrize(
    ("slot", "skipped", "label"),
    [
        ("situation", ["not_said"], "What happened"),
        ("age_group", "not_said", "Age now"),
        ("age_at_image", "not_said", "In the images"),
        ("nation", "not_said", "Where"),
        ("when", "not_said", "When"),
        ("perpetrator", "not_said", "Who"),
        ("platforms", ["not_said"], "Where the images are"),
        ("goal", "not_said", "What would help"),
    ],
)
async def test_skipped_answers_say_you_chose_not_to_say(slot: str, skipped: Any, label: str) -> None:
    assert understood_lines(await summarise(**{slot: skipped})) == [f"- {label}: you chose not to say"]


async def test_questions_never_asked_are_left_out() -> None:
    # Cyberflashing in Scotland: the image-age and "when" questions do not apply.
    lines = understood_lines(
        await summarise(situation=[FLASH], age_group="18_plus", nation="scotland", platforms=[], goal="report_police")
    )
    labels = [line.split(":")[0] for line in lines]
    assert labels == ["- What happened", "- Age now", "- Where", "- What would help"]


async def test_under_18_gets_report_remove_and_childline_never_stopncii_or_screenshots() -> None:
    slots = dict(situation=[SHARED], age_group="13_15", age_at_image="under_18", nation="england")
    first = (await summarise(**slots))[1]["text"]
    second = (await more_steps(3, **slots))[0]["text"]
    steps = first + second

    assert first.startswith("Some next steps. You choose what feels right:")
    for expected in ("Report Remove (Childline and IWF)", "Take It Down", "0800 1111", "don't screenshot"):
        assert expected in steps
    for absent in ("StopNCII", "Revenge Porn Helpline", "keep evidence: screenshots", "NSPCC"):
        assert absent not in steps


async def test_three_steps_at_a_time_with_a_button_for_more() -> None:
    messages = await summarise(**ADULT_IN_WALES)
    steps = [line for line in messages[1]["text"].splitlines() if line.startswith("- ")]

    assert len(steps) == 3
    assert steps[0].startswith("- Don't pay and don't send anything more.")
    assert steps[1].startswith("- StopNCII.org can help stop intimate images taken at 18 or over")
    assert steps[2].startswith("- Instagram: ")
    assert button_titles(messages[1]) == [MORE, *CONTROLS]


async def test_more_steps_continue_where_the_first_page_stopped_and_then_end() -> None:
    second = await more_steps(3, **ADULT_IN_WALES)
    text = second[0]["text"]
    assert text.startswith("More next steps:")
    assert "a porn website: " in text
    assert "Instagram: " not in text  # already shown

    everything_shown = await more_steps(30, **ADULT_IN_WALES)
    assert everything_shown[0]["text"].startswith("That's all the next steps I have.")
    assert button_titles(everything_shown[0]) == CONTROLS


async def test_a_helpline_says_whether_it_is_open_now(monkeypatch: pytest.MonkeyPatch) -> None:
    slots = dict(
        situation=[SHARED], age_group="18_plus", age_at_image="18_plus", nation="wales", goal="talk_to_someone"
    )
    open_text = (await summarise(**slots))[1]["text"]
    assert (
        "The Revenge Porn Helpline (for adults) can help get images removed and talk it through: 0345 6000 459"
        in open_text
    )
    assert "Open now." in open_text

    monkeypatch.setattr(summary, "london_now", lambda: SATURDAY_EVENING)
    closed_text = (await summarise(**slots))[1]["text"]
    assert "Closed now: opens Monday at 10am." in closed_text


async def test_phone_numbers_and_websites_come_as_links() -> None:
    slots = dict(situation=[SHARED], age_group="18_plus", age_at_image="18_plus", goal="talk_to_someone")
    links = (await summarise(**slots))[1]["custom"]["links"]
    assert {"title": "Call Revenge Porn Helpline: 0345 6000 459", "url": "tel:+443456000459"} in links
    assert {"title": "StopNCII.org", "url": "https://stopncii.org"} in links


async def test_adult_whose_image_was_taken_under_18_gets_take_it_down() -> None:
    messages = await summarise(situation=[SHARED], age_group="18_plus", age_at_image="under_18")
    steps = (
        messages[1]["text"]
        + (await more_steps(3, situation=[SHARED], age_group="18_plus", age_at_image="under_18"))[0]["text"]
    )

    assert "Take It Down can stop images taken under 18" in steps
    assert "https://takeitdown.ncmec.org" in steps
    assert "StopNCII" not in steps
    assert "keep evidence: screenshots" not in steps


async def test_police_step_names_101_and_999() -> None:
    messages = await summarise(
        situation=[TAKEN], age_group="18_plus", age_at_image="18_plus", nation="england", goal="report_police"
    )
    assert "- You can report it to the police on 101. In an emergency, call 999." in messages[1]["text"].splitlines()


async def test_supporter_of_a_child_is_told_about_them_and_given_the_nspcc() -> None:
    slots = dict(situation=[SHARED], age_group="13_15", age_at_image="under_18")
    messages = await summarise(role="supporter", **slots)
    later = messages[1]["text"] + (await more_steps(3, role="supporter", **slots))[0]["text"]

    assert messages[0]["text"].startswith("Thank you for telling me. This is what I understood about them:")
    assert "the NSPCC Helpline (0808 800 5000) supports adults worried about a child" in later
    assert "not their fault" in messages[1]["text"]


async def test_no_step_shows_an_empty_or_unfilled_detail() -> None:
    slots = dict(situation=[SHARED, THREAT], age_group="18_plus", age_at_image="under_18", platforms=["x"])
    steps = (await summarise(role="supporter", **slots))[1]["text"] + (await more_steps(3, role="supporter", **slots))[
        0
    ]["text"]
    for broken in ("{", "}", "()", ": ,", ",  ", " .", ": or"):
        assert broken not in steps


@pytest.mark.parametrize("role", ["survivor", "supporter"])
async def test_closing_is_general_information_with_the_controls(role: str) -> None:
    messages = await summarise(role=role, **ADULT_IN_WALES)
    steps = messages[-1]

    assert len(messages) == 2
    assert "This is general information, not legal advice." in steps["text"]
    payloads = [button["payload"] for button in steps["buttons"]]
    assert payloads == ["/more_steps", "/talk_to_someone", "/start_again", "/delete_conversation"]


async def test_nothing_known_still_closes_with_the_controls() -> None:
    messages = await summarise()

    assert understood_lines(messages) == []
    assert button_titles(messages[-1])[-3:] == CONTROLS
    assert "not legal advice" in messages[-1]["text"]


async def test_a_charitys_own_service_comes_first_after_safety() -> None:
    slots = dict(situation=[THREAT], age_group="18_plus", age_at_image="18_plus", nation="wales")
    tracker = make_tracker(before=slots)
    tracker.latest_message = {**tracker.latest_message, "metadata": {"tenant": "example-charity"}}
    dispatcher = CollectingDispatcher()
    await ActionSummarise().run(dispatcher, tracker, {})
    steps = [line for line in dispatcher.messages[1]["text"].splitlines() if line.startswith("- ")]

    assert steps[0].startswith("- Don't pay")
    assert steps[1].startswith("- Example Support Charity helpline (EXAMPLE): ")
    assert "029 2018 0999" in steps[1]


@pytest.mark.parametrize("tenant", ["../../etc/passwd", "no-such-charity", 42, None])
async def test_an_unknown_or_forged_tenant_adds_nothing(tenant: Any) -> None:
    tracker = make_tracker(before=dict(situation=[SHARED], age_group="18_plus", age_at_image="18_plus"))
    tracker.latest_message = {**tracker.latest_message, "metadata": {"tenant": tenant}}
    dispatcher = CollectingDispatcher()
    await ActionSummarise().run(dispatcher, tracker, {})
    assert "EXAMPLE" not in dispatcher.messages[1]["text"]
