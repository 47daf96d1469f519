"""Our one change to Rasa's own code, installed explicitly at start-up by `install()`.

The action server's answers are checked as Rasa checks them, without re-checking the schema every time.
Rasa 3.6 checks every custom action's answer with `jsonschema.validate(answer, schema)`. That call
first checks the schema itself against JSON Schema's meta-schema, and with the pinned jsonschema
(4.17) this takes about 25 ms on every action call, several times per message: most of our answer
time (bench/README.md). The schema is a constant, so here it is checked once and the validator kept;
each answer is still fully validated, with the same best-matching error and message Rasa gives.

Importing this module changes nothing. `install()` is called by the constructors of our tracker stores
(bot/tracker_store.py, bot/redis_tracker_store.py): every endpoints profile names one of them, and Rasa
builds it when it loads the agent, before the server takes its first message (channels and HTTP API alike).
Rasa is pinned (constraints.txt) and tests/bot/project/test_rasa_patches.py fails if the method changes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

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


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
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
    """Makes Rasa's custom action calls use the cached validator. Safe to call any number of times."""
    if RemoteAction._validate_action_result is not _validate_action_result:
        RemoteAction._validate_action_result = _validate_action_result


def installed() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result
