"""Where the personal details are in a resident's text, and the text with them replaced by labels.

Presidio's analyzer (on blank spaCy pipelines, see `recognisers.presidio`) finds e-mail addresses, phone numbers,
identity, card and bank numbers and IP addresses with its own recognisers, and street addresses, licence plates,
dates of birth, badge numbers and names with ours (`recognisers.rules`). Names come from name lists, cues
(titles, ranks, introductions) and capitalised words that are not ordinary vocabulary; it errs on the side of
hiding, and a moderator still reads every text before it is published.

When Presidio cannot load or fails on a text, the same rules run on their own: a text is never returned
unredacted because of an error, and `status()` says which engine is in use.
"""

import logging
import threading
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import language as languages
from .recognisers import rules

log = logging.getLogger(__name__)

# Raise whenever a rule, word list or threshold changes what is found: stored analyses are then re-run.
RULES_VERSION = "2026.11.1"
MIN_SCORE = 0.35

LABELS = {
    "name": _("[name]"),
    "phone": _("[phone number]"),
    "email": _("[e-mail address]"),
    "address": _("[street address]"),
    "plate": _("[licence plate]"),
    "date_of_birth": _("[date of birth]"),
    "badge": _("[badge number]"),
    "identity_number": _("[identity number]"),
    "credit_card": _("[card number]"),
    "bank_account": _("[bank account]"),
    "ip_address": _("[IP address]"),
    "contact": _("[personal detail]"),
}
# When two kinds claim the same span, the more specific one names it.
PRIORITY = ["email", "identity_number", "credit_card", "bank_account", "ip_address", "phone", "date_of_birth",
            "badge", "plate", "address", "name", "contact"]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str
    score: float


@dataclass(frozen=True)
class Status:
    ready: bool
    engine: str
    message: str


_lock = threading.Lock()
_analyzer = None
_failure = ""


def _load():
    global _analyzer, _failure
    if _analyzer is not None or _failure:
        return _analyzer
    with _lock:
        if _analyzer is None and not _failure:
            try:
                from .recognisers import presidio

                rules.wordlists.warm()
                _analyzer = presidio.build()
            except Exception as error:  # noqa: BLE001 - any failure means the rules run alone
                log.warning("Presidio could not be loaded; personal details are found by the rules alone: %s",
                            error)
                _failure = f"{type(error).__name__}: {error}"
    return _analyzer


def status() -> Status:
    """Which engine finds personal details, in words for staff pages."""
    if _load() is not None:
        return Status(True, "presidio", str(_("Personal details are found by Presidio with our recognisers for "
                                               "names, addresses, licence plates, dates of birth and badge "
                                               "numbers.")))
    return Status(False, "rules", str(_("The full detector of personal details could not be started (%(error)s). "
                                        "E-mail addresses, phone numbers, addresses, plates, dates of birth, "
                                        "badge numbers and names after a title or an introduction are still "
                                        "hidden by simpler rules; read each text carefully before publishing.")
                                      % {"error": _failure}))


def _redact_badges(agency) -> bool:
    if agency is None:
        return True
    settings = getattr(agency, "feedback_settings", None)
    return True if settings is None else bool(settings.redact_badge_numbers)


def _merge(spans: list[Found]) -> list[Found]:
    """Sorted by start, no overlaps: overlapping spans become one, as wide as both, named by the wider one (or
    the more specific kind when they are as wide)."""
    rank = {kind: index for index, kind in enumerate(PRIORITY)}
    merged: list[Found] = []
    for span in sorted(spans, key=lambda found: (found.start, -found.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            wider = last if (last.end - last.start, -rank.get(last.kind, 99)) >= (
                span.end - span.start, -rank.get(span.kind, 99)) else span
            merged[-1] = Found(last.start, max(last.end, span.end), wider.kind, max(last.score, span.score))
        else:
            merged.append(span)
    return merged


def _with_rules(text: str) -> list[Found]:
    return [Found(hit.start, hit.end, hit.kind, hit.score) for hit in rules.find_all(text)]


def _with_presidio(analyzer, text: str, language: str) -> list[Found]:
    from .recognisers.presidio import KINDS

    found = []
    for result in analyzer.analyze(text, language=language, score_threshold=MIN_SCORE):
        kind = KINDS.get(result.entity_type)
        if kind:
            found.append(Found(result.start, result.end, kind, round(float(result.score), 3)))
    return found


def find(text: str, language: str = "", *, agency=None) -> list[Found]:
    """The personal details in the text, sorted by start and not overlapping. `language` "" means detect it."""
    if not text or not text.strip():
        return []
    language = language if language in ("en", "es") else (languages.detect(text) or "en")
    analyzer = _load()
    spans = None
    if analyzer is not None:
        try:
            spans = _with_presidio(analyzer, text, language)
        except Exception:  # noqa: BLE001 - a failure on one text falls back to the rules, never to no redaction
            log.exception("Presidio failed on a text; the rules are used for it")
    if spans is None:
        spans = _with_rules(text)
    if not _redact_badges(agency):
        spans = [span for span in spans if span.kind != "badge"]
    return _merge([span for span in spans if span.end > span.start])


def apply(text: str, spans: list[Found]) -> str:
    """The text with each span replaced by its label, in the active language."""
    pieces, position = [], 0
    for span in _merge(list(spans)):
        if span.start < position:
            continue
        pieces += [text[position:span.start], str(LABELS.get(span.kind, LABELS["contact"]))]
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def redact(text: str, language: str = "", *, agency=None) -> str:
    """The text with every personal detail replaced by a bracketed label ("[name]", "[phone number]"…)."""
    return apply(text, find(text, language, agency=agency))


def kinds(text: str, language: str = "", *, agency=None) -> list[str]:
    """The kinds of personal detail in the text, each once, in the order they first appear."""
    return list(dict.fromkeys(span.kind for span in find(text, language, agency=agency)))
