"""Welsh (Cymraeg) and Welsh-English messages for the crisis safety net (issue 16, the safety-critical
slice): a Welsh crisis message must get the crisis answer, ordinary Welsh about the images or everyday
sadness must not.

Every message was written for this test, not copied from the lexicon: other word orders, mutations
(lladd/ladd, marw/farw, brifo/frifo/mrifo, taro/nharo, perygl/berygl), north and south forms
(isio/eisiau/moyn, tu allan/tu fas), texting spellings ("dwi", "isio", "eisie"), missing accents and
English mixed in. The Welsh lexicon section is `review: pending` until a Welsh speaker signs it off."""

from __future__ import annotations

import pytest

from bot.components.crisis_matcher import CrisisMatcher
from tests.bot.understanding.test_crisis_matcher import load_lexicon


@pytest.fixture(scope="module")
def matcher() -> CrisisMatcher:
    lexicon = load_lexicon()
    return CrisisMatcher.from_lexicon(lexicon["categories"], lexicon.get("word_sets"))


WELSH_SUICIDE_OR_SELF_HARM = [
    # wanting to die, killing myself
    "dw i jyst isio marw",
    "dwi eisie marw",
    "sa i'n gwybod be i neud, dw i moyn marw",
    "honestly dw i eisiau marw",
    "dw i eisiau marw honestly",
    "wanna marw tbh",
    "dwi isio kill myself",
    "mae pawb wedi gweld y lluniau a dwi isio marw",
    "hoffwn i farw",
    "dw i'n barod i farw",
    "dwi'n mynd i ladd fy hun heno",
    "dw i am ladd fy hunan",
    "dwi di trio lladd fy hun llynedd",
    "os bydd o'n postio nhw dwi'n mynd i nladd fy hun",
    "dw i wedi meddwl am ladd fy hun",
    "meddyliau hunanladdol eto heno",
    "dw i'n teimlo'n hunanladdol",
    "dwi'n meddwl am hunanladdiad drwy'r amser",
    "dw i eisiau gorffen fy mywyd",
    "dwi am ddiweddu fy mywyd",
    "dw i'n mynd i gymryd fy mywyd fy hun",
    "dw i eisiau rhoi diwedd ar y cyfan",
    "dwi isio i bopeth ddod i ben",
    "dwi ddim isio byw",
    "dw i ddim eisiau byw rhagor",
    "sa i moyn byw dim mwy",
    "dim eisiau byw",
    "does dim pwynt byw",
    "dwi ddim isio bod yma ddim mwy",
    "dw i wedi blino ar fyw",
    "fydd neb yn gweld fy eisiau i",
    "byddai pawb yn well hebddo i",
    "bydde pawb yn well off heb fi",
    "dw i'n faich ar bawb",
    "fydda i ddim yma yfory",
    "dw i eisiau mynd i gysgu a pheidio deffro",
    "methu mynd ymlaen fel hyn",
    "dwi ddim yn gallu byw fel hyn",
    "ffarwel am byth",
    "dw i wedi ysgrifennu nodyn i bawb",
    "wedi cynllunio sut i wneud o",
    "dw i wedi cymryd llwyth o dabledi",
    "dwi newydd lyncu'r tabledi i gyd",
    "wedi cymryd gorddos",
    # self-harm
    "dw i'n niweidio fy hun",
    "dwi wedi bod yn hunan-niweidio eto",
    "hunan niweidio",
    "dwi'n torri fy hun bob nos",
    "wedi brifo fy hun yn fwriadol",
    "dw i isio frifo fy hun",
    "dwi di llosgi fy hun efo taniwr",
    "mae gen i greithiau ar fy mreichiau",
    "dwi wedi bod yn cutio eto",
    "dw i'n mynd i ladd fy hun os gwelith mam y lluniau",
    "dwin meddwl am farw trwyr amser",
    "dw i isho marw",
    "sa i moyn bod yn fyw",
]

