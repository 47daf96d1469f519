"""Which UK nation a postcode or town is in, from postcodes.io, keeping nothing but the nation.

`nation_for_place(text)` answers one of the UK nations of data/vocabulary.yml ("england", "wales",
"scotland", "northern_ireland") or "outside_uk" (the Channel Islands and the Isle of Man are not part of
the UK, and their law differs), or None when it cannot tell: the bot then asks for the nation instead.
It never raises.

What is sent, and where:

- a full postcode ("CF10 1AA", "bt71nn") -> GET /postcodes/{postcode} -> result.country
- an outward code on its own ("CF10", "SW1A") -> GET /outcodes/{outcode} -> result.country, a list:
  the nation only when every postcode in the district is in the same one (some districts cross the
  England-Wales border). Half a postcode is not a full one (`looks_like_uk_postcode("CF10")` is
  False), but it is what a careful person may choose to share, and it still settles the nation.
- anything shaped like a place name ("Cardiff", "Stratford-upon-Avon") -> GET /places?q=...: the
  nation only when the places named exactly that agree. "Newport" is in Wales and in England, so it
  gets None rather than a guess that would explain the wrong law. postcodes.io's places come from
  OS Open Names, which covers Great Britain only: a town in Northern Ireland gets None (its postcodes
  work).
- anything else (a sentence, digits, an email address) is not sent anywhere: None.

Privacy: the postcode or place is used for one request and dropped. It is never stored, returned or
logged, not even on failure: log lines carry only the outcome ("postcode lookup failed: timeout"),
and httpx's own request log lines (which contain the URL, so the postcode) are suppressed for these
requests.

Each attempt has a 2-second timeout; a timeout, a connection error or a 5xx gets exactly one retry.
A 404 (no such postcode or place) is an answer, not a failure, and is not retried.
"""

from __future__ import annotations

import contextvars
import logging
import re
import unicodedata
from typing import Any, Final, Literal
from urllib.parse import quote

import httpx

from actions.vocabulary import OUTSIDE_UK, UK_NATIONS

logger = logging.getLogger(__name__)

Nation = str  # one of UK_NATIONS, or OUTSIDE_UK
Kind = Literal["postcode", "outcode", "place"]

BASE_URL: Final = "https://api.postcodes.io"
TIMEOUT_SECONDS: Final = 2.0
RETRIES: Final = 1
# No personal data and nothing that identifies the deployment: the product and its version only.
USER_AGENT: Final = "Reclaim/1.0 (open-source support chatbot)"
# Enough places to see whether a name is ambiguous ("Newport"), few enough to stay a small request.
PLACE_MATCHES: Final = 10

# postcodes.io's country names, lower-cased: each UK nation by its name ("northern ireland"), and the Crown
# Dependencies it also covers.
NATION_OF_COUNTRY: Final[dict[str, Nation]] = {
    **{nation.replace("_", " "): nation for nation in UK_NATIONS},
    "channel islands": OUTSIDE_UK,
    "isle of man": OUTSIDE_UK,
}

# The outward code: area (1-2 letters) then district. Letters are restricted by position as Royal Mail
# allocates them (no Q, V or X first; no I, J or Z second; ...). Matched after removing all whitespace
# and upper-casing, so "sw1a1aa", "SW1A 1AA" and "SW1A  1AA" are the same postcode.
_OUTWARD = r"(?:[A-PR-UWYZ](?:[0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9]{1,2}|[A-HK-Y][0-9][ABEHMNPRV-Y]))"
# The inward code: sector digit then unit (never C, I, K, M, O or V).
_INWARD = r"(?:[0-9][ABD-HJLNP-UW-Z]{2})"
_POSTCODE = re.compile(rf"(?:{_OUTWARD}{_INWARD}|GIR0AA)")
_OUTCODE = re.compile(_OUTWARD)
# A place name: starts with a letter; letters, spaces, hyphens, apostrophes and full stops; at most six
# words. Nothing longer or stranger (a whole message, an address) is sent to a third party.
_PLACE_CHARS = re.compile(r"[^\W\d_]+(?:[ .'’-]+[^\W\d_]+)*\.?")
_MAX_PLACE_LENGTH = 60
_MAX_PLACE_WORDS = 6

# True while this module's own request is in flight (contextvars follow the asyncio task).
_LOOKUP_IN_PROGRESS: contextvars.ContextVar[bool] = contextvars.ContextVar("_LOOKUP_IN_PROGRESS", default=False)


