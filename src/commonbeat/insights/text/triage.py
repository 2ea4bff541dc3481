"""Suggestions for a new report: the allegation categories it likely names, and other reports that may describe
the same incident. A suggestion is shown to investigators with its confidence and is never applied by itself:
an investigator accepts or dismisses it.

- Categories come from a one-vs-rest logistic regression on the narratives' sentence embeddings, trained per
  agency on its own reports whose allegations have findings recorded (what an investigator settled). A category
  with fewer than `MIN_EXAMPLES` such reports is scored by similarity to the centroid of the ones it has.
- Possible duplicates are reports of the same agency within `DUPLICATE_WINDOW` of the incident date whose
  narratives read alike (cosine similarity at least `DUPLICATE_THRESHOLD`), those in the same neighbourhood first.
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.tenancy import scoped

from . import embeddings, model_version

log = logging.getLogger(__name__)

MIN_EXAMPLES = 5
MIN_CONFIDENCE = 0.2
MAX_CATEGORIES = 3
MAX_DUPLICATES = 3
DUPLICATE_WINDOW = timedelta(days=14)
# all-MiniLM-L6-v2 puts two tellings of the same incident (other words, same people, place and acts) at 0.75-0.9,
# and two different complaints of the same kind ("pushed", "was rude") at 0.45-0.65; 0.72 keeps the first and
# leaves out the second (tests/insights/test_triage.py holds both kinds of pairs).
DUPLICATE_THRESHOLD = 0.72
# Nearest-centroid scores: a logistic curve on the similarity, 0.5 where a narrative is as close to the centroid
# as narratives of the category usually are to each other with this model, steep enough that unrelated texts
# (similarity around 0.1-0.3) score near zero.
CENTROID_MIDPOINT = 0.45
CENTROID_STEEPNESS = 12.0
EMBEDDING_NAME = "all-MiniLM-L6-v2"


class TriageError(Exception):
    """A decision on a suggestion that cannot be made, with a message a person can read."""




# ---------------------------------------------------------------- the category model

@dataclass
class CategoryModel:
    """Scores for each allegation category code, from 0 to 1, for any narrative."""

    classifiers: dict = field(default_factory=dict)  # code -> fitted LogisticRegression
    centroids: dict = field(default_factory=dict)  # code -> unit vector
    always: dict = field(default_factory=dict)  # code -> confidence, for a code every training text had
    trained_on: int = 0

    @property
    def codes(self) -> list[str]:
        return sorted({*self.classifiers, *self.centroids, *self.always})

    def predict(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """For each text, (code, confidence) for every category the model knows, best first."""
        return self.predict_vectors(embeddings.encode(list(texts)))

    def predict_vectors(self, vectors: np.ndarray) -> list[list[tuple[str, float]]]:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, embeddings.DIMENSIONS)
        scores: dict[str, np.ndarray] = {}
        for code, classifier in self.classifiers.items():
            scores[code] = classifier.predict_proba(vectors)[:, 1]
        for code, centroid in self.centroids.items():
            similarity = vectors @ centroid
            scores[code] = 1.0 / (1.0 + np.exp(-CENTROID_STEEPNESS * (similarity - CENTROID_MIDPOINT)))
        for code, confidence in self.always.items():
            scores[code] = np.full(len(vectors), confidence)
        return [sorted(((code, float(values[row])) for code, values in scores.items()), key=lambda pair: -pair[1])
                for row in range(len(vectors))]


def train_category_model(texts: list[str], labels: list[list[str]]) -> CategoryModel:
    """Train on narratives and, for each, the category codes it was settled to contain."""
    return train_on_vectors(embeddings.encode(list(texts)), labels)


def train_on_vectors(vectors: np.ndarray, labels: list[list[str]]) -> CategoryModel:
    from sklearn.linear_model import LogisticRegression

    vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, embeddings.DIMENSIONS)
    model = CategoryModel(trained_on=len(vectors))
    for code in sorted({code for codes in labels for code in codes}):
        has = np.array([code in codes for codes in labels])
        if has.all():
            model.always[code] = 1.0
        elif has.sum() < MIN_EXAMPLES:
            centroid = vectors[has].mean(axis=0)
            model.centroids[code] = centroid / (np.linalg.norm(centroid) or 1.0)
        else:
            # Unit-length embeddings are close together; a weak penalty lets the probabilities spread out.
            model.classifiers[code] = LogisticRegression(C=10.0, max_iter=1000).fit(vectors, has.astype(int))
    return model


# ---------------------------------------------------------------- an agency's model, cached per process

_cache_lock = threading.Lock()
_cache: dict[int, tuple[tuple[int, str], CategoryModel]] = {}


def _training_reports(agency):
    from commonbeat.feedback.models import Kind, Report

    return (scoped(Report, agency).filter(kind=Kind.COMPLAINT, allegations__finding__isnull=False)
            .distinct().order_by("id"))


def agency_model(agency) -> CategoryModel:
    """The agency's category model, retrained when its settled reports or the text models change."""
    reports = list(_training_reports(agency).prefetch_related("allegations__category"))
    key = (len(reports), model_version())
    with _cache_lock:
        cached = _cache.get(agency.id)
    if cached and cached[0] == key:
        return cached[1]
    labels = [sorted({a.category.code for a in report.allegations.all() if a.finding_id}) for report in reports]
    model = train_on_vectors(report_vectors(agency, reports), labels) if reports else CategoryModel()
    with _cache_lock:
        _cache[agency.id] = (key, model)
    return model