WELSH_IMMEDIATE_DANGER = [
    "mae e'n mynd i'n lladd i",
    "mae o'n mynd i'n lladd i",
    "mae o am fy lladd i heno",
    "mae e wedi bygwth fy lladd",
    "bydd e'n fy lladd i os ffeindith o allan",
    "mae fy nghyn-gariad yn mynd i fy mrifo",
    "mae'n cyn wedi dweud ei fod o am ladd fi",
    "mae e tu allan",
    "mae o tu allan i'r tŷ",
    "mae o tu allan i'r ty rwan",
    "mae e'n sefyll tu fas",
    "mae o'n dal tu allan",
    "mae e tu allan i fy nhŷ",
    "helpwch fi mae o yma",
    "help plis mae o yma",
    "mae o yma rwan",
    "mae e ar ei ffordd yma",
    "dw i mewn perygl",
    "dwi mewn perygl",
    "dw i'n credu bo fi mewn berygl",
    "mae fy mywyd mewn perygl",
    "dwi ofn am fy mywyd",
    "dydw i ddim yn ddiogel",
    "dwi ddim yn teimlo'n ddiogel adra",
    "mae e wedi fy nharo",
    "mae o wedi fy nharo i eto",
    "nath o fy mwrw",
    "mae e wedi hitio fi",
    "mae o'n fy nghuro i",
    "mae o wedi fy nhagu",
    "ges i fy nhreisio neithiwr",
    "roedd ei ddwylo fe am fy ngwddf",
    "mae gynno fo gyllell",
    "mae e'n curo ar y drws a gweiddi",
    "mae e wedi fy nghloi i mewn",
    "mae e'n trio torri mewn i'r ty",
    "mae'r boi yn dal tu allan",
    "mae fy nghyn wedi bygwth fy lladd i",
    "mae o'n deud bo fo am fy lladd i",
    "plis helpwch fi mae e yma",
    "mae e'n mynd i frifo fi",
    "dydy o ddim yn gadael i fi adael",
    "dw i'n cuddio rhagddo fe yn y toiled",
    "ffoniwch 999",
    "dw i angen yr heddlu rwan",
]

# Written as a held-out set, but two of them shaped the lexicon while it was written, so they are
# development examples now. A truly held-out Welsh set must come from someone who has not seen the
# lexicon (issue 16).
WELSH_SEEN_DURING_DEVELOPMENT = [
    "dw i wir isio marw ar ol beth wnaeth o",
    "mae pawb wedi gweld y fideo, sa i moyn byw rhagor",
    "dwi'n meddwl lladd fy hun heno",
    "ar fin ladd fy hunan, sori",
    "hunanladdiad yw'r unig ffordd allan",
    "dwi eisie diweddu fy mywyd cyn i mam weld",
    "does dim pwynt byw ar ol hyn i gyd",
    "fydd neb yn gweld fy eisiau os a i",
    "dwi di bod yn brifo fy hun ers i'r lluniau fynd allan",
    "wedi torri fy hun eto neithiwr",
    "dw i wedi llyncu llwyth o dabledi",
    "ffarwel i bawb, sori am bopeth",
    "mae e'n mynd i'n lladd i pan ddaw e adre",
    "mae fy nghyn-gariad tu allan i'r fflat a dw i ofn",
    "mae o wedi fy nharo i a dw i'n gwaedu",
    "dw i mewn perygl, plis helpwch",
    "help mae o yma eto",
    "mae ganddo fe gyllell",
    "wanna marw so bad rn",
    "dwi isio kill myself ar ol be ddigwyddodd",
]


