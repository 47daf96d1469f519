"""actions/callback_form.py: the callback request asks consent first, then safe ways and times, the
number or email last; sends it in that same turn to the conversation's own charity; keeps only "sent" or
"failed"; lets the person stop at every step; and says kindly, with helplines, when sending fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import callback_form
from actions.callback_form import (
    ActionAskCallbackConsent,
    ActionAskCallbackContact,
    ActionAskCallbackMessageOk,
    ActionAskCallbackMethod,
    ActionAskCallbackTimes,
    ActionCallbackCancelled,
    ActionCallbackOutcome,
    ValidateCallbackForm,
    find_email,
    find_phone,
)
from actions.handoff_config import secret_variable
from tests.actions.handoff.handoff_helpers import Receiver, handoff, tenant_file, tracker

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain" / "callback.yml").read_text(encoding="utf-8"))
PHONE = "07700 900123"
EMAIL = "sam.jones@example.com"


@pytest.fixture
def tenants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tenant_file(tmp_path, "default", None)
    tenant_file(tmp_path, "charity-a", handoff("callback", callback={"webhook_url": "https://a.example.org/hook"}))
    tenant_file(tmp_path, "charity-b", handoff("callback", callback={"webhook_url": "https://b.example.org/hook"}))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    monkeypatch.setenv(secret_variable("charity-a"), "callback-secret-for-charity-a-32-bytes")
    monkeypatch.setenv(secret_variable("charity-b"), "callback-secret-for-charity-b-32-bytes")
    return tmp_path


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Receiver:
    found = Receiver(200)
    monkeypatch.setattr(ValidateCallbackForm, "transport", found.transport)

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(ValidateCallbackForm, "sleep", staticmethod(no_wait))
    return found


async def answer(
    tenant: str | None,
    requested: str,
    slots: dict[str, Any] | None = None,
    *,
    intent: str = "inform",
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Runs the form's validation for one message. Returns the slots it set and what it said."""
    dispatcher = CollectingDispatcher()
    events = await ValidateCallbackForm().run(
        dispatcher,
        tracker(
            tenant,
            slots=slots,
            intent=intent,
            text=text,
            entities=entities,
            requested_slot=requested,
            active_loop="callback_form",
        ),
        DOMAIN,
    )
    set_ = {event["name"]: event["value"] for event in events}
    # The form ends when requested_slot is set to None; otherwise Rasa asks the next missing question.
    if set_.get("requested_slot", "") is not None:
        set_.pop("requested_slot", None)
    return set_, [m["text"] for m in dispatcher.messages]


ANSWERED = {
    "callback_consent": "yes",
    "callback_method": "phone_call",
    "callback_times": ["weekday_evening"],
    "callback_message_ok": "no",
}


async def test_a_whole_request_in_order_ends_with_sent_and_keeps_no_contact(tenants: Path, receiver: Receiver) -> None:
    slots: dict[str, Any] = {}
    set_, said = await answer("charity-a", "callback_consent", slots, intent="affirm", text="yes please")
    assert set_ == {"callback_consent": "yes"} and said == []
    slots.update(set_)
    set_, _ = await answer(
        "charity-a", "callback_method", slots, entities=[{"entity": "callback_method", "value": "phone_call"}]
    )
    assert set_ == {"callback_method": "phone_call"}
    slots.update(set_)
    set_, _ = await answer("charity-a", "callback_times", slots, text="evenings or weekends")
    assert set_ == {"callback_times": ["weekday_evening", "weekend"]}
    slots.update(set_)
    set_, _ = await answer("charity-a", "callback_message_ok", slots, intent="deny")
    assert set_ == {"callback_message_ok": "no"}
    assert receiver.requests == []  # nothing is sent before the last answer
    slots.update(set_)
    set_, said = await answer("charity-a", "callback_contact", slots, intent="nlu_fallback", text=f"it's {PHONE}")
    assert set_ == {"callback_contact": "sent"}  # every question answered: the form ends
    assert said == []
    assert receiver.bodies() == [
        {
            "tenant": "charity-a",
            "contact_method": "phone_call",
            "contact": "07700900123",
            "safe_times": ["weekday_evening", "weekend"],
            "message_ok": False,
            "requested_at": receiver.bodies()[0]["requested_at"],
        }
    ]
    assert PHONE.replace(" ", "") not in json.dumps(set_) and "900123" not in json.dumps(set_)