class _HideLookupTraffic(logging.Filter):
    """Drops httpx/httpcore log records made during a lookup: httpx logs every request URL at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _LOOKUP_IN_PROGRESS.get()


# Logger filters apply only to records logged on that exact logger, so each one is named.
for _name in ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy"):
    logging.getLogger(_name).addFilter(_HideLookupTraffic())
del _name


class _LookupFailed(Exception):
    """An outcome worth retrying or reporting; its message is safe to log (it never holds the input)."""


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


def looks_like_uk_postcode(text: str) -> bool:
    """Whether `text` is a full UK postcode, ignoring case and spaces ("bt71nn", "EH1 1YZ").

    An outward code on its own ("CF10") is not a full postcode: see `looks_like_uk_outcode`.
    """
    return bool(_POSTCODE.fullmatch(_compact(text)))


def looks_like_uk_outcode(text: str) -> bool:
    """Whether `text` is the outward half of a UK postcode on its own ("CF10", "sw1a")."""
    return bool(_OUTCODE.fullmatch(_compact(text)))


def _place_name(text: str) -> str | None:
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not 2 <= len(name) <= _MAX_PLACE_LENGTH or len(name.split()) > _MAX_PLACE_WORDS:
        return None
    return name if _PLACE_CHARS.fullmatch(name) else None


def _folded(name: str) -> str:
    """A place name as postcodes.io compares them: lower case, no apostrophes, hyphens as spaces."""
    name = unicodedata.normalize("NFKD", name.casefold())
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"['’.]", "", name).replace("-", " ")
    return " ".join(name.split())


def make_client() -> httpx.AsyncClient:
    """The client `nation_for_place` uses when it is not given one: share it between lookups if you can."""
    return httpx.AsyncClient(timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT})


async def nation_for_place(
    text: str,
    *,
    client: httpx.AsyncClient | None = None,
    base_url: str = BASE_URL,
) -> Nation | None:
    """The nation of a UK postcode, outward code or place name, or None when it cannot be told.

    Never raises (except for cancellation) and never logs, stores or returns `text`.
    """
    request = _request_for(text, base_url.rstrip("/"))
    if request is None:
        return None
    kind, url, params = request
    try:
        if client is None:
            async with make_client() as own_client:
                payload = await _get_json(own_client, url, params)
        else:
            payload = await _get_json(client, url, params)
        if payload is None:
            logger.info("%s lookup: not found", kind)
            return None
        nation = _nation_in(kind, payload, text)
    except _LookupFailed as failure:
        logger.warning("%s lookup failed: %s", kind, failure)
        return None
    except Exception as error:  # noqa: BLE001 - the conversation must go on; the nation is then asked.
        # Only the type: an exception's message may contain the URL, and so the postcode.
        logger.warning("%s lookup failed: unexpected %s", kind, type(error).__name__)
        return None
    if nation is None:
        logger.info("%s lookup: no single UK nation", kind)
    return nation


def _request_for(text: str, base_url: str) -> tuple[Kind, str, dict[str, str | int] | None] | None:
    """What to ask postcodes.io for `text`, or None when it should not be sent at all."""
    if not isinstance(text, str) or not text.strip():
        return None
    compact = _compact(text)
    if _POSTCODE.fullmatch(compact):
        return "postcode", f"{base_url}/postcodes/{quote(compact, safe='')}", None
    if _OUTCODE.fullmatch(compact):
        return "outcode", f"{base_url}/outcodes/{quote(compact, safe='')}", None
    name = _place_name(text)
    if name is None:
        return None
    # The name goes in the query string, encoded by httpx: it can never change the path.
    return "place", f"{base_url}/places", {"q": name, "limit": PLACE_MATCHES}


async def _get_json(client: httpx.AsyncClient, url: str, params: dict[str, str | int] | None) -> Any | None:
    """The decoded JSON body, None on 404; `_LookupFailed` once the retry is spent or on any other status."""
    for attempt in range(RETRIES + 1):
        last = attempt == RETRIES
        token = _LOOKUP_IN_PROGRESS.set(True)
        try:
            response = await client.get(url, params=params, timeout=TIMEOUT_SECONDS)
        except httpx.TimeoutException:
            if last:
                raise _LookupFailed("timeout") from None
            continue
        except httpx.TransportError as error:
            if last:
                raise _LookupFailed(f"connection error ({type(error).__name__})") from None
            continue
        finally:
            _LOOKUP_IN_PROGRESS.reset(token)
        if response.status_code == 404:
            return None
        if response.status_code >= 500 and not last:
            continue
        if response.status_code != 200:
            raise _LookupFailed(f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise _LookupFailed("malformed response") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _nation(country: Any) -> Nation | None:
    return NATION_OF_COUNTRY.get(country.strip().casefold()) if isinstance(country, str) else None


def _nation_in(kind: Kind, payload: Any, text: str) -> Nation | None:
    """The nation in a postcodes.io answer; `_LookupFailed` when the answer is not shaped as documented."""
    if not isinstance(payload, dict) or "result" not in payload:
        raise _LookupFailed("malformed response")
    result = payload["result"]
    if kind == "postcode":
        if not isinstance(result, dict):
            raise _LookupFailed("malformed response")
        return _nation(result.get("country"))
    if kind == "outcode":
        if not isinstance(result, dict):
            raise _LookupFailed("malformed response")
        countries = result.get("country")
        countries = [countries] if isinstance(countries, str) else countries
        if not isinstance(countries, list):
            raise _LookupFailed("malformed response")
        nations = {_nation(country) for country in countries}
        return nations.pop() if len(nations) == 1 else None
    # Places: postcodes.io answers null (or []) when nothing matches, and may match on a prefix or on
    # some of the words ("Bath" -> "Bathgate"), so only places named exactly what was asked count.
    if result is None:
        return None
    if not isinstance(result, list):
        raise _LookupFailed("malformed response")
    wanted = _folded(text)
    nations = {
        _nation(place.get("country"))
        for place in result
        if isinstance(place, dict)
        and any(isinstance(place.get(key), str) and _folded(place[key]) == wanted for key in ("name_1", "name_2"))
    }
    return nations.pop() if len(nations) == 1 else None
