"""Sentiment from -1 (negative) to 1 (positive), for trends only.

English: VADER with its own lexicon. Spanish: VADER's algorithm (the same punctuation, capitals and scoring) with
the Spanish lexicon in `data/vader_lexicon_es.txt` and Spanish rules for negation and degree words: a negation
("no", "nunca", "jamás", "ni", "nadie", "nada", "sin", "tampoco") among the three words before a sentiment word
flips and dampens it once, however many negations there are (Spanish stacks them: "no hicieron nada"); degree words
("muy", "demasiado", "tan", "poco"…) strengthen or weaken the next words; after "pero" or "sino" the sentence
counts more. Phrases in the lexicon ("falta de respeto", "me trataron bien") are matched first, accents or not.
"""

import re
import threading
import unicodedata
from pathlib import Path

from vaderSentiment import vaderSentiment as vader

from . import language as languages

LEXICON_VERSION = "es-1"
SPANISH_LEXICON = Path(__file__).resolve().parent / "data" / "vader_lexicon_es.txt"

NEGATIONS = frozenset({"no", "nunca", "jamas", "jamás", "ni", "nadie", "nada", "sin", "tampoco", "ningun",
                       "ningún", "ninguno", "ninguna", "nomas"})
BOOSTERS = {
    "muy": vader.B_INCR, "demasiado": vader.B_INCR, "demasiada": vader.B_INCR, "tan": vader.B_INCR,
    "super": vader.B_INCR, "súper": vader.B_INCR, "bastante": vader.B_INCR, "realmente": vader.B_INCR,
    "extremadamente": vader.B_INCR, "sumamente": vader.B_INCR, "totalmente": vader.B_INCR,
    "completamente": vader.B_INCR, "increíblemente": vader.B_INCR, "absolutamente": vader.B_INCR,
    "mucho": vader.B_INCR, "muchísimo": vader.B_INCR, "tremendamente": vader.B_INCR, "re": vader.B_INCR,
    "bien": 0.0, "más": vader.B_INCR * 0.5, "mas": vader.B_INCR * 0.5, "verdaderamente": vader.B_INCR,
    "poco": vader.B_DECR, "algo": vader.B_DECR, "apenas": vader.B_DECR, "casi": vader.B_DECR,
    "medio": vader.B_DECR, "ligeramente": vader.B_DECR, "relativamente": vader.B_DECR,
    "un_poco": vader.B_DECR, "un_tanto": vader.B_DECR,
}
CONTRAST = ("pero", "sino", "aunque")
WORD = re.compile(r"[\w']+|[^\w\s]", re.UNICODE)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


class SpanishAnalyzer(vader.SentimentIntensityAnalyzer):
    """VADER with the Spanish lexicon, phrases, negations and degree words."""

    def __init__(self):
        super().__init__(lexicon_file=str(SPANISH_LEXICON))
        self.lexicon = {**{_plain(word): value for word, value in self.lexicon.items()}, **self.lexicon}
        self.phrases = sorted((word for word in self.lexicon if "_" in word), key=len, reverse=True)
        # Phrases are matched without accents, so "falta de respeto" is found however it was typed.
        self.phrase_pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(_plain(phrase).replace("_", " ")) for phrase in self.phrases)
            + r")(?!\w)", re.IGNORECASE) if self.phrases else None

    def make_lex_dict(self):
        lexicon = {}
        for line in self.lexicon_full_filepath.rstrip("\n").split("\n"):
            if not line.strip() or line.startswith("#"):
                continue
            word, measure = line.strip().split("\t")[0:2]
            lexicon[word.lower()] = float(measure)
        return lexicon

    def _join_phrases(self, text: str) -> str:
        text = " ".join(WORD.findall(text.replace("un poco", "un_poco").replace("un tanto", "un_tanto")))
        if self.phrase_pattern is None:
            return text
        plain = _plain(text)
        if len(plain) != len(text):
            return text
        pieces, position = [], 0
        for match in self.phrase_pattern.finditer(plain):
            pieces += [text[position:match.start()], match.group().lower().replace(" ", "_")]
            position = match.end()
        pieces.append(text[position:])
        return "".join(pieces)

    def polarity_scores(self, text):
        text = self._join_phrases(text)
        sentitext = vader.SentiText(text)
        words = sentitext.words_and_emoticons
        lowered = [str(word).lower() for word in words]
        sentiments = []
        for index, word in enumerate(lowered):
            valence = self.lexicon.get(word, self.lexicon.get(_plain(word)))
            if valence is None or word in BOOSTERS:
                sentiments.append(0.0)
                continue
            if word in NEGATIONS and index + 1 < len(lowered) and lowered[index + 1] in self.lexicon:
                sentiments.append(0.0)  # "no" before a sentiment word negates it, it is not sentiment itself
                continue
            if words[index].isupper() and sentitext.is_cap_diff:
                valence += vader.C_INCR if valence > 0 else -vader.C_INCR
            for distance in range(1, 4):
                if index - distance < 0:
                    break
                before = lowered[index - distance]
                boost = BOOSTERS.get(before, BOOSTERS.get(_plain(before), 0.0))
                if boost:
                    boost = boost if valence > 0 else -boost
                    valence += boost * (1.0, 0.95, 0.9)[distance - 1]
            if any(lowered[position] in NEGATIONS or _plain(lowered[position]) in NEGATIONS
                   for position in range(max(0, index - 3), index)):
                valence *= vader.N_SCALAR
            sentiments.append(valence)
        for contrast in CONTRAST:
            if contrast in lowered:
                at = lowered.index(contrast)
                sentiments = [value * (0.5 if position < at else 1.5 if position > at else 1.0)
                              for position, value in enumerate(sentiments)]
                break
        return self.score_valence(sentiments, text)


_lock = threading.Lock()
_analysers: dict[str, vader.SentimentIntensityAnalyzer] = {}


def _analyser(code: str) -> vader.SentimentIntensityAnalyzer:
    if code not in _analysers:
        with _lock:
            if code not in _analysers:
                _analysers[code] = SpanishAnalyzer() if code == "es" else vader.SentimentIntensityAnalyzer()
    return _analysers[code]


def score(text: str, language: str = "") -> float | None:
    """The compound score of the text in [-1, 1], or None when it is empty. `language` "" means detect it
    (English when it cannot be told)."""
    if not (text or "").strip():
        return None
    code = language if language in ("en", "es") else (languages.detect(text) or "en")
    return float(_analyser(code).polarity_scores(text)["compound"])
