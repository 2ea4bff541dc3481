"""Where the personal details are in a text, and the text with them replaced by labels."""

from dataclasses import dataclass

from commonbeat.core import redaction as rules


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str
    score: float


def find(text: str, language: str = "", *, agency=None) -> list[Found]:
    spans = []
    for rule in rules.RULES:
        for match in rule.pattern.finditer(text):
            spans.append(Found(match.start(), match.end(), rule.kind, 1.0))
    return sorted(spans, key=lambda found: (found.start, -found.end))


def redact(text: str, language: str = "", *, agency=None) -> str:
    return rules.redact(text)
