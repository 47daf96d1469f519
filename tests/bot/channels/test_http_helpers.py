"""The HTTP helpers every channel shares (bot/channels/http.py): bodies, errors, CORS and headers.
Client addresses behind proxies are tested in test_counts_channel.py and test_address_groups.py."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from sanic import response
from sanic.compat import Header

from bot.channels import http


def request(body: bytes | None = b"", scheme: str = "http", **headers: str) -> Any:
    return SimpleNamespace(
        body=body, scheme=scheme, headers=Header({k.replace("_", "-"): v for k, v in headers.items()})
    )


@pytest.mark.parametrize(
    "body, parsed",
    [
        (b'{"a": 1}', {"a": 1}),
        (b"[1]", None),
        (b"{nope", None),
        (b"", None),
        (None, None),
        (b"\xff", None),
    ],
)
def test_a_body_is_a_json_object_or_none_never_an_exception(body: bytes | None, parsed: Any) -> None:
    assert http.json_object(body) == parsed


def test_a_json_body_must_say_it_is_json() -> None:
    assert http.json_body(request(b'{"a": 1}', content_type="application/json; charset=utf-8")) == {"a": 1}
    assert http.json_body(request(b'{"a": 1}', content_type="text/plain")) is None
    assert http.json_body(request(b'{"a": 1}')) is None
    assert http.media_type(request(content_type="Application/JSON ; charset=utf-8")) == "application/json"


def test_the_largest_body_leaves_room_for_escapes_and_the_wrapper() -> None:
    assert http.max_body_bytes(2000) == 2000 * 6 + 1024


def test_errors_are_a_friendly_sentence_in_json() -> None:
    answer = http.error(429, "Please wait a moment.")
    assert answer.status == 429 and json.loads(answer.body) == {"error": "Please wait a moment."}


def test_our_cors_decision_replaces_rasas() -> None:
    answer = response.json({}, headers={"Access-Control-Allow-Origin": "*", "access-control-allow-credentials": "true"})
    http.set_cors(answer, None)
    assert not [h for h in answer.headers if h.lower().startswith("access-control-")]
    assert answer.headers["Vary"] == "Origin"
    http.set_cors(answer, "https://charity.example")
    assert answer.headers["Access-Control-Allow-Origin"] == "https://charity.example"


def test_headers_a_route_set_itself_can_be_kept() -> None:
    answer = response.text("", headers={"Content-Security-Policy": "frame-ancestors https://charity.example"})
    http.add_headers(answer, http.JSON_API_HEADERS, keep_existing=True)
    assert answer.headers["Content-Security-Policy"] == "frame-ancestors https://charity.example"
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["X-Content-Type-Options"] == "nosniff"
    http.add_headers(answer, http.JSON_API_HEADERS)
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_https_here_or_at_the_proxy() -> None:
    assert http.is_https(request(scheme="https"))
    assert http.is_https(request(x_forwarded_proto="https, http"))
    assert not http.is_https(request(x_forwarded_proto="http"))


def test_same_origin_is_this_host_only() -> None:
    assert http.same_origin(request(host="rasa.example:5005"), "https://RASA.example:5005")
    assert not http.same_origin(request(host="rasa.example:5005"), "https://charity.example")
    assert not http.same_origin(request(), "https://rasa.example")
