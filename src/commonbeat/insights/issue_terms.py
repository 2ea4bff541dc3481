"""The number-one issues in aggregate: words and short phrases from the free-text answers to `top_issue`,
counted by how many different respondents used them. No answer is ever shown; only terms that at least
11 respondents used are kept (`core.disclosure.THRESHOLD`).

Before anything is counted, whatever looks like personal data is removed from each answer: e-mail
addresses, web addresses, phone numbers, street addresses (a number followed by a street word, or a
Spanish street word followed by a number), any word with a digit, and any capitalised word in the
middle of a sentence (it may be a name). A capitalised word that starts a sentence is kept only if
someone also wrote it in lower case, so a name that opens an answer is dropped too. What is left is
lower-cased, English and Spanish stopwords are removed, and each answer gives its words, its two-word
phrases, and phrases joined by "of"/"de" ("exceso de velocidad").
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from commonbeat.core.disclosure import THRESHOLD

MAX_TERM_LENGTH = 60

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
STREET_WORDS = (
    "street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|ter|"
    "parkway|pkwy|highway|hwy|circle|cir|square|sq|trail|trl|alley|row|plaza|calle|avenida|camino|paseo|"
    "carretera|callejón|callejon"
)
ADDRESS = re.compile(rf"\b\d+(?:st|nd|rd|th|[a-z])?\s+(?:[\w'’.-]+\s+){{0,3}}?(?:{STREET_WORDS})\b\.?", re.IGNORECASE)
SPANISH_ADDRESS = re.compile(r"\b(?:calle|avenida|av\.?|camino|paseo|carretera)\s+(?:[\w'’.-]+\s+){0,3}?"
                             r"(?:n[º°o]\.?\s*)?\d+", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?;:¡¿\n]+")
TOKEN = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
PAUSE = re.compile(r"[,()\[\]\"“”/|…]+")  # within a sentence: a phrase does not run across these
CONNECTORS = frozenset({"of", "de", "del"})
MIN_WORD_LENGTH = 3



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH_STOPWORDS = _words("""
a about above after again against all also am an and any are around as at be because been before being below
between both but by can cannot could did do does doing done down during each either else even ever every few
for from further get gets getting go going got had has have having he her here hers herself him himself his
how however i if in into is it its itself just least less let like lot lots made make many may me might mine
more most much must my myself near need needs never no nor not now of off on once one only or other others
our ours ourselves out over own please pretty quite rather really same see seem seems she should so some
something still such than that the their theirs them themselves then there these they thing things this
those though through to too under until up upon us very via want wants was we well were what when where
which while who whom whose why will with within without would yes yet you your yours yourself yourselves im
i'm it's don't dont can't cant issue issues problem problems concern concerns number biggest main top police
officers officer cops neighborhood neighbourhood area think better good bad lack people person help call called
calling someone anyone everyone everything nothing always
""")

SPANISH_STOPWORDS = _words("""
a al algo algunas algunos ante antes aquí así aun aunque bajo bien cada casi como con contra cual cuales
cuando de del desde donde dos el él ella ellas ellos en entre era eran es esa esas ese eso esos esta está
están estas este esto estos fue fueron ha han hasta hay la las le les lo los más me mi mis mucho muy mucha
muchos muchas nada ni no nos nosotros o otra otras otro otros para pero poco por porque que qué quien
quienes se sea según ser si sí sin sobre son su sus también tan tanto te tengo tiene tienen todo todos tu
tus un una uno unos unas usted ustedes y ya yo problema problemas principal policía policia barrio
vecindario zona mejor mayor falta favor hace gente personas ayuda
""")

STOPWORDS = ENGLISH_STOPWORDS | SPANISH_STOPWORDS


def redact(text: str) -> str:
    """The answer with personal data replaced by sentence breaks (so no phrase spans the gap)."""
    for pattern in (EMAIL, WEB_ADDRESS, ADDRESS, SPANISH_ADDRESS, PHONE):
        text = pattern.sub(" . ", text)
    return text


@dataclass(frozen=True)
class Word:
    text: str  # as written
    starts_sentence: bool


def _sentences(text: str) -> list[list[Word]]:
    """The answer's clauses (split at sentence ends and at commas, brackets, quotes), as words."""
    sentences = []
    for sentence in SENTENCE_END.split(redact(text)):
        clauses = [TOKEN.findall(clause) for clause in PAUSE.split(sentence)]
        sentences += [[Word(token, number == 0 and index == 0) for index, token in enumerate(tokens)]
                      for number, tokens in enumerate(clauses)]
    return sentences


