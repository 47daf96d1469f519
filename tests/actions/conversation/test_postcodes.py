"""Postcode or town to nation: postcodes.io through httpx's mock transport (no test touches the network)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from actions import postcodes
from actions.postcodes import looks_like_uk_outcode, looks_like_uk_postcode, nation_for_place


class Recorder:
    """A mock postcodes.io: answers from `responses` in turn (the last one repeats) and keeps each request."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses[min(len(self.requests), len(self.responses)) - 1]
        if isinstance(answer, Exception):
            if isinstance(answer, httpx.RequestError):
                answer.request = request
            raise answer
        return answer

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


def postcode_found(country: str) -> httpx.Response:
    return httpx.Response(200, json={"status": 200, "result": {"postcode": "XX1 1XX", "country": country}})


def places_found(*places: tuple[str, str]) -> httpx.Response:
    return httpx.Response(
        200, json={"status": 200, "result": [{"name_1": name, "country": country} for name, country in places]}
    )


def not_found() -> httpx.Response:
    return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})


async def lookup(text: str, *answers: httpx.Response | Exception) -> tuple[str | None, Recorder]:
    recorder = Recorder(*answers)
    async with recorder.client() as client:
        return await nation_for_place(text, client=client), recorder


# Recognising postcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "CF10 1AA",
        "cf10 1aa",
        "bt71nn",
        "BT7 1NN",
        "EH1 1YZ",
        "SW1A 1AA",
        "sw1a1aa",
        " W1A 0AX ",
        "M1 1AE",
        "B33 8TH",
        "DN55 1PT",
        "CR2 6XH",
        "GY1 1AA",
        "IM1 1AA",
        "GIR 0AA",
        "SW1A  1AA",
    ],
)
def test_full_postcodes_are_recognised_whatever_the_case_and_spacing(text: str) -> None:
    assert looks_like_uk_postcode(text)


@pytest.mark.parametrize(
    "text",
    [
        "CF10",  # outward code only
        "SW1A",
        "BT7",
        "CF10 1",  # half an inward code
        "CF10 1A",
        "CF10 1AAA",
        "QA1 1AA",  # Q never starts a postcode
        "CF10 1CA",  # C never in the unit
        "12345",
        "Cardiff",
        "",
        "   ",
        "CF10 1AA please",
        "../CF10 1AA",
    ],
)
def test_anything_else_is_not_a_full_postcode(text: str) -> None:
    assert not looks_like_uk_postcode(text)


@pytest.mark.parametrize("text", ["CF10", "cf10", "SW1A", "BT7", "EH1", "M1"])
def test_outward_codes_on_their_own_are_outcodes_not_postcodes(text: str) -> None:
    assert looks_like_uk_outcode(text)
    assert not looks_like_uk_postcode(text)


@pytest.mark.parametrize("text", ["CF10 1AA", "Cardiff", "1AA", "CF", ""])
def test_full_postcodes_and_names_are_not_outcodes(text: str) -> None:
    assert not looks_like_uk_outcode(text)


# Looking up the nation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "nation"),
    [
        ("England", "england"),
        ("Wales", "wales"),
        ("Scotland", "scotland"),
        ("Northern Ireland", "northern_ireland"),
        ("Channel Islands", "outside_uk"),
        ("Isle of Man", "outside_uk"),
    ],
)
async def test_each_nation_by_postcode(country: str, nation: str) -> None:
    found, recorder = await lookup("cf10 1aa", postcode_found(country))
    assert found == nation
    [request] = recorder.requests
    assert request.method == "GET"
    assert str(request.url) == "https://api.postcodes.io/postcodes/CF101AA"


async def test_a_country_we_do_not_know_is_no_nation() -> None:
    found, _ = await lookup("CF10 1AA", postcode_found("Atlantis"))
    assert found is None


async def test_town_lookup() -> None:
    found, recorder = await lookup("  cardiff ", places_found(("Cardiff", "Wales")))
    assert found == "wales"
    [request] = recorder.requests
    assert request.url.path == "/places"
    assert request.url.params["q"] == "cardiff"


async def test_town_with_hyphens_and_apostrophes_matches_its_name() -> None:
    found, _ = await lookup("stratford upon avon", places_found(("Stratford-upon-Avon", "England")))
    assert found == "england"
    found, _ = await lookup("Bishops Stortford", places_found(("Bishop's Stortford", "England")))
    assert found == "england"


async def test_welsh_name_in_name_2_counts() -> None:
    answer = httpx.Response(
        200, json={"status": 200, "result": [{"name_1": "Cardiff", "name_2": "Caerdydd", "country": "Wales"}]}
    )
    found, _ = await lookup("Caerdydd", answer)
    assert found == "wales"


async def test_a_town_in_two_nations_is_not_guessed() -> None:
    found, _ = await lookup("Newport", places_found(("Newport", "Wales"), ("Newport", "England")))
    assert found is None


