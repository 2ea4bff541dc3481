"""Sentiment from -1 (negative) to 1 (positive): VADER for English."""

from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@cache
def _english():
    return SentimentIntensityAnalyzer()


def score(text: str, language: str = "en") -> float | None:
    """The compound score of the text, or None when it is empty."""
    if not (text or "").strip():
        return None
    return _english().polarity_scores(text)["compound"]