def report_vectors(agency, reports) -> np.ndarray:
    """The narratives' embeddings: the stored analysis's when it is of the current models, else computed."""
    from commonbeat.insights.models import TextAnalysis, TextSource

    stored = dict(TextAnalysis.objects.filter(
        agency=agency, source=TextSource.REPORT, source_id__in=[r.pk for r in reports],
        model_version=model_version(), embedding__isnull=False).values_list("source_id", "embedding"))
    missing = [r for r in reports if r.pk not in stored]
    computed = dict(zip([r.pk for r in missing], embeddings.encode([r.narrative for r in missing]), strict=True))
    rows = [embeddings.from_bytes(stored[r.pk]) if r.pk in stored else computed[r.pk] for r in reports]
    return np.vstack(rows) if rows else np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)


# ---------------------------------------------------------------- suggestions

def _incident_date(report) -> date:
    return report.occurred_on or timezone.localtime(report.received_at, report.agency.zone).date()


def _candidates(report):
    """Other reports of the agency whose incident date is within the window of this one's."""
    from commonbeat.feedback.models import Report

    day = _incident_date(report)
    first, last = day - DUPLICATE_WINDOW, day + DUPLICATE_WINDOW
    start, end = report.agency.day_bounds(first, last)
    return (scoped(Report, report.agency).exclude(pk=report.pk)
            .filter(Q(occurred_on__range=(first, last))
                    | Q(occurred_on__isnull=True, received_at__gte=start, received_at__lt=end))
            .select_related("agency", "neighbourhood"))


def possible_duplicates(report, vector: np.ndarray) -> list[tuple[object, float]]:
    """(report, similarity) for reports that may tell the same incident, same neighbourhood first."""
    candidates = list(_candidates(report))
    if not candidates:
        return []
    similarities = report_vectors(report.agency, candidates) @ vector
    found = [(other, float(similarity)) for other, similarity in zip(candidates, similarities, strict=True)
             if similarity >= DUPLICATE_THRESHOLD]
    same_place = report.neighbourhood_id is not None
    found.sort(key=lambda pair: (not (same_place and pair[0].neighbourhood_id == report.neighbourhood_id),
                                 -pair[1]))
    return found[:MAX_DUPLICATES]


def suggest(report) -> list:
    """Replace the report's open suggestions with new ones. The report itself is never changed; a category or a
    report an investigator already decided on is not suggested again. Raises ModelUnavailable when the
    embedding model cannot load."""
    from commonbeat.feedback.models import AllegationCategory, Kind
    from commonbeat.insights.models import TriageSuggestion

    agency = report.agency
    vector = report_vectors(agency, [report])[0]
    category_model = agency_model(agency) if report.kind == Kind.COMPLAINT else CategoryModel()
    # The training-set size first: the field holds 200 characters and the text models' versions may run longer.
    version = f"categories from {category_model.trained_on} reports; {model_version()}"[:200]
    decided = TriageSuggestion.objects.filter(agency=agency, report=report).exclude(
        status=TriageSuggestion.Status.OPEN)
    decided_categories = set(decided.values_list("category_id", flat=True))
    decided_reports = set(decided.values_list("similar_report_id", flat=True))
    already_alleged = set(report.allegations.values_list("category_id", flat=True))
    categories = {c.code: c for c in scoped(AllegationCategory, agency).filter(active=True)}
    now = timezone.now()
    rows = []
    if category_model.codes:
        for code, confidence in category_model.predict_vectors(vector[None, :])[0]:
            category = categories.get(code)
            if (category is None or confidence < MIN_CONFIDENCE or category.id in decided_categories
                    or category.id in already_alleged):
                continue
            rows.append(TriageSuggestion(agency=agency, report=report, kind=TriageSuggestion.Kind.CATEGORY,
                                         category=category, confidence=round(confidence, 4),
                                         model_version=version, created_at=now))
            if len(rows) == MAX_CATEGORIES:
                break
    for other, similarity in possible_duplicates(report, vector):
        if other.id in decided_reports:
            continue
        rows.append(TriageSuggestion(agency=agency, report=report, kind=TriageSuggestion.Kind.DUPLICATE,
                                     similar_report=other, confidence=round(min(similarity, 1.0), 4),
                                     model_version=version, created_at=now))
    with transaction.atomic():
        TriageSuggestion.objects.filter(agency=agency, report=report, status=TriageSuggestion.Status.OPEN).delete()
        return TriageSuggestion.objects.bulk_create(rows)


