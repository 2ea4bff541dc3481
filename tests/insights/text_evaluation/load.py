"""Read the hand-labelled evaluation set for text intelligence.

Each line of `dev.jsonl` and `test.jsonl` is one JSON object (see README.md). Personal data in `text` is marked
inline as `[[KIND|the exact text]]`; `parse_line` removes the markup and returns the clean text with the spans of
personal data as character offsets into it.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
SPLITS = ("dev", "test")

KINDS = ("NAME", "PHONE", "EMAIL", "ADDRESS", "PLATE", "DOB", "BADGE")
LANGUAGES = ("en", "es")
SOURCES = ("report", "survey_answer", "policy_comment", "concern")
SENTIMENTS = ("negative", "neutral", "positive")
CATEGORIES = ("discourtesy", "abuse-of-authority", "force", "offensive-language", "bias", "other")
TOPICS = ("speeding", "drugs", "noise", "youth", "homelessness", "response_time", "respect", "use_of_force",
          "stops_profiling", "lighting", "break_ins", "mental_health")

FIELDS = ("id", "language", "source", "text", "categories", "topic", "sentiment")
MARK = re.compile(r"\[\[([A-Z]+)\|([^\[\]|]*)\]\]")


class MalformedItem(ValueError):
    """A line of the evaluation set that does not follow the format; the message names the item."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Item:
    id: str
    language: str
    source: str
    text: str
    topic: str
    sentiment: str
    categories: tuple[str, ...] = ()
    spans: tuple[Span, ...] = field(default_factory=tuple)

    @property
    def is_complaint(self) -> bool:
        return self.source == "report" and bool(self.categories)

    def span_text(self, span: Span) -> str:
        return self.text[span.start:span.end]


def strip_markup(marked: str, item_id: str = "?") -> tuple[str, tuple[Span, ...]]:
    """Return the text without markup and the spans of personal data in it."""
    pieces: list[str] = []
    spans: list[Span] = []
    length = 0
    position = 0
    for match in MARK.finditer(marked):
        before = marked[position:match.start()]
        _reject_stray_markup(before, item_id)
        pieces.append(before)
        length += len(before)
        kind, value = match.group(1), match.group(2)
        if kind not in KINDS:
            raise MalformedItem(f"{item_id}: unknown kind {kind!r} in {match.group(0)!r}")
        if not value.strip():
            raise MalformedItem(f"{item_id}: empty {kind} span")
        if value != value.strip():
            raise MalformedItem(f"{item_id}: {kind} span {value!r} starts or ends with a space")
        spans.append(Span(length, length + len(value), kind))
        pieces.append(value)
        length += len(value)
        position = match.end()
    rest = marked[position:]
    _reject_stray_markup(rest, item_id)
    pieces.append(rest)
    return "".join(pieces), tuple(spans)


def _reject_stray_markup(fragment: str, item_id: str) -> None:
    for token in ("[[", "]]"):
        if token in fragment:
            at = fragment.index(token)
            raise MalformedItem(f"{item_id}: malformed markup near {fragment[max(0, at - 20):at + 30]!r}")


def parse_line(line: str, line_number: int = 0) -> Item:
    """Turn one JSON line into an Item, or raise MalformedItem naming the id (or the line number)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise MalformedItem(f"line {line_number}: not valid JSON ({error})") from error
    if not isinstance(data, dict):
        raise MalformedItem(f"line {line_number}: not a JSON object")
    item_id = str(data.get("id") or f"line {line_number}")
    missing = [name for name in FIELDS if name not in data]
    if missing:
        raise MalformedItem(f"{item_id}: missing {', '.join(missing)}")
    checks = (("language", LANGUAGES), ("source", SOURCES), ("topic", TOPICS), ("sentiment", SENTIMENTS))
    for name, allowed in checks:
        if data[name] not in allowed:
            raise MalformedItem(f"{item_id}: {name} {data[name]!r} is not one of {', '.join(allowed)}")
    categories = data["categories"]
    if not isinstance(categories, list) or any(code not in CATEGORIES for code in categories):
        raise MalformedItem(f"{item_id}: categories {categories!r} must be a list of {', '.join(CATEGORIES)}")
    if not isinstance(data["text"], str) or not data["text"].strip():
        raise MalformedItem(f"{item_id}: text is empty")
    text, spans = strip_markup(data["text"], item_id)
    return Item(id=item_id, language=data["language"], source=data["source"], text=text, topic=data["topic"],
                sentiment=data["sentiment"], categories=tuple(categories), spans=spans)


def read(path: Path) -> list[Item]:
    items = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                items.append(parse_line(line, number))
    return items


def load(split: str = "test") -> list[Item]:
    """The items of one split ("dev" or "test"), or of both ("all")."""
    if split == "all":
        return [item for name in SPLITS for item in read(FOLDER / f"{name}.jsonl")]
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: use dev, test or all")
    return read(FOLDER / f"{split}.jsonl")
