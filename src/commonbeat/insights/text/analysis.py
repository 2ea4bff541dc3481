"""Residents' texts read by the models, in batches: one `TextAnalysis` per text.

The texts stay where residents wrote them (report narratives, answers to the number-one issue question, comments
on draft policies, concerns raised at events); an analysis keeps only what the models made of a text: its
language, sentiment, where the personal details are, the text with them redacted, and its embedding. A text is
analysed when it has no analysis yet or when its analysis was made by other models (`model_version`), and again
once the embedding model can load if it could not before.

Survey answers are often word for word the same ("Speeding cars"), so within a call each distinct text is read
once, and each batch embeds its distinct texts once.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from commonbeat.core import audit
from commonbeat.core.models import Agency

from . import embeddings, language, redaction, sentiment


def current_version() -> str:
    """The version of the models that analysed a text."""
    from commonbeat.insights.text import model_version

    return model_version()


@dataclass(frozen=True)
class ResidentText:
    source: str
    source_id: int
    text: str
    neighbourhood_id: int | None
    written_at: datetime
    language: str = ""  # as the resident chose it, when the source records it


def _reports(agency: Agency) -> Iterator[ResidentText]:
    from commonbeat.feedback.models import Report

    from ..models import TextSource

    rows = Report.objects.filter(agency=agency).exclude(narrative="").values_list(
        "pk", "narrative", "neighbourhood_id", "received_at", "language")
    for pk, text, neighbourhood_id, moment, chosen in rows.iterator(chunk_size=2000):
        yield ResidentText(TextSource.REPORT, pk, text, neighbourhood_id, moment, chosen or "")


def _survey_answers(agency: Agency) -> Iterator[ResidentText]:
    """Answers to the number-one issue from eligible responses (residents of the city)."""
    from commonbeat.surveys.models import Answer

    from ..models import TextSource

    rows = Answer.objects.filter(response__agency=agency, question__code="top_issue", response__eligible=True
                                 ).exclude(text="").values_list(
        "pk", "text", "response__neighbourhood_id", "response__submitted_at", "response__language")
    for pk, text, neighbourhood_id, moment, chosen in rows.iterator(chunk_size=2000):
        yield ResidentText(TextSource.SURVEY_ANSWER, pk, text, neighbourhood_id, moment, chosen or "")


def _policy_comments(agency: Agency) -> Iterator[ResidentText]:
    from commonbeat.transparency.models import PolicyComment

    from ..models import TextSource

    # The original text is encrypted: read through the model so the field decrypts it.
    comments = PolicyComment.objects.filter(agency=agency).only(
        "pk", "original_text", "neighbourhood_id", "submitted_at", "language")
    for comment in comments.iterator(chunk_size=500):
        if comment.original_text:
            yield ResidentText(TextSource.POLICY_COMMENT, comment.pk, comment.original_text,
                               comment.neighbourhood_id, comment.submitted_at, comment.language or "")


def _concerns(agency: Agency) -> Iterator[ResidentText]:
    from commonbeat.engagement.models import Concern

    from ..models import TextSource

    rows = Concern.objects.filter(agency=agency).exclude(text="").values_list(
        "pk", "text", "neighbourhood_id", "recorded_at")
    for pk, text, neighbourhood_id, moment in rows.iterator(chunk_size=2000):
        yield ResidentText(TextSource.CONCERN, pk, text, neighbourhood_id, moment)


SOURCES = [_survey_answers, _concerns, _policy_comments, _reports]


def texts_to_analyse(agency: Agency, *, rerun: bool = False) -> Iterator[ResidentText]:
    """The agency's texts with no analysis by the current models (every text when `rerun`)."""
    from ..models import TextAnalysis

    version = current_version()
    done: set[tuple[str, int]] = set()
    if not rerun:
        current = TextAnalysis.objects.filter(agency=agency, model_version=version)
        if embeddings.available():
            current = current.filter(embedding__isnull=False)
        done = set(current.values_list("source", "source_id"))
    for source in SOURCES:
        for text in source(agency):
            if (text.source, text.source_id) not in done:
                yield text