def _is_lower_case(word: str) -> bool:
    return word == word.lower()


def _keep(word: Word, known_lower_case: set[str]) -> str | None:
    """The word lower-cased, or None when it must not be used (a digit, a possible name, too short)."""
    text = word.text.replace("’", "'").strip("'-")
    if not text or any(character.isdigit() or character == "_" for character in text):
        return None
    capitalised = not _is_lower_case(text[0])
    if capitalised and not (word.starts_sentence and text.lower() in known_lower_case and _is_lower_case(text[1:])):
        return None
    lowered = text.lower()
    if len(lowered) < MIN_WORD_LENGTH and lowered not in CONNECTORS:
        return None
    return lowered


@dataclass(frozen=True)
class AnswerTerms:
    """What one answer mentions: single words, and phrases of two or three words."""

    words: frozenset[str]
    phrases: frozenset[str]


def terms_of(text: str, known_lower_case: set[str]) -> AnswerTerms:
    """The words and short phrases of one answer (each once)."""
    found: set[str] = set()
    for sentence in _sentences(text):
        kept = [_keep(word, known_lower_case) for word in sentence]
        # Runs of usable words; a dropped word (personal data, a number) breaks the run.
        run: list[str] = []
        for word in [*kept, None]:
            if word is None:
                found |= _run_terms(run)
                run = []
            else:
                run.append(word)
    found = {term for term in found if len(term) <= MAX_TERM_LENGTH}
    return AnswerTerms(frozenset(t for t in found if " " not in t), frozenset(t for t in found if " " in t))


def _run_terms(words: list[str]) -> set[str]:
    """Content words, adjacent pairs of content words, and "x of y" / "x de y"."""
    terms = set()
    for index, word in enumerate(words):
        if _is_content(word):
            terms.add(word)
            following = words[index + 1] if index + 1 < len(words) else None
            if following and _is_content(following):
                terms.add(f"{word} {following}")
            if following in CONNECTORS and index + 2 < len(words) and _is_content(words[index + 2]):
                terms.add(f"{word} {following} {words[index + 2]}")
    return terms


def _is_content(word: str) -> bool:
    return word not in STOPWORDS and word not in CONNECTORS


def lower_case_vocabulary(texts: Iterable[str]) -> set[str]:
    """Every word someone wrote in lower case: such a word at the start of a sentence is not a name."""
    vocabulary = set()
    for text in texts:
        for token in TOKEN.findall(redact(text)):
            if _is_lower_case(token):
                vocabulary.add(token.replace("’", "'").strip("'-"))
    return vocabulary


def analyse(answers: Iterable[tuple[object, str]]) -> dict[object, list[AnswerTerms]]:
    """{area: the terms of each answer} for (area, answer text) pairs, one answer per respondent."""
    answers = list(answers)
    vocabulary = lower_case_vocabulary(text for _, text in answers)
    by_area: dict[object, list[AnswerTerms]] = {}
    for area, text in answers:
        by_area.setdefault(area, []).append(terms_of(text, vocabulary))
    return by_area


def publishable(answers: list[AnswerTerms], threshold: int = THRESHOLD) -> dict[str, int]:
    """{term: respondents who used it} for the terms at least `threshold` respondents used, most used first.

    A phrase is kept when enough respondents used it. A single word is kept when enough respondents used it
    outside the phrases kept ("dealing" only inside "drug dealing" is not listed again), and shown with
    everyone who used it."""
    phrases = Counter(phrase for answer in answers for phrase in answer.phrases)
    kept_phrases = {phrase for phrase, count in phrases.items() if count >= threshold}
    words = Counter(word for answer in answers for word in answer.words)
    on_their_own = Counter(
        word for answer in answers for word in answer.words
        if not any(word in phrase.split() for phrase in answer.phrases & kept_phrases))
    kept = {phrase: phrases[phrase] for phrase in kept_phrases}
    kept |= {word: words[word] for word, count in on_their_own.items() if count >= threshold}
    return dict(sorted(kept.items(), key=lambda item: (-item[1], item[0])))
