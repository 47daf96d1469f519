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


class AskSituation(AskQuestion):
    slot = "situation"


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


class AskAgeGroup(AskQuestion):
    slot = "age_group"


class AskAgeAtImage(AskQuestion):
    slot = "age_at_image"


class AskNation(AskQuestion):
    slot = "nation"


class AskWhen(AskQuestion):
    slot = "when"


class AskPerpetrator(AskQuestion):
    slot = "perpetrator"


class AskPlatforms(AskQuestion):
    slot = "platforms"


class AskGoal(AskQuestion):
    slot = "goal"