async def test_a_different_place_that_merely_starts_the_same_is_not_taken() -> None:
    found, _ = await lookup("Bath", places_found(("Bathgate", "Scotland")))
    assert found is None


async def test_a_place_postcodes_io_does_not_know_is_none() -> None:
    found, _ = await lookup("Belfast", httpx.Response(200, json={"status": 200, "result": None}))
    assert found is None
    found, _ = await lookup("Belfast", httpx.Response(200, json={"status": 200, "result": []}))
    assert found is None


@pytest.mark.parametrize(
    ("countries", "nation"),
    [(["Wales"], "wales"), (["Scotland", "Scotland"], "scotland"), (["England", "Wales"], None), ([], None)],
)
async def test_an_outward_code_settles_the_nation_only_when_the_district_is_in_one(
    countries: list[str], nation: str | None
) -> None:
    answer = httpx.Response(200, json={"status": 200, "result": {"outcode": "CF10", "country": countries}})
    found, recorder = await lookup("cf10", answer)
    assert found == nation
    assert str(recorder.requests[0].url) == "https://api.postcodes.io/outcodes/CF10"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a",
        "12345",
        "I live near the big Tesco in Cardiff, by the river",
        "me@example.com",
        "CF10 1AA 2",
        "x" * 61,
    ],
)
async def test_what_is_neither_a_postcode_nor_a_place_name_is_never_sent(text: str) -> None:
    found, recorder = await lookup(text, postcode_found("Wales"))
    assert found is None
    assert recorder.requests == []


async def test_not_found_is_none_and_is_not_retried() -> None:
    found, recorder = await lookup("CF10 1AA", not_found(), postcode_found("Wales"))
    assert found is None
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, content=b"{not json"),
        httpx.Response(200, content=b"<html>maintenance</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, json=[1, 2, 3]),
        httpx.Response(200, json={"status": 200}),
        httpx.Response(200, json={"status": 200, "result": "England"}),
    ],
)
async def test_malformed_answers_are_none(answer: httpx.Response) -> None:
    found, recorder = await lookup("CF10 1AA", answer)
    assert found is None
    assert len(recorder.requests) == 1


async def test_malformed_place_answers_are_none() -> None:
    found, _ = await lookup("Cardiff", httpx.Response(200, json={"status": 200, "result": {"country": "Wales"}}))
    assert found is None
    found, _ = await lookup("Cardiff", httpx.Response(200, json={"status": 200, "result": ["Cardiff", None]}))
    assert found is None


async def test_timeout_then_success_is_exactly_one_retry() -> None:
    found, recorder = await lookup("CF10 1AA", httpx.ReadTimeout("slow"), postcode_found("Scotland"))
    assert found == "scotland"
    assert len(recorder.requests) == 2


async def test_two_timeouts_give_up_after_exactly_two_calls() -> None:
    found, recorder = await lookup(
        "CF10 1AA", httpx.ConnectTimeout("slow"), httpx.ReadTimeout("slow"), postcode_found("Wales")
    )
    assert found is None
    assert len(recorder.requests) == 2


async def test_connection_error_is_retried_once() -> None:
    found, recorder = await lookup("Cardiff", httpx.ConnectError("refused"), places_found(("Cardiff", "Wales")))
    assert found == "wales"
    assert len(recorder.requests) == 2
    found, recorder = await lookup("Cardiff", httpx.ConnectError("refused"))
    assert found is None
    assert len(recorder.requests) == 2


async def test_server_error_then_success() -> None:
    found, recorder = await lookup("EH1 1YZ", httpx.Response(503), postcode_found("Scotland"))
    assert found == "scotland"
    assert len(recorder.requests) == 2


async def test_two_server_errors_give_up() -> None:
    found, recorder = await lookup("EH1 1YZ", httpx.Response(500), httpx.Response(502), postcode_found("Scotland"))
    assert found is None
    assert len(recorder.requests) == 2


@pytest.mark.parametrize("status", [400, 403, 429])
async def test_other_client_errors_are_none_without_retry(status: int) -> None:
    found, recorder = await lookup("EH1 1YZ", httpx.Response(status), postcode_found("Scotland"))
    assert found is None
    assert len(recorder.requests) == 1


async def test_an_unexpected_error_never_reaches_the_caller() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("bug in a transport")

    async with httpx.AsyncClient(transport=httpx.MockTransport(broken)) as client:
        assert await nation_for_place("EH1 1YZ", client=client) is None


async def test_each_attempt_has_a_two_second_timeout() -> None:
    recorder = Recorder(postcode_found("Wales"))
    # Even a client configured otherwise: the lookup sets its own timeout on every request.
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder), timeout=30) as client:
        await nation_for_place("CF10 1AA", client=client)
    assert recorder.requests[0].extensions["timeout"] == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}