async def test_email_is_read_from_the_message(tenants: Path, receiver: Receiver) -> None:
    slots = {**ANSWERED, "callback_method": "email"}
    set_, _ = await answer("charity-a", "callback_contact", slots, text=f"email me at {EMAIL} thanks")
    assert set_["callback_contact"] == "sent"
    assert receiver.bodies()[0]["contact"] == EMAIL and receiver.bodies()[0]["contact_method"] == "email"


async def test_tenant_isolation_the_request_goes_to_the_conversations_own_charity(
    tenants: Path, receiver: Receiver
) -> None:
    await answer("charity-b", "callback_contact", ANSWERED, text=PHONE)
    [sent] = receiver.requests
    assert sent.url.host == "b.example.org" and json.loads(sent.content)["tenant"] == "charity-b"


async def test_a_contact_that_cannot_be_read_is_asked_again_and_not_sent(tenants: Path, receiver: Receiver) -> None:
    set_, said = await answer("charity-a", "callback_contact", ANSWERED, text="07700")
    assert set_ == {"callback_contact": None}
    assert said == ["Sorry, that doesn't look like a phone number. Could you check it? Or you can cancel."]
    set_, said = await answer(
        "charity-a", "callback_contact", {**ANSWERED, "callback_method": "email"}, text="sam at home"
    )
    assert said == ["Sorry, that doesn't look like an email address. Could you check it? Or you can cancel."]
    assert receiver.requests == []


