"""The staff export of a survey's responses: CSV, one row per response, one column per question code.

Staff only. It holds free-text answers, which residents may have filled with names or addresses, so it is
never published; the open data and the trust index read the de-identified fields instead. Responses carry
no IP address, cookie or account, so there is nothing of that kind to leave out. The file is written
as it is read, a few thousand responses at a time, so a large survey never sits in memory.
"""

import csv
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Prefetch

from commonbeat.core import audit

from . import services
from .models import Answer, Question, QuestionKind, Survey

RESPONSE_COLUMNS = ["response", "submitted_at", "language", "channel", "eligible", "ineligible_reason"]
CHUNK_SIZE = 2000
# A cell that starts with one of these is a formula to a spreadsheet; free text is written so it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def columns(survey: Survey) -> list[str]:
    return RESPONSE_COLUMNS + list(survey.questions.order_by("position", "id").values_list("code", flat=True))


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _as_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def answer_value(question: Question, answer: Answer | None) -> str:
    """What one cell holds: numbers as numbers, choice values (several joined by ";"), text as typed."""
    if answer is None:
        return ""
    if question.kind == QuestionKind.SCALE_0_10:
        return _number(answer.number)
    if question.kind in services.CHOICE_KINDS:
        if answer.choices:
            return ";".join(answer.choices)
        return _number(answer.number)
    if question.kind == QuestionKind.FREE_TEXT:
        return _as_text(answer.text)
    return answer.text


def rows(survey: Survey) -> Iterator[list[str]]:
    """The header, then one row per response, oldest first."""
    questions = list(survey.questions.order_by("position", "id"))
    zone = ZoneInfo(survey.agency.timezone)
    yield RESPONSE_COLUMNS + [question.code for question in questions]
    responses = (survey.responses.order_by("submitted_at", "id")
                 .prefetch_related(Prefetch("answers", queryset=Answer.objects.only(
                     "response_id", "question_id", "number", "text", "choices")))
                 .iterator(chunk_size=CHUNK_SIZE))
    for response in responses:
        answers = {answer.question_id: answer for answer in response.answers.all()}
        yield ([str(response.pk), response.submitted_at.astimezone(zone).isoformat(timespec="seconds"),
                response.language, response.channel, "true" if response.eligible else "false",
                response.ineligible_reason]
               + [answer_value(question, answers.get(question.pk)) for question in questions])


def file_name(survey: Survey) -> str:
    return f"{survey.agency.slug}-{survey.slug}-responses-staff-only.csv"


def responses_csv(actor, survey: Survey) -> Iterator[str]:
    """The export, line by line. Who asked for it is written to the audit log first, because it holds
    free text that may identify people."""
    services._require(actor, survey.agency)
    with transaction.atomic():
        audit.record("surveys.responses_exported", actor=actor, agency=survey.agency, target=survey,
                     changes={"responses": survey.responses.count()})
    writer = csv.writer(_Line(), lineterminator="\n")
    return (writer.writerow(row) for row in rows(survey))
