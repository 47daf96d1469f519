"""Routes a person to their next steps: a pure function from the facts to an ordered plan.

Order: urgent safety first (999 when in danger; "don't pay" when threatened), then what the person
asked for, then removal, support and the police route for their nation. The age rules must never be
wrong: StopNCII only for images taken at 18 or over; Take It Down and Report Remove when the person was
under 18 in the images; never "keep screenshots" for an image of an under-18. Sextortion takes a fast
path: don't pay, stop contact, keep evidence, report, then hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.person import Facts
from actions.vocabulary import NOT_ONLINE, OUTSIDE_UK, PLATFORMS

# Platforms whose own report route we list; "none", "not_sure" and "not_said" are answers, not platforms.
SEARCH_ENGINES = ("google", "bing")
DOMESTIC_ABUSE_LINES = {
    "england": "national_domestic_abuse_helpline",
    "wales": "live_fear_free",
    "scotland": "scotland_domestic_abuse_helpline",
    "northern_ireland": "ni_domestic_sexual_abuse_helpline",
}


@dataclass(frozen=True)
class Step:
    """A template key (data/content/summary.yml) and the service or platform it names, if any."""

    template: str
    service: str | None = None
    platform: str | None = None


def plan(case: Facts) -> list[Step]:
    situations = set(case.situations)
    images_of_them = bool(situations - {"cyberflashing"}) or not situations
    under_18_now = case.under_18_now
    image_under_18 = case.image_under_18
    image_age_unknown = not case.image_age_known
    threatened = "threat_to_share" in situations
    sextortion = threatened and case.demand is not None  # a canonical demand (Facts.from_slots)

    safety: list[Step] = []
    if case.danger:
        safety.append(Step("danger_999", "emergency_999"))
    if threatened:
        safety.append(Step("threat_first"))

    removal: list[Step] = []
    evidence: list[Step] = []
    if images_of_them:
        if under_18_now:
            removal += [Step("under_18_remove", "report_remove"), Step("under_18_hash", "take_it_down")]
        elif image_under_18:
            removal.append(Step("under_18_hash", "take_it_down"))
        else:
            # StopNCII's own sources conflict on AI-made images, so it is not suggested for them alone.
            if situations != {"fake_images"}:
                removal.append(Step("adult_hash", "stopncii"))
            if image_age_unknown:
                removal.append(Step("under_18_hash", "take_it_down"))
        removal += _platform_steps(case, situations)
        if case.platform_refused:
            removal.append(Step("escalate", "report_harmful_content"))
        if image_under_18:
            evidence.append(Step("under_18_evidence"))
        elif not image_age_unknown:
            evidence.append(Step("adult_evidence"))

    support: list[Step] = []
    if under_18_now:
        support.append(Step("young_helpline", "childline"))
    elif images_of_them:
        support.append(Step("adult_helpline", "revenge_porn_helpline"))
    else:
        support.append(Step("emotional_support", "samaritans"))
    if case.age_unknown:
        # They may be a child: never leave them with adult-only services.
        support.append(Step("unknown_age_helpline", "childline"))
    support += _specialist_lines(case)
    if case.supporter and image_under_18:
        support.append(Step("supporter_helpline", "nspcc_helpline"))

    police = _police_steps(case, situations, under_18_now)
    if image_under_18:
        # "Don't screenshot, save or forward" must come before anyone acts: that can itself be a crime.
        safety, evidence = safety + evidence, []
    if under_18_now:
        # A child or young person hears first about someone they can talk to, right after safety.
        safety, support = safety + support, []
    if sextortion:
        # Fast path, whatever else they asked for: don't pay, stop contact, keep evidence
        # (threat_first), report, then hash.
        return _unique(safety + police + removal + evidence + support)
    return _unique(safety + _what_they_asked_for_first(removal + evidence + support + police, case.goal))


def _platform_steps(case: Facts, situations: set[str]) -> list[Step]:
    only_fake = situations == {"fake_images"}
    named = [p for p in case.platforms if p in PLATFORMS]
    steps = [
        Step("platform_report_fake" if only_fake else "platform_report", platform=p)
        for p in named
        if p not in SEARCH_ENGINES
    ]
    not_online = tuple(case.platforms) == (NOT_ONLINE,)
    if not not_online and (
        any(p in SEARCH_ENGINES for p in named) or situations & {"fake_images", "shared_without_consent"}
    ):
        steps.append(Step("search_removal", "google_remove_fake" if only_fake else "google_remove_intimate"))
    return steps


def _specialist_lines(case: Facts) -> list[Step]:
    steps: list[Step] = []
    if case.perpetrator == "partner_or_ex" and case.nation in DOMESTIC_ABUSE_LINES and not case.under_18_now:
        if "men" in case.audiences:
            steps.append(Step("specialist_helpline", "mens_advice_line"))
        # England's national line is for women; the Welsh, Scottish and Northern Irish lines are for anyone.
        if case.nation != "england" or "men" not in case.audiences:
            steps.append(Step("domestic_abuse_helpline", DOMESTIC_ABUSE_LINES[case.nation]))
    if "lgbt" in case.audiences and not case.under_18_now:
        steps.append(Step("specialist_helpline", "galop"))
    return steps


def _police_steps(case: Facts, situations: set[str], under_18_now: bool) -> list[Step]:
    if case.danger:
        return []  # 999 already comes first
    wants_police = case.goal == "report_police"
    # Taking images, sending them unasked and threatening to share are crimes the police should hear
    # about; sextortion especially (NCA advice).
    if not (wants_police or situations & {"taken_without_consent", "cyberflashing", "threat_to_share"}):
        return []
    if case.nation == OUTSIDE_UK:
        return [Step("police_outside_uk")]
    if under_18_now and "threat_to_share" in situations:
        return [Step("ceop", "ceop")]
    return [Step("police", "police_101")]


# The steps that answer each "What would help most?" choice: they come straight after safety (999,
# "don't pay", and for under-18s, Childline).
_GOAL_STEPS = {
    "report_police": {"police", "ceop", "police_outside_uk"},
    "remove": {"under_18_remove", "under_18_hash", "adult_hash", "platform_report", "platform_report_fake"},
    "talk_to_someone": {
        "young_helpline",
        "adult_helpline",
        "unknown_age_helpline",
        "emotional_support",
        "domestic_abuse_helpline",
        "specialist_helpline",
    },
    "keep_evidence": {"adult_evidence", "under_18_evidence"},
}


def _what_they_asked_for_first(steps: list[Step], goal: str | None) -> list[Step]:
    wanted = _GOAL_STEPS.get(goal or "", set())
    return [step for step in steps if step.template in wanted] + [step for step in steps if step.template not in wanted]


def _unique(steps: list[Step]) -> list[Step]:
    return list(dict.fromkeys(steps))
