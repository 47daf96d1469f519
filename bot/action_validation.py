"""Checks the action server's answers as Rasa does, without re-checking the schema every time.

Rasa 3.6 checks every custom action's answer with `jsonschema.validate(answer, schema)`. That call
first checks the schema itself against JSON Schema's meta-schema, and with the pinned jsonschema
(4.17) this takes about 25 ms on every action call, several times per message: most of our answer
time (bench/README.md). The schema is a constant, so here it is checked once and the validator kept;
each answer is still fully validated, with the same best-matching error and message Rasa gives.

Installed when bot.tracker_store is imported, which every endpoints file loads in the Rasa server.
Rasa is pinned (constraints.txt) and tests/bot/test_action_validation.py fails if the method changes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)  # the same choice jsonschema.validate makes
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    # The same message Rasa adds (rasa/core/actions/action.py, RemoteAction._validate_action_result).
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result


