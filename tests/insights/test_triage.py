"""Triage suggestions: a category model trained on settled reports, possible duplicates of the same incident,
and the decisions investigators make on them."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task_backends

from commonbeat.accounts.roles import Role
from commonbeat.core.audit import AuditEvent
from commonbeat.core.models import Neighbourhood
from commonbeat.feedback import services as feedback
from commonbeat.feedback.models import AllegationCategory, Classification, FindingType, Report, Status
from commonbeat.insights.models import TriageSuggestion
from commonbeat.insights.text import embeddings, triage

pytestmark = pytest.mark.django_db

FORCE = [
    "The officer pushed me hard against the car and twisted my arm behind my back.",
    "He threw me to the ground and kneed me in the back while I was not resisting.",
    "An officer punched my son in the face during the arrest.",
    "They tackled me onto the pavement and my wrist was broken.",
    "The deputy slammed my head on the hood of the patrol car.",
    "I was hit with a baton several times although I had my hands up.",
    "The officer choked my brother until he could not breathe.",
]
DISCOURTESY = [
    "The officer was rude to me and refused to listen when I asked a question.",
    "She rolled her eyes, laughed at me and told me to stop wasting her time.",
    "The desk officer was dismissive and impolite and hung up on me twice.",
    "He was sarcastic and condescending the whole time he wrote the ticket.",
    "The officer was very disrespectful and would not let me speak.",
    "They were impatient and unfriendly when I came to report my stolen bike.",
]
BIAS = [
    "I was stopped only because I am Black; the officer said people like me cause trouble.",
    "They searched my car because of my accent and asked if I was illegal.",
    "The officer singled me out for my religion and called my headscarf a disguise.",
]


def train(texts_by_code: dict[str, list[str]]):
    texts, labels = [], []
    for code, texts_of_code in texts_by_code.items():
        texts += texts_of_code
        labels += [[code]] * len(texts_of_code)
    return triage.train_category_model(texts, labels)


def test_the_category_model_ranks_the_right_category_first_with_a_confidence():
    model = train({"force": FORCE, "discourtesy": DISCOURTESY})
    force, rude = model.predict([
        "The policeman shoved me to the floor and stood on my hand.",
        "The officer spoke to me in a very rude and mocking way.",
    ])
    assert force[0][0] == "force" and force[0][1] > 0.5
    assert rude[0][0] == "discourtesy" and rude[0][1] > 0.5
    assert all(0.0 <= confidence <= 1.0 for _code, confidence in force + rude)
    assert [c for _code, c in force] == sorted((c for _code, c in force), reverse=True)


def test_a_category_with_few_examples_is_scored_by_similarity_to_its_centroid():
    model = train({"force": FORCE, "discourtesy": DISCOURTESY, "bias": BIAS})
    assert "bias" in model.centroids and "force" in model.classifiers
    [scores] = model.predict(["The officer pulled me over because of the colour of my skin and my accent."])
    scores = dict(scores)
    assert scores["bias"] > 0.5
    [unrelated] = model.predict(["Thank you for the lovely community picnic in the park last Sunday."])
    assert dict(unrelated)["bias"] < 0.2


def test_a_model_trained_on_one_report_still_predicts():
    model = triage.train_category_model(["He pushed me to the ground."], [["force"]])
    [scores] = model.predict(["An officer shoved me onto the pavement."])
    assert scores[0][0] == "force"


# ---------------------------------------------------------------- in the agency

def file(agency, narrative, *, occurred_on=None, neighbourhood=None, kind="complaint") -> Report:
    report = feedback.file_report(agency, feedback.Submission(kind=kind, narrative=narrative,
                                                              occurred_on=occurred_on),
                                  channel="web").report
    if neighbourhood:
        Report.objects.filter(pk=report.pk).update(neighbourhood=neighbourhood)
        report.refresh_from_db()
    return report


def settle(agency, investigator, admin, narrative, code) -> Report:
    """A report triaged with one allegation of `code` and a finding recorded on it."""
    report = file(agency, narrative, occurred_on=date(2025, 1, 1))
    category = AllegationCategory.objects.get(agency=agency, code=code)
    report = feedback.triage(investigator, report, Classification.FORMAL_COMPLAINT,
                             [feedback.AllegationInput(category)])
    report = feedback.start_investigation(investigator, feedback.assign(investigator, report, investigator))
    feedback.record_finding(investigator, report.allegations.get(),
                            FindingType.objects.get(agency=agency, code="not-sustained"), "Not enough evidence.")
    return report


@pytest.fixture
def settled(agency, cast):
    feedback.settings_for(agency)
    investigator = cast[Role.INVESTIGATOR]
    for narrative in FORCE:
        settle(agency, investigator, cast[Role.AGENCY_ADMIN], narrative, "force")
    for narrative in DISCOURTESY:
        settle(agency, investigator, cast[Role.AGENCY_ADMIN], narrative, "discourtesy")
    triage._cache.clear()
    return investigator


def test_a_new_report_gets_its_likely_categories_from_the_agencys_settled_reports(agency, settled):
    report = file(agency, "Two officers dragged me out of my car and pinned me to the road with their knees.",
                  occurred_on=date(2026, 3, 1))
    suggestions = triage.suggest(report)
    categories = [s for s in suggestions if s.kind == TriageSuggestion.Kind.CATEGORY]
    assert categories[0].category.code == "force"
    assert categories[0].confidence >= 0.5
    assert len(categories) <= 3 and all(s.confidence >= 0.2 for s in categories)
    assert "categories from 13 reports" in categories[0].model_version
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and not report.allegations.exists()


def test_the_model_is_cached_per_agency_and_retrained_when_more_reports_are_settled(agency, cast, settled):
    first = triage.agency_model(agency)
    assert triage.agency_model(agency) is first
    settle(agency, settled, cast[Role.AGENCY_ADMIN], "The officer tased me while I was walking away.", "force")
    second = triage.agency_model(agency)
    assert second is not first and second.trained_on == first.trained_on + 1


PARAPHRASES = [
    ("An officer pushed me to the ground outside the grocery store on Main Street and I hurt my knee.",
     "The policeman shoved me onto the pavement in front of the Main Street grocery and my knee was injured."),
    ("At the traffic stop on Elm Avenue the officer yelled at me, swore and called me an idiot.",
     "During the Elm Avenue traffic stop, the cop shouted at me, used curse words and said I was an idiot."),
    ("Officers searched my backpack at the bus station without asking and threw my things on the floor.",
     "At the bus station the police went through my backpack without permission and dumped my belongings "
     "on the floor."),
]
UNRELATED = [
    "The officer was rude when I asked for directions to the courthouse.",
    "My neighbour's car was towed and nobody told us why.",
    "Thank you to the officers who helped at the school fair, the children loved it.",
]


@pytest.mark.parametrize("original, paraphrase", PARAPHRASES)
def test_a_paraphrase_of_the_same_incident_is_a_possible_duplicate(agency, original, paraphrase):
    earlier = file(agency, original, occurred_on=date(2026, 3, 1))
    for text in UNRELATED:
        file(agency, text, occurred_on=date(2026, 3, 2))
    report = file(agency, paraphrase, occurred_on=date(2026, 3, 4))
    duplicates = [s for s in triage.suggest(report) if s.kind == TriageSuggestion.Kind.DUPLICATE]
    assert [s.similar_report for s in duplicates] == [earlier]
    assert duplicates[0].confidence >= triage.DUPLICATE_THRESHOLD


def test_the_same_story_outside_two_weeks_or_in_another_agency_is_not_a_duplicate(agency, other_agency):
    original, paraphrase = PARAPHRASES[0]
    file(agency, original, occurred_on=date(2026, 1, 1))
    file(other_agency, original, occurred_on=date(2026, 3, 1))
    report = file(agency, paraphrase, occurred_on=date(2026, 3, 1))
    assert not [s for s in triage.suggest(report) if s.kind == TriageSuggestion.Kind.DUPLICATE]


def test_a_later_report_found_by_received_date_counts_and_the_same_neighbourhood_comes_first(agency):
    north, south = Neighbourhood.objects.filter(agency=agency).order_by("slug")
    original, paraphrase = PARAPHRASES[0]
    report = file(agency, original, occurred_on=timezone.localdate(), neighbourhood=north)
    elsewhere = file(agency, original + " It was awful.", neighbourhood=south)
    same_place = file(agency, paraphrase, neighbourhood=north)
    duplicates = [s for s in triage.suggest(report) if s.kind == TriageSuggestion.Kind.DUPLICATE]
    assert [s.similar_report for s in duplicates] == [same_place, elsewhere]


def test_suggesting_again_replaces_open_suggestions_and_keeps_decisions(agency, cast, settled):
    report = file(agency, "The officer punched me and pushed me into the wall.", occurred_on=date(2026, 3, 1))
    first = triage.suggest(report)
    triage.dismiss_suggestion(settled, agency, first[0])
    again = triage.suggest(report)
    rows = TriageSuggestion.objects.filter(report=report)
    assert rows.filter(status=TriageSuggestion.Status.DISMISSED).count() == 1
    assert rows.filter(status=TriageSuggestion.Status.OPEN).count() == len(again)
    assert first[0].category_id not in {s.category_id for s in again}


# ---------------------------------------------------------------- decisions

def make_suggestion(report, **fields) -> TriageSuggestion:
    return TriageSuggestion.objects.create(agency=report.agency, report=report, confidence=0.8,
                                           model_version="test", created_at=timezone.now(), **fields)


def test_accepting_a_category_triages_the_report_with_that_allegation_and_is_audited(agency, cast):
    feedback.settings_for(agency)
    report = file(agency, "He pushed me to the ground.")
    force = AllegationCategory.objects.get(agency=agency, code="force")
    suggestion = make_suggestion(report, kind=TriageSuggestion.Kind.CATEGORY, category=force)
    investigator = cast[Role.INVESTIGATOR]
    triage.accept_suggestion(investigator, agency, suggestion)
    report.refresh_from_db()
    suggestion.refresh_from_db()
    assert report.status == Status.TRIAGED and report.classification == Classification.FORMAL_COMPLAINT
    assert [a.category for a in report.allegations.all()] == [force]
    assert suggestion.status == TriageSuggestion.Status.ACCEPTED and suggestion.decided_by == investigator
    event = AuditEvent.objects.get(action="insights.triage_suggestion_accepted")
    assert event.actor == investigator and event.changes["category"] == "force"


def test_a_category_cannot_be_accepted_once_the_report_is_triaged(agency, cast):
    feedback.settings_for(agency)
    report = file(agency, "He pushed me to the ground.")
    feedback.triage(cast[Role.INVESTIGATOR], report, Classification.INQUIRY, [])
    suggestion = make_suggestion(report, kind=TriageSuggestion.Kind.CATEGORY,
                                 category=AllegationCategory.objects.get(agency=agency, code="force"))
    with pytest.raises(triage.TriageError):
        triage.accept_suggestion(cast[Role.INVESTIGATOR], agency, suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == TriageSuggestion.Status.OPEN


def test_accepting_a_duplicate_links_the_reports_and_changes_neither(agency, cast):
    earlier, report = file(agency, "He pushed me."), file(agency, "An officer shoved me.")
    suggestion = make_suggestion(report, kind=TriageSuggestion.Kind.DUPLICATE, similar_report=earlier)
    triage.accept_suggestion(cast[Role.INVESTIGATOR], agency, suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == TriageSuggestion.Status.ACCEPTED
    assert Report.objects.get(pk=report.pk).status == Status.RECEIVED
    event = AuditEvent.objects.get(action="insights.triage_suggestion_accepted")
    assert event.changes["same_incident_as"] == earlier.reference


@pytest.mark.parametrize("role", [Role.OVERSIGHT_REVIEWER, Role.OFFICER, Role.ENGAGEMENT_STAFF])
def test_only_those_who_triage_may_decide(agency, cast, role):
    report = file(agency, "He pushed me.")
    suggestion = make_suggestion(report, kind=TriageSuggestion.Kind.DUPLICATE,
                                 similar_report=file(agency, "I was pushed over."))
    for decide in (triage.accept_suggestion, triage.dismiss_suggestion):
        with pytest.raises(PermissionDenied):
            decide(cast[role], agency, suggestion)
    assert TriageSuggestion.objects.get(pk=suggestion.pk).status == TriageSuggestion.Status.OPEN
    assert not AuditEvent.objects.filter(action__startswith="insights.triage_suggestion").exists()


def test_another_agencys_suggestion_is_refused(agency, other_agency, cast):
    report = file(other_agency, "He pushed me.")
    suggestion = make_suggestion(report, kind=TriageSuggestion.Kind.DUPLICATE,
                                 similar_report=file(other_agency, "I was pushed over."))
    with pytest.raises(PermissionDenied):
        triage.dismiss_suggestion(cast[Role.INVESTIGATOR], agency, suggestion)


def test_dismissing_is_recorded_and_cannot_be_repeated(agency, cast):
    report = file(agency, "He pushed me.")
    suggestion = make_suggestion(report, kind=TriageSuggestion.Kind.DUPLICATE,
                                 similar_report=file(agency, "I was pushed over."))
    triage.dismiss_suggestion(cast[Role.INVESTIGATOR], agency, suggestion)
    assert AuditEvent.objects.filter(action="insights.triage_suggestion_dismissed").count() == 1
    with pytest.raises(triage.TriageError):
        triage.accept_suggestion(cast[Role.INVESTIGATOR], agency, suggestion)


# ---------------------------------------------------------------- filing and batches

def test_filing_makes_suggestions_in_the_background(agency, django_capture_on_commit_callbacks):
    original, paraphrase = PARAPHRASES[0]
    with django_capture_on_commit_callbacks(execute=True):
        earlier = file(agency, original, occurred_on=date(2026, 3, 1))
    queue = task_backends["text"]
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = file(agency, paraphrase, occurred_on=date(2026, 3, 2))
    [queued] = queue.results  # the test settings' "text" backend records tasks without running them
    assert queued.task.name == "suggest_triage" and queued.args == [report.id]
    triage.suggest_triage.call(*queued.args)
    assert TriageSuggestion.objects.get(report=report).similar_report == earlier


def test_filing_never_fails_when_the_model_is_broken(agency, monkeypatch, django_capture_on_commit_callbacks):
    def broken(texts):
        raise embeddings.ModelUnavailable("OSError: model files are missing")

    monkeypatch.setattr(embeddings, "encode", broken)
    with django_capture_on_commit_callbacks(execute=True):
        filed = feedback.file_report(agency, feedback.Submission(kind="complaint", narrative="He pushed me down."),
                                     channel="web")
    assert filed.created and Report.objects.filter(pk=filed.report.pk).exists()
    assert not TriageSuggestion.objects.exists()


def test_filing_never_fails_when_the_task_cannot_even_be_queued(agency, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise RuntimeError("queue is down")

    monkeypatch.setattr(triage, "suggest_triage", SimpleNamespace(enqueue=refuse))
    with django_capture_on_commit_callbacks(execute=True):
        filed = feedback.file_report(agency, feedback.Submission(kind="complaint", narrative="He pushed me down."),
                                     channel="web")
    assert Report.objects.filter(pk=filed.report.pk).exists()


def test_the_command_suggests_for_recent_reports_and_reruns_on_request(agency):
    original, paraphrase = PARAPHRASES[1]
    earlier = file(agency, original)
    report = file(agency, paraphrase)
    old = file(agency, original)
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=60))
    call_command("suggest_triage", "--agency", agency.slug, "--since", "30")
    assert TriageSuggestion.objects.get(report=report).similar_report == earlier
    assert not TriageSuggestion.objects.filter(report=old).exists()
    first = TriageSuggestion.objects.get(report=report).pk
    call_command("suggest_triage", "--agency", agency.slug, "--since", "30")
    assert TriageSuggestion.objects.get(report=report).pk == first
    call_command("suggest_triage", "--agency", agency.slug, "--since", "30", "--rerun")
    assert TriageSuggestion.objects.get(report=report).pk != first
