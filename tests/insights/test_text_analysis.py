"""Residents' texts analysed in batches: one analysis per text from each of the four sources, redacted, embedded
once per distinct wording, and analysed again only when the models change."""

import numpy as np
import pytest
from django.core.management import call_command

from commonbeat.core.audit import AuditEvent
from commonbeat.insights.models import TextAnalysis, TextSource
from commonbeat.insights.text import analysis, embeddings

from .helpers import at
from .theme_helpers import concern, north, policy_comment, report, south, survey_for, top_issues

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def model():
    """The real sentence-embedding model, loaded once for the module."""
    assert embeddings.available(), embeddings.failure()


@pytest.fixture
def texts(agency, cast):
    survey = survey_for(agency, cast)
    top_issues(survey, north(agency), at(2026, 3), ["Speeding cars"] * 30 + ["Call Maria Lopez at 555-201-8890"])
    top_issues(survey, south(agency), at(2026, 4), ["Broken street lights"])
    concern(agency, "Drug dealing in the park", south(agency), at(2026, 5))
    comment = policy_comment(agency, cast, "Officer Daniel Reyes should read this policy twice", north(agency))
    filed = report(agency, "The officer pushed me against the car on Elm Street.", north(agency), at(2026, 6))
    return {"comment": comment, "report": filed}


def test_every_source_gets_one_analysis_per_text(agency, texts):
    assert analysis.analyse_texts(agency) == 35
    stored = TextAnalysis.objects.filter(agency=agency)
    assert {source: stored.filter(source=source).count() for source in TextSource.values} == {
        TextSource.SURVEY_ANSWER: 32, TextSource.CONCERN: 1, TextSource.POLICY_COMMENT: 1, TextSource.REPORT: 1}
    lights = stored.get(redacted_text="Broken street lights")
    assert lights.neighbourhood == south(agency)
    assert lights.written_on.isoformat() == "2026-04-15"
    assert lights.language == "en"
    assert embeddings.from_bytes(lights.embedding).shape == (embeddings.DIMENSIONS,)
    narrative = stored.get(source=TextSource.REPORT)
    assert narrative.source_id == texts["report"].pk
    assert narrative.sentiment is not None


def test_personal_details_are_found_and_never_stored_in_the_clear(agency, texts):
    analysis.analyse_texts(agency)
    answer = TextAnalysis.objects.get(agency=agency, redacted_text__contains="[phone number]")
    assert "Maria" not in answer.redacted_text and "555" not in answer.redacted_text
    assert {detail["kind"] for detail in answer.personal_details} >= {"name", "phone"}
    comment = TextAnalysis.objects.get(agency=agency, source=TextSource.POLICY_COMMENT)
    assert comment.source_id == texts["comment"].pk
    assert "Reyes" not in comment.redacted_text and "[name]" in comment.redacted_text
    for row in TextAnalysis.objects.filter(agency=agency).values():
        flat = " ".join(str(value) for value in row.values())
        assert "Maria Lopez" not in flat and "Daniel Reyes" not in flat and "555-201-8890" not in flat


def test_each_distinct_wording_is_embedded_once_per_batch(agency, texts, monkeypatch):
    calls = []
    real = embeddings.encode

    def counting(batch):
        calls.append(list(batch))
        return real(batch)

    monkeypatch.setattr(embeddings, "encode", counting)
    analysis.analyse_texts(agency, batch_size=100)
    assert len(calls) == 1
    assert len(calls[0]) == len(set(calls[0])) == 6  # 35 texts, 6 wordings
    speeding = [np.asarray(embeddings.from_bytes(row.embedding)) for row in
                TextAnalysis.objects.filter(agency=agency, redacted_text="Speeding cars")]
    assert len(speeding) == 30 and all(np.array_equal(vector, speeding[0]) for vector in speeding)


def test_only_new_texts_and_those_read_by_other_models_are_analysed_again(agency, texts):
    assert analysis.analyse_texts(agency) == 35
    assert analysis.analyse_texts(agency) == 0
    TextAnalysis.objects.filter(agency=agency, source=TextSource.CONCERN).update(model_version="older models")
    concern(agency, "Loud parties every weekend", north(agency), at(2026, 7))
    assert analysis.analyse_texts(agency) == 2
    assert not TextAnalysis.objects.filter(agency=agency, model_version="older models").exists()
    assert analysis.analyse_texts(agency, rerun=True) == 36


def test_without_the_model_the_rest_is_stored_and_embedded_later(agency, texts, monkeypatch):
    monkeypatch.setattr(embeddings, "available", lambda: False)
    assert analysis.analyse_texts(agency) == 35
    assert not TextAnalysis.objects.filter(agency=agency, embedding__isnull=False).exists()
    assert TextAnalysis.objects.filter(agency=agency, redacted_text="Speeding cars", language="en").count() == 30
    monkeypatch.undo()
    assert analysis.analyse_texts(agency) == 35
    assert not TextAnalysis.objects.filter(agency=agency, embedding__isnull=True).exists()


def test_limit_and_batches(agency, texts):
    assert analysis.analyse_texts(agency, batch_size=4, limit=10) == 10
    assert TextAnalysis.objects.filter(agency=agency).count() == 10
    assert analysis.analyse_texts(agency, batch_size=4) == 25


def test_other_agencies_texts_are_left_alone(agency, other_agency, texts):
    analysis.analyse_texts(other_agency)
    assert not TextAnalysis.objects.filter(agency=other_agency).exists()
    analysis.analyse_texts(agency)
    assert not TextAnalysis.objects.exclude(agency=agency).exists()


def test_ineligible_answers_are_not_read(agency, cast):
    from .helpers import Person, answered

    survey = survey_for(agency, cast)
    answered(survey, None, at(2026, 3), [Person(top_issue="Potholes downtown", eligible=False)])
    assert analysis.analyse_texts(agency) == 0


def test_the_command_analyses_one_agency_and_is_audited(agency, texts, capsys):
    call_command("analyse_texts", "--agency", agency.slug, "--limit", "5")
    assert "5 texts analysed" in capsys.readouterr().out
    event = AuditEvent.objects.filter(agency=agency, action="insights.texts_analysed").get()
    assert event.changes["texts"] == 5
    call_command("analyse_texts", "--agency", agency.slug, "--rerun")
    assert "35 texts analysed" in capsys.readouterr().out