@dataclass
class _Reading:
    language: str
    sentiment: float | None
    personal_details: list[dict]
    redacted_text: str


class _Reader:
    """Language, sentiment, personal details and embedding of each distinct text, read once per call."""

    def __init__(self, agency: Agency):
        self.agency = agency
        self.seen: dict[tuple[str, str], _Reading] = {}
        self.vectors: dict[str, bytes] = {}

    def read(self, text: ResidentText) -> _Reading:
        key = (text.text, text.language)
        if key not in self.seen:
            detected = language.detect(text.text) or (text.language if text.language in ("en", "es") else "")
            spans = redaction.find(text.text, detected, agency=self.agency)
            self.seen[key] = _Reading(
                language=detected, sentiment=sentiment.score(text.text, detected or "en"),
                personal_details=[{"start": s.start, "end": s.end, "kind": s.kind, "score": s.score}
                                  for s in spans],
                redacted_text=redaction.apply(text.text, spans))
        return self.seen[key]

    def embed(self, texts: list[str]) -> dict[str, bytes]:
        """Each distinct text's embedding, as stored, each encoded once per call; {} when the model cannot load."""
        if not embeddings.available():
            return {}
        new = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        for text, vector in zip(new, embeddings.encode(new), strict=True):
            self.vectors[text] = embeddings.to_bytes(vector)
        return {text: self.vectors[text] for text in texts}




def _store(agency: Agency, batch: list[ResidentText], reader: _Reader, version: str) -> None:
    from ..models import TextAnalysis

    readings = [reader.read(text) for text in batch]
    # The embedding is of the redacted text: the same words as what may be quoted, with no one's name in it.
    vectors = reader.embed([reading.redacted_text for reading in readings])
    now = timezone.now()
    rows = [TextAnalysis(
        agency=agency, source=text.source, source_id=text.source_id, neighbourhood_id=text.neighbourhood_id,
        written_on=timezone.localtime(text.written_at, agency.zone).date(), language=reading.language,
        sentiment=reading.sentiment, personal_details=reading.personal_details,
        redacted_text=reading.redacted_text, embedding=vectors.get(reading.redacted_text),
        model_version=version, analysed_at=now) for text, reading in zip(batch, readings, strict=True)]
    with transaction.atomic():
        TextAnalysis.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["agency", "source", "source_id"],
            update_fields=["neighbourhood", "written_on", "language", "sentiment", "personal_details",
                           "redacted_text", "embedding", "model_version", "analysed_at"])


def analyse_texts(agency: Agency, *, batch_size: int = 256, limit: int | None = None, rerun: bool = False,
                  actor=None) -> int:
    """Analyse the agency's new texts, and those analysed by other models, `batch_size` at a time (at most
    `limit`); returns how many were analysed. Without the embedding model the rest is still stored, with no
    embedding, and those texts are embedded on a later call once the model loads."""
    version = current_version()
    reader = _Reader(agency)
    count, batch = 0, []
    for text in texts_to_analyse(agency, rerun=rerun):
        if limit is not None and count + len(batch) >= limit:
            break
        batch.append(text)
        if len(batch) >= batch_size:
            _store(agency, batch, reader, version)
            count, batch = count + len(batch), []
    if batch:
        _store(agency, batch, reader, version)
        count += len(batch)
    if count:
        with transaction.atomic():
            audit.record("insights.texts_analysed", actor=actor, agency=agency, target=agency,
                         changes={"texts": count, "model_version": version,
                                  "embedded": embeddings.available()})
    return count


def vectors_of(rows) -> np.ndarray:
    """The stored embeddings of analyses, one row each."""
    if not rows:
        return np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    return np.vstack([embeddings.from_bytes(row.embedding) for row in rows])