async def test_failure_is_kept_only_as_failed(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    down = Receiver(None, None, None)
    monkeypatch.setattr(ValidateCallbackForm, "transport", down.transport)

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(ValidateCallbackForm, "sleep", staticmethod(no_wait))
    set_, _ = await answer("charity-a", "callback_contact", ANSWERED, text=PHONE)
    assert set_ == {"callback_contact": "failed"}
    assert len(down.requests) == 3


@pytest.mark.parametrize(
    ("requested", "intent"),
    [
        ("callback_consent", "deny"),
        ("callback_method", "skip"),
        ("callback_times", "skip"),
        ("callback_message_ok", "skip"),
        ("callback_contact", "deny"),
        ("callback_contact", "skip"),
    ],
)
async def test_no_or_skip_ends_the_request_without_sending(
    tenants: Path, receiver: Receiver, requested: str, intent: str
) -> None:
    slots = {k: v for k, v in ANSWERED.items() if k != requested}
    set_, _ = await answer("charity-a", requested, slots, intent=intent, text="no")
    assert set_["callback_consent"] == "no" and set_["requested_slot"] is None
    assert receiver.requests == []


@pytest.mark.parametrize(
    "intent", ["stop", "crisis", "not_safe_now", "talk_to_someone", "delete_conversation", "start_again"]
)
async def test_interruptions_extract_nothing_so_the_rules_answer(
    tenants: Path, receiver: Receiver, intent: str
) -> None:
    # Even with a number in the message: "stop" and a crisis always win.
    set_, said = await answer("charity-a", "callback_contact", ANSWERED, intent=intent, text=f"stop {PHONE}")
    assert set_ == {} and said == []
    assert receiver.requests == []


@pytest.mark.parametrize(("intent", "stored"), [("affirm", "yes"), ("deny", "no"), ("dont_know", "no")])
async def test_a_message_is_left_only_if_the_person_says_it_is_safe(
    tenants: Path, receiver: Receiver, intent: str, stored: str
) -> None:
    slots = {k: v for k, v in ANSWERED.items() if k != "callback_message_ok"}
    set_, _ = await answer("charity-a", "callback_message_ok", slots, intent=intent)
    assert set_ == {"callback_message_ok": stored}


async def test_an_answer_that_is_not_a_choice_is_asked_again(tenants: Path, receiver: Receiver) -> None:
    set_, said = await answer("charity-a", "callback_method", {"callback_consent": "yes"}, text="hmm")
    assert set_ == {"callback_method": None}
    assert said == ["Sorry, I didn't catch that. You can pick one of the options, or cancel."]


async def test_no_callback_for_a_tenant_without_one(tenants: Path, receiver: Receiver) -> None:
    for tenant in ("default", None):
        set_, _ = await answer(tenant, "callback_consent", intent="affirm")
        assert set_ == {"requested_slot": None}  # nothing to ask: the form ends at once
    assert receiver.requests == []


def test_finding_phone_numbers_and_emails() -> None:
    assert find_phone("call me on 07700 900123 after 6") == "07700900123"
    assert find_phone("+44 (0)7700-900-123") == "+4407700900123"
    assert find_phone("after 6") is None and find_phone("12345") is None
    assert find_email("it's Sam.Jones+help@mail.example.co.uk.") == "Sam.Jones+help@mail.example.co.uk"
    assert find_email("sam at example dot com") is None


# ---- what the person sees ---------------------------------------------------------------------------------


async def said_by(action: Any, tenant: str | None, **slots: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(tenant, slots=slots), {})
    return dispatcher.messages, events


async def test_every_question_can_be_cancelled_and_consent_comes_first(tenants: Path) -> None:
    [consent], _ = await said_by(ActionAskCallbackConsent(), "charity-a")
    assert consent["text"].startswith("I can ask Team callback to contact you.")
    assert "don't keep it" in consent["text"]
    assert [b["payload"] for b in consent["buttons"]] == ["/affirm", "/deny"]
    for action in (
        ActionAskCallbackMethod(),
        ActionAskCallbackTimes(),
        ActionAskCallbackMessageOk(),
        ActionAskCallbackContact(),
    ):
        [question], _ = await said_by(action, "charity-a", callback_method="phone_call")
        assert question["buttons"][-1] == {"title": "Cancel", "payload": "/stop"}, action.name()
    [contact], _ = await said_by(ActionAskCallbackContact(), "charity-a", callback_method="email")
    assert "what email address" in contact["text"] and "won't keep it" in contact["text"]


async def test_outcome_sent_confirms_and_clears_every_callback_slot(tenants: Path) -> None:
    [message], events = await said_by(ActionCallbackOutcome(), "charity-a", **ANSWERED, callback_contact="sent")
    assert message["text"] == (
        "Done. I've sent your request to Team callback. They should get in touch at a time you chose. "
        "I haven't kept your details."
    )
    assert {e["name"]: e["value"] for e in events} == {slot: None for slot in callback_form.SLOTS}
    _, nothing_to_clear = await said_by(ActionCallbackOutcome(), "default")
    assert nothing_to_clear == []


async def test_outcome_failed_is_kind_and_gives_helplines(tenants: Path) -> None:
    [message], events = await said_by(ActionCallbackOutcome(), "charity-a", **ANSWERED, callback_contact="failed")
    text = message["text"]
    assert text.startswith("I'm sorry, I couldn't send your request to Team callback just now. Nothing has been kept.")
    assert "Samaritans: 116 123" in text and "call 999" in text
    assert all(e["value"] is None for e in events)


async def test_outcome_declined_and_not_available(tenants: Path) -> None:
    [declined], _ = await said_by(ActionCallbackOutcome(), "charity-a", callback_consent="no")
    assert declined["text"] == "OK, no problem. Nothing has been sent."
    [unavailable], _ = await said_by(ActionCallbackOutcome(), "default")
    assert unavailable["text"].startswith("Sorry, asking for a call back isn't possible here.")
    assert "Samaritans" in unavailable["text"]
    [young], _ = await said_by(ActionCallbackOutcome(), "default", young_person=True)
    assert young["text"].splitlines()[1].startswith("- Childline")


async def test_cancel_says_nothing_was_sent_and_clears(tenants: Path) -> None:
    [message], events = await said_by(ActionCallbackCancelled(), "charity-a", **ANSWERED)
    assert message["text"] == "OK, I've stopped. Nothing has been sent and nothing is kept."
    assert {e["name"]: e["value"] for e in events} == {slot: None for slot in ANSWERED}


# ---- limits: once per conversation, per client, per charity (actions/callback_limits.py) -------------------


async def contact_step(tenant: str, sender: str, client_key: str | None, events: list | None = None) -> str | None:
    """The last answer (the number) of a request from `sender`: the callback_contact it ends with."""
    events_out = await ValidateCallbackForm().run(
        CollectingDispatcher(),
        tracker(
            tenant,
            slots=ANSWERED,
            text=PHONE,
            requested_slot="callback_contact",
            active_loop="callback_form",
            sender_id=sender,
            client_key=client_key,
            events=events,
        ),
        DOMAIN,
    )
    return {event["name"]: event["value"] for event in events_out}.get("callback_contact")


async def starts(tenant: str, sender: str, events: list | None = None) -> list[str]:
    """The questions a new request in `sender`'s conversation would ask ([]: the form ends at once)."""
    form = ValidateCallbackForm()
    return await form.required_slots(
        list(callback_form.SLOTS), CollectingDispatcher(), tracker(tenant, sender_id=sender, events=events), DOMAIN
    )


async def test_a_second_request_in_the_same_conversation_is_not_sent_and_is_answered_kindly(
    tenants: Path, receiver: Receiver
) -> None:
    assert await starts("charity-a", "conversation-1") == list(callback_form.SLOTS)
    assert await contact_step("charity-a", "conversation-1", "client-a") == "sent"
    # Asking again: no questions, nothing sent; told kindly, with people to talk to now.
    assert await starts("charity-a", "conversation-1") == []
    dispatcher = CollectingDispatcher()
    await ActionCallbackOutcome().run(dispatcher, tracker("charity-a", sender_id="conversation-1"), {})
    [message] = dispatcher.messages
    assert message["text"].startswith("You've already asked Team callback to contact you in this chat, so I haven't")
    assert "Samaritans: 116 123" in message["text"] and "call 999" in message["text"]
    assert len(receiver.requests) == 1
    # Another conversation (a new person) may still ask.
    assert await starts("charity-a", "conversation-2") == list(callback_form.SLOTS)


async def test_a_request_already_in_the_history_counts_whichever_action_server_sent_it(tenants: Path) -> None:
    """Another action server sent it: this one knows from the conversation's history Rasa sends."""
    history = [
        {"event": "slot", "name": "callback_contact", "value": "sent"},
        {"event": "slot", "name": "callback_contact", "value": None},
    ]
    assert await starts("charity-a", "conversation-3", events=history) == []
    failed_before = [{"event": "slot", "name": "callback_contact", "value": "failed"}]
    assert await starts("charity-a", "conversation-3", events=failed_before) == list(callback_form.SLOTS)


async def test_one_client_cannot_use_up_the_charitys_hourly_allowance(
    tenants: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLBACK_LIMIT_PER_ADDRESS_PER_HOUR", "2")
    monkeypatch.setenv("CALLBACK_LIMIT_PER_HOUR", "3")
    outcomes = [await contact_step("charity-a", f"script-{n}", "one-client") for n in range(4)]
    assert outcomes == ["sent", "sent", "failed", "failed"]  # each conversation new: the client is the limit
    assert len(receiver.requests) == 2
    # Real people elsewhere still get through: the refused attempts did not use the charity's allowance.
    assert await contact_step("charity-a", "person", "another-client") == "sent"


async def test_the_charitys_hourly_limit_is_logged_by_tenant_and_kept_as_limited(
    tenants: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CALLBACK_LIMIT_PER_HOUR", "1")
    assert await contact_step("charity-a", "first", "client-1") == "sent"
    with caplog.at_level("WARNING"):
        assert await contact_step("charity-a", "second", "client-2") == "limited"
    assert "tenant charity-a" in caplog.text and "CALLBACK_LIMIT_PER_HOUR=1" in caplog.text
    for private in ("900123", "client-2", "second"):
        assert private not in caplog.text
    assert await contact_step("charity-b", "third", "client-3") == "sent"  # another charity's own allowance
    # The person hears the same kind answer as for any request that could not be sent.
    dispatcher = CollectingDispatcher()
    refused = tracker("charity-a", slots={**ANSWERED, "callback_contact": "limited"})
    await ActionCallbackOutcome().run(dispatcher, refused, {})
    assert dispatcher.messages[0]["text"].startswith("I'm sorry, I couldn't send your request to Team callback")