WELSH_ORDINARY = [
    # about the images
    "mae fy nghyn-gariad wedi rhannu lluniau noeth ohonof ar-lein",
    "mae o wedi bygwth rhannu'r lluniau",
    "dw i eisiau i'r lluniau gael eu tynnu lawr",
    "sut dw i'n riportio hyn i'r heddlu",
    "ddylwn i ffonio'r heddlu am y lluniau",
    "dwi ddim yn teimlo'n ddiogel ar-lein",
    "dw i ddim yn teimlo'n saff yn postio dim byd",
    "mae o wedi ymosod arna i ar-lein",
    "mae'r llun yma ar instagram",
    "mae o yma ar insta",
    "mae'r ddolen yma",
    "dw i eisiau cymryd fy mywyd yn ôl",
    "mae fy nilyn i ar instagram",
    "mae o'n fy nilyn ar-lein efo cyfrif ffug",
    # everyday sadness
    "dw i wedi blino",
    "mae hyn yn ofnadwy",
    "dw i'n drist",
    "dw i'n teimlo'n isel heddiw",
    "dwi'n teimlo'n wan",
    "mae cywilydd arna i",
    "dw i eisiau marw o gywilydd",
    "bu farw fy nain y llynedd",
    "bu farw taid ddoe a dw i'n drist",
    "mae'r ffôn wedi marw",
    "mae batri'r ffôn wedi marw eto",
    "roedd hi'n bwrw glaw trwy'r dydd",
    "lladd amser yn y dre",
    "dw i jyst yn lladd amser",
    "mae hyn yn fy lladd i",
    "mae'r gwaith cartref yn fy lladd i",
    "bydd mam yn fy lladd i",
    "mae dad am fy lladd i am ddod adre'n hwyr",
    "marw chwerthin",
    "dw i'n marw isio bwyd",
    "wedi torri fy hun i ffwrdd oddi wrth bawb",
    "wnes i frifo fy hun yn y gampfa",
    "dw i wedi torri fy ffôn",
    "mae'r ffôn wedi torri eto",
    "dw i wedi torri fy mraich",
    "dwi ddim isio byw efo fo rhagor",
    "dw i ddim eisiau byw yng Nghaerdydd",
    "dw i mewn perygl o golli fy swydd",
    "mae o tu allan yn chwarae efo'r plant",
    "mae'r ci tu allan",
    "dw i'n byw deg munud o yma",
    "dw i'n byw ar fy mhen fy hun",
    "gallwn i gysgu am byth, dw i mor flinedig",
    "hwyl fawr, siarad fory",
    "dyma fy neges olaf am heno",
    "dw i wedi cymryd paracetamol am gur pen",
    "mae'r syniad wedi fy nharo i",
    "mae'n fy nharo i fod hyn yn annheg",
    "nath o fy nghuro i mewn gwyddbwyll",
    "mae e'n mynd i fwrw glaw",
    "mae hi'n bwrw eira",
    "o'n i'n meddwl am fynd allan heno",
    "dyw e ddim yn mynd i fy mrifo i",
    "mae o'n dod adre am de",
    "dw i angen help i riportio hyn",
    "mae'n anodd cario mlaen efo'r gwaith",
    "roedd o'n curo ar y drws i ddosbarthu parsel",
    "dwi isio dy weld di",
    "mae o'n dod draw i helpu",
    "mae e ar ei ffordd i'r gwaith",
    "mae hyn yn torri fy nghalon",
    "does dim pwynt riportio",
    "dw i'n casau fy hun",
    "ffarwel i'r hen fywyd, dw i wedi dileu snapchat",
    "dwi ddim eisiau i mam wybod",
]

# Decisions on ambiguous messages (see the lexicon's Welsh header).
WELSH_DECISIONS = [
    ("bu farw fy nain y llynedd", False),  # bereavement, not a crisis
    ("mae'r ffôn wedi marw", False),  # the phone died
    ("lladd amser", False),  # killing time
    ("bydd mam yn fy lladd i", False),  # parents, a figure of speech, as in English
    ("dw i ddim eisiau marw", True),  # as in English: "I don't want to die" fires
    ("mae o tu allan", True),  # may be the dog; may be the abuser: a miss costs more
    ("fydda i ddim yma yfory", True),  # as "I won't be here tomorrow"
]


@pytest.mark.parametrize("message", WELSH_SUICIDE_OR_SELF_HARM)
def test_fires_on_welsh_suicide_and_self_harm(matcher: CrisisMatcher, message: str) -> None:
    found = matcher.find(message)
    assert found is not None, f"missed: {message!r}"
    assert found.category == "suicide_or_self_harm", (message, found)


@pytest.mark.parametrize("message", WELSH_IMMEDIATE_DANGER)
def test_fires_on_welsh_immediate_danger(matcher: CrisisMatcher, message: str) -> None:
    found = matcher.find(message)
    assert found is not None, f"missed: {message!r}"
    assert found.category == "immediate_danger", (message, found)


@pytest.mark.parametrize("message", WELSH_SEEN_DURING_DEVELOPMENT)
def test_fires_on_welsh_examples_seen_while_writing_the_lexicon(matcher: CrisisMatcher, message: str) -> None:
    assert matcher.find(message) is not None, message


@pytest.mark.parametrize("message", WELSH_ORDINARY)
def test_quiet_on_ordinary_welsh(matcher: CrisisMatcher, message: str) -> None:
    found = matcher.find(message)
    assert found is None, f"false alarm on {message!r}: {found}"


@pytest.mark.parametrize(("message", "fires"), WELSH_DECISIONS)
def test_decisions_on_ambiguous_welsh_messages(matcher: CrisisMatcher, message: str, fires: bool) -> None:
    assert (matcher.find(message) is not None) is fires


def test_the_welsh_example_lists_are_broad() -> None:
    assert len(WELSH_SUICIDE_OR_SELF_HARM) + len(WELSH_IMMEDIATE_DANGER) >= 40
    assert len(WELSH_ORDINARY) >= 40


def test_accents_are_optional(matcher: CrisisMatcher) -> None:
    assert matcher.find("mae e tu allan i fy nhŷ") is not None
    assert matcher.find("mae e tu allan i fy nhy") is not None