# What the input cannot do ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "../admin",
        "../../postcodes/CF101AA",
        "Cardiff?x=1",
        "Cardiff&limit=1000",
        "Cardiff#frag",
        "CF10 1AA/../x",
        "%2e%2e/secret",
        "Cardiff/",
    ],
)
async def test_path_tricks_are_not_even_sent(text: str) -> None:
    found, recorder = await lookup(text, places_found(("Cardiff", "Wales")))
    assert found is None
    assert recorder.requests == []


@pytest.mark.parametrize(
    "text",
    ["../../admin?x=1", "Cardiff?limit=1000&q=Belfast", "x/../../postcodes/BT71NN#y", "%2e%2e%2fsecret", "a b+c"],
)
async def test_even_a_name_let_through_cannot_change_the_request_target(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    # The place-name filter stops all of these; without it, encoding alone must still hold.
    monkeypatch.setattr(postcodes, "_place_name", lambda value: value)
    _, recorder = await lookup(text, places_found(("Cardiff", "Wales")))
    [request] = recorder.requests
    assert (request.url.scheme, request.url.host, request.url.path) == ("https", "api.postcodes.io", "/places")
    assert request.url.fragment == ""
    assert list(request.url.params.multi_items()) == [("q", text), ("limit", str(postcodes.PLACE_MATCHES))]


async def test_a_postcode_is_sent_in_its_compact_form_only() -> None:
    _, recorder = await lookup(" sw1a \t 1aa ", postcode_found("England"))
    [request] = recorder.requests
    assert request.url.raw_path == b"/postcodes/SW1A1AA"


async def test_a_base_url_with_a_trailing_slash() -> None:
    recorder = Recorder(postcode_found("Wales"))
    async with recorder.client() as client:
        assert await nation_for_place("CF10 1AA", client=client, base_url="http://localhost:8000/") == "wales"
    assert str(recorder.requests[0].url) == "http://localhost:8000/postcodes/CF101AA"


async def test_without_a_client_it_makes_and_closes_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder(postcode_found("Wales"))
    made: list[httpx.AsyncClient] = []

    def make_client() -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        made.append(client)
        return client

    monkeypatch.setattr(postcodes, "make_client", make_client)
    assert await nation_for_place("CF10 1AA") == "wales"
    assert made[0].is_closed


async def test_the_default_client() -> None:
    async with postcodes.make_client() as client:
        assert client.timeout == httpx.Timeout(2.0)
        assert client.headers["User-Agent"].startswith("Reclaim/")


# Privacy ---------------------------------------------------------------------------------------------

# Every outcome: found, not found, timeouts, connection error then success, server errors, bad JSON, a bug.
LEAKY_ANSWERS: dict[str, Callable[[], tuple[httpx.Response | Exception, ...]]] = {
    "found": lambda: (postcode_found("Wales"),),
    "not found": lambda: (not_found(),),
    "timeouts": lambda: (httpx.ReadTimeout("timed out"), httpx.ReadTimeout("timed out")),
    "connection error": lambda: (httpx.ConnectError("connection refused"), postcode_found("Wales")),
    "server errors": lambda: (httpx.Response(503), httpx.Response(500)),
    "bad json": lambda: (httpx.Response(200, content=b"not json"),),
    "bug": lambda: (RuntimeError("boom: /postcodes/CF101AA"),),
}


@pytest.mark.parametrize("outcome", LEAKY_ANSWERS)
@pytest.mark.parametrize("text", ["CF10 1AA", "cf10", "Llanfairpwllgwyngyll"])
async def test_the_postcode_never_appears_in_any_log_record(
    caplog: pytest.LogCaptureFixture, text: str, outcome: str
) -> None:
    caplog.set_level(logging.DEBUG)
    found, recorder = await lookup(text, *LEAKY_ANSWERS[outcome]())
    assert recorder.requests, "the lookup was made"
    secrets = {text.upper(), "".join(text.split()).upper(), text.split()[0].upper()}
    for record in caplog.records:
        logged = " ".join(
            str(part) for part in (record.getMessage(), record.exc_text, record.stack_info, vars(record))
        ).upper()
        for secret in secrets:
            assert secret not in logged, (
                f"{secret!r} leaked into {record.levelname} record {record.name}: {record.getMessage()!r}"
            )
    if found is None:
        assert any("lookup" in record.getMessage() for record in caplog.records), (
            "a failure leaves an outcome-only log line"
        )


async def test_the_log_line_says_what_happened(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="actions.postcodes")
    await lookup("CF10 1AA", httpx.ReadTimeout("slow"))
    assert [record.getMessage() for record in caplog.records if record.name == "actions.postcodes"] == [
        "postcode lookup failed: timeout"
    ]


async def test_httpx_request_logging_is_only_silenced_for_lookups(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://example.org/other")
    assert any("example.org/other" in record.getMessage() for record in caplog.records if record.name == "httpx")
