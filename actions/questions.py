"""The form's questions (action_ask_<slot>): wording for the survivor or a supporter, with buttons and
an "I'd rather not say" button on every question. Wording lives in data/content/questions.yml."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content, facts


class AskQuestion(Action, ABC):
    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def text(self, question: dict[str, Any], tracker: Tracker) -> str:
        return content.for_role(question, tracker.get_slot("role"))

    def buttons(self, question: dict[str, Any], tracker: Tracker) -> list[dict[str, str]]:
        return list(question["buttons"])

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        question = content.questions()["questions"][self.slot]
        buttons = self.buttons(question, tracker) + [content.questions()["skip_button"]]
        dispatcher.utter_message(text=self.text(question, tracker), buttons=buttons)
        return []


class AskMoreSituations(AskQuestion):
    """Offers only the situations not chosen yet, and asks "which?" after a bare yes."""

    slot = "more_situations"

    def text(self, question: dict[str, Any], tracker: Tracker) -> str:
        answered_yes = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        return content.for_role(question, tracker.get_slot("role"), "which" if answered_yes else "")

    def buttons(self, question: dict[str, Any], tracker: Tracker) -> list[dict[str, str]]:
        chosen = set(facts.situations(tracker.get_slot("situation") or []))
        offered = [button for situation, button in question["situation_buttons"].items() if situation not in chosen]
        return offered + [question["done_button"]]


# The questions asked just as data/content/questions.yml words them, in the order the form asks them.
PLAIN_QUESTIONS = ("situation", "age_group", "age_at_image", "nation", "when", "perpetrator", "platforms", "goal")
# One action_ask_<slot> class each (AskAgeGroup, ...): rasa_sdk registers every Action subclass it finds, and
# bot/domain/actions.yml names the actions.
PLAIN_ASK_ACTIONS: dict[str, type[AskQuestion]] = {
    slot: type(f"Ask{slot.title().replace('_', '')}", (AskQuestion,), {"slot": slot, "__module__": __name__})
    for slot in PLAIN_QUESTIONS
}
# Module attributes as well: the action server hands its actions to worker processes by pickling, which
# finds a class by its module and name.
globals().update({action.__name__: action for action in PLAIN_ASK_ACTIONS.values()})