@task(queue_name="text", backend="text")
def suggest_triage(report_id: int) -> int:
    """Suggest categories and duplicates for a report just filed. Suggestions are a help, never a condition: when
    the model cannot load or fails, nothing is recorded and the case page says suggestions are unavailable."""
    from commonbeat.feedback.models import Report

    report = Report.objects.select_related("agency").filter(pk=report_id).first()
    if report is None:
        return 0
    try:
        return len(suggest(report))
    except Exception as error:  # noqa: BLE001 - a failed suggestion must never stand in the way of a report
        log.warning("No triage suggestions for report %s: %s", report_id, error)
        return 0


# ---------------------------------------------------------------- decisions

def _require(actor, agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _open(agency, suggestion):
    from commonbeat.insights.models import TriageSuggestion

    if suggestion.agency_id != agency.id:
        raise PermissionDenied
    suggestion = TriageSuggestion.objects.select_for_update(of=("self",)).select_related(
        "report__agency", "category", "similar_report").get(pk=suggestion.pk)
    if suggestion.status != TriageSuggestion.Status.OPEN:
        raise TriageError(_("This suggestion was already decided on."))
    return suggestion


def may_accept(suggestion) -> bool:
    """Whether accepting can work now: an allegation can only be added while the report waits for triage."""
    from commonbeat.feedback.models import Status
    from commonbeat.insights.models import TriageSuggestion

    if suggestion.kind == TriageSuggestion.Kind.CATEGORY:
        return suggestion.report.status == Status.RECEIVED
    return True


@transaction.atomic
def accept_suggestion(actor, agency, suggestion):
    """Accept a suggestion. A likely category triages the waiting report as a formal complaint with that
    allegation (through the feedback service that triages reports); a possible duplicate links the two reports
    as the same incident and changes neither."""
    from commonbeat.feedback import services as feedback
    from commonbeat.feedback.models import Classification
    from commonbeat.insights.models import TriageSuggestion

    _require(actor, agency, Action.TRIAGE_REPORTS)
    suggestion = _open(agency, suggestion)
    report = suggestion.report
    if suggestion.kind == TriageSuggestion.Kind.CATEGORY:
        if not may_accept(suggestion):
            raise TriageError(_("This report is already triaged, so a suggested allegation can no longer be "
                                "added from here."))
        try:
            feedback.triage(actor, report, Classification.FORMAL_COMPLAINT,
                            [feedback.AllegationInput(suggestion.category)])
        except feedback.FeedbackError as error:
            raise TriageError(str(error)) from error
    suggestion.status = TriageSuggestion.Status.ACCEPTED
    suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record("insights.triage_suggestion_accepted", actor=actor, agency=agency, target=report, changes={
        "suggestion": suggestion.id, "kind": suggestion.kind, "confidence": suggestion.confidence,
        "category": suggestion.category.code if suggestion.category else "",
        "same_incident_as": suggestion.similar_report.reference if suggestion.similar_report else "",
        "model_version": suggestion.model_version})
    return suggestion


@transaction.atomic
def dismiss_suggestion(actor, agency, suggestion):
    """Dismiss a suggestion: it is kept, with who dismissed it, and not suggested again for this report."""
    from commonbeat.insights.models import TriageSuggestion

    _require(actor, agency, Action.TRIAGE_REPORTS)
    suggestion = _open(agency, suggestion)
    suggestion.status = TriageSuggestion.Status.DISMISSED
    suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record("insights.triage_suggestion_dismissed", actor=actor, agency=agency, target=suggestion.report,
                 changes={"suggestion": suggestion.id, "kind": suggestion.kind, "confidence": suggestion.confidence,
                          "model_version": suggestion.model_version})
    return suggestion
