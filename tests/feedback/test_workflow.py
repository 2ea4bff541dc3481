"""The investigation state machine, through the services, as a matrix over TRANSITIONS.

Every listed move works for the role it names and is refused for a role without it; every pair of
statuses not listed is refused with a FeedbackError and changes nothing; and each service verb moves a
case only from the statuses it is meant for.
"""

from itertools import product

import pytest
from django.core.exceptions import PermissionDenied

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer
from commonbeat.feedback import services
from commonbeat.feedback.models import Classification, Report, Status, StatusChange

from ..factories import make_user
from .factories import category, closed, file, finding, in_review, investigating, triaged

S = Status


@pytest.fixture
def second_investigator(agency):
    """Another investigator: reviews findings of cases they did not investigate."""
    return make_user(agency, Role.INVESTIGATOR, "second_investigator")


def assigned(agency, cast):
    return services.assign(cast[Role.AGENCY_ADMIN], triaged(agency, cast), cast[Role.INVESTIGATOR])


def in_mediation(agency, cast):
    return services.refer_to_mediation(cast[Role.INVESTIGATOR], investigating(agency, cast), "Both agreed.")


def report_at(status: str, agency, cast) -> Report:
    """A formal complaint that has reached `status` the ordinary way."""
    return {
        S.RECEIVED: lambda: file(agency).report,
        S.TRIAGED: lambda: triaged(agency, cast),
        S.ASSIGNED: lambda: assigned(agency, cast),
        S.INVESTIGATING: lambda: investigating(agency, cast),
        S.MEDIATION: lambda: in_mediation(agency, cast),
        S.REVIEW: lambda: in_review(agency, cast),
        S.CLOSED: lambda: closed(agency, cast),
    }[status]()


def record_all_findings(actor, report, agency):
    for allegation in report.allegations.all():
        services.record_finding(actor, allegation, finding(agency), "The video shows it.")


def triage_as_inquiry(agency, cast):
    report = file(agency).report
    return services.triage(cast[Role.INVESTIGATOR], report, Classification.INQUIRY, [])


# (from, to) -> (the case to start from, the role that may make the move, the move as that person)
MOVES = {
    (S.RECEIVED, S.TRIAGED): (
        lambda a, c: file(a).report, Role.INVESTIGATOR,
        lambda actor, r, a, c: services.triage(actor, r, Classification.FORMAL_COMPLAINT,
                                               [services.AllegationInput(category(a))])),
    (S.TRIAGED, S.ASSIGNED): (
        lambda a, c: triaged(a, c), Role.INVESTIGATOR,
        lambda actor, r, a, c: services.assign(actor, r, c[Role.INVESTIGATOR])),
    (S.TRIAGED, S.CLOSED): (
        triage_as_inquiry, Role.INVESTIGATOR,
        lambda actor, r, a, c: services.close(actor, r, "We answered the question by phone.")),
    (S.ASSIGNED, S.ASSIGNED): (
        assigned, Role.AGENCY_ADMIN,
        lambda actor, r, a, c: services.assign(actor, r, make_user(a, Role.INVESTIGATOR, "new_investigator"))),
    (S.ASSIGNED, S.INVESTIGATING): (
        assigned, Role.INVESTIGATOR, lambda actor, r, a, c: services.start_investigation(actor, r)),
    (S.INVESTIGATING, S.MEDIATION): (
        lambda a, c: investigating(a, c), Role.INVESTIGATOR,
        lambda actor, r, a, c: services.refer_to_mediation(actor, r, "Both agreed to meet.")),
    (S.MEDIATION, S.INVESTIGATING): (
        in_mediation, Role.INVESTIGATOR, lambda actor, r, a, c: services.end_mediation(actor, r, "It did not work.")),
    (S.INVESTIGATING, S.REVIEW): (
        lambda a, c: investigating(a, c), Role.INVESTIGATOR,
        lambda actor, r, a, c: (record_all_findings(actor, r, a), services.submit_for_review(actor, r))[1]),
    (S.MEDIATION, S.REVIEW): (
        in_mediation, Role.INVESTIGATOR,
        lambda actor, r, a, c: (record_all_findings(actor, r, a), services.submit_for_review(actor, r))[1]),
    (S.REVIEW, S.INVESTIGATING): (
        lambda a, c: in_review(a, c), "second_investigator",
        lambda actor, r, a, c: services.return_for_investigation(actor, r, "Interview the witness.")),
    (S.REVIEW, S.CLOSED): (
        lambda a, c: in_review(a, c), "second_investigator",
        lambda actor, r, a, c: services.close(actor, r, "The officer was retrained.")),
}


def test_the_matrix_covers_every_transition():
    assert set(MOVES) == set(services.TRANSITIONS)


@pytest.mark.parametrize("move", list(MOVES), ids=lambda m: "-".join(m) if isinstance(m, tuple) else str(m))
def test_each_transition_works_for_the_role_that_may_make_it(move, agency, cast, second_investigator):
    setup, role, perform = MOVES[move]
    actor = second_investigator if role == "second_investigator" else cast[role]
    report = setup(agency, cast)
    assert report.status == move[0]
    perform(actor, report, agency, cast)
    report.refresh_from_db()
    assert report.status == move[1]
    change = report.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (move[0], move[1], actor)
    event = AuditEvent.objects.filter(action="feedback.status_changed", object_id=str(report.id)).last()
    assert event.changes["from"] == move[0] and event.changes["to"] == move[1] and event.actor == actor


@pytest.mark.parametrize("move", list(MOVES), ids=lambda m: "-".join(m) if isinstance(m, tuple) else str(m))
@pytest.mark.parametrize("role", [Role.OVERSIGHT_REVIEWER, Role.OFFICER, Role.BOARD_MEMBER])
def test_each_transition_is_refused_to_a_role_without_it(move, role, agency, cast):
    setup, _role, perform = MOVES[move]
    report = setup(agency, cast)
    changes_before = StatusChange.objects.filter(report=report).count()
    with pytest.raises(PermissionDenied):
        perform(cast[role], report, agency, cast)
    report.refresh_from_db()
    assert report.status == move[0]
    assert StatusChange.objects.filter(report=report).count() == changes_before


NOT_ALLOWED = [pair for pair in product(Status.values, Status.values) if pair not in services.TRANSITIONS]


@pytest.mark.parametrize("pair", NOT_ALLOWED, ids=lambda p: "-".join(p))
def test_every_other_pair_of_statuses_is_refused_even_for_an_agency_admin(pair, agency, cast):
    report = report_at(pair[0], agency, cast)
    changes_before = report.status_changes.count()
    with pytest.raises(services.FeedbackError, match="cannot go to"):
        services._move(cast[Role.AGENCY_ADMIN], report, pair[1])
    report.refresh_from_db()
    assert report.status == pair[0] and report.status_changes.count() == changes_before


# verb -> (the statuses it moves a formal complaint from, the call as an agency admin)
VERBS = {
    "triage": ({S.RECEIVED}, lambda admin, r, a, c: services.triage(
        admin, r, Classification.FORMAL_COMPLAINT, [services.AllegationInput(category(a))])),
    "assign": ({S.TRIAGED, S.ASSIGNED}, lambda admin, r, a, c: services.assign(admin, r, c[Role.INVESTIGATOR])),
    "start_investigation": ({S.ASSIGNED}, lambda admin, r, a, c: services.start_investigation(admin, r)),
    "refer_to_mediation": ({S.INVESTIGATING}, lambda admin, r, a, c: services.refer_to_mediation(admin, r, "Agreed.")),
    "end_mediation": ({S.MEDIATION}, lambda admin, r, a, c: services.end_mediation(admin, r, "Done.")),
    "submit_for_review": ({S.INVESTIGATING, S.MEDIATION}, lambda admin, r, a, c: services.submit_for_review(admin, r)),
    "return_for_investigation": (
        {S.REVIEW}, lambda admin, r, a, c: services.return_for_investigation(admin, r, "More needed.")),
    "close": ({S.REVIEW}, lambda admin, r, a, c: services.close(admin, r, "Outcome.")),
    "verify_commendation": (set(), lambda admin, r, a, c: services.verify_commendation(
        admin, r, [Officer.objects.filter(agency=a).first()], note="Thanks.")),
}
REFUSED_VERBS = [(verb, status) for verb, (sources, _call) in VERBS.items() for status in Status.values
                 if status not in sources]


@pytest.mark.parametrize(("verb", "status"), REFUSED_VERBS, ids=lambda v: str(v))
def test_each_service_moves_a_complaint_only_from_its_own_statuses(verb, status, agency, cast):
    report = report_at(status, agency, cast)
    changes_before = report.status_changes.count()
    with pytest.raises(services.FeedbackError):
        VERBS[verb][1](cast[Role.AGENCY_ADMIN], report, agency, cast)
    report.refresh_from_db()
    assert report.status == status and report.status_changes.count() == changes_before


def test_starting_an_investigation_cannot_pull_a_case_back_from_review(agency, cast):
    report = in_review(agency, cast)
    with pytest.raises(services.FeedbackError, match="once the case is assigned"):
        services.start_investigation(cast[Role.INVESTIGATOR], report)
    with pytest.raises(services.FeedbackError, match="Only a case in mediation"):
        services.end_mediation(cast[Role.INVESTIGATOR], report, "Never mind.")
    report.refresh_from_db()
    assert report.status == S.REVIEW


def test_findings_are_required_for_every_allegation_before_review(agency, cast):
    officer = Officer.objects.filter(agency=agency).first()
    report = services.triage(cast[Role.INVESTIGATOR], file(agency).report, Classification.FORMAL_COMPLAINT, [
        services.AllegationInput(category(agency), officer), services.AllegationInput(category(agency, "bias"))])
    report = services.assign(cast[Role.AGENCY_ADMIN], report, cast[Role.INVESTIGATOR])
    report = services.start_investigation(cast[Role.INVESTIGATOR], report)
    first = report.allegations.first()
    services.record_finding(cast[Role.INVESTIGATOR], first, finding(agency), "Video.")
    with pytest.raises(services.FeedbackError, match=r"\(1 missing\)"):
        services.submit_for_review(cast[Role.INVESTIGATOR], report)
    report.refresh_from_db()
    assert report.status == S.INVESTIGATING


def test_the_investigator_cannot_review_or_close_their_own_case(agency, cast):
    report = in_review(agency, cast)
    investigator = cast[Role.INVESTIGATOR]
    with pytest.raises(PermissionDenied, match="someone other than the case's investigator"):
        services.close(investigator, report, "All done.")
    with pytest.raises(PermissionDenied, match="someone other than the case's investigator"):
        services.return_for_investigation(investigator, report, "More.")
    report.refresh_from_db()
    assert report.status == S.REVIEW and report.closed_at is None


def test_only_the_assigned_investigator_works_on_the_case(agency, cast, second_investigator):
    report = assigned(agency, cast)
    with pytest.raises(PermissionDenied, match="Only the assigned investigator"):
        services.start_investigation(second_investigator, report)
    with pytest.raises(PermissionDenied, match="Only the assigned investigator"):
        services.add_case_entry(second_investigator, report, "note", "Looked at it.")


def test_a_commendation_is_triaged_and_verified_never_investigated(agency, cast):
    report = file(agency, kind="commendation", narrative="Officer Pat was kind and patient.").report
    admin, officer = cast[Role.AGENCY_ADMIN], Officer.objects.filter(agency=agency).first()
    with pytest.raises(services.FeedbackError, match="Only commendations are verified"):
        services.verify_commendation(admin, report, [officer], note="")
    report = services.triage(cast[Role.INVESTIGATOR], report, Classification.COMMENDATION, [])
    with pytest.raises(services.FeedbackError, match="Only formal complaints are investigated"):
        services.assign(admin, report, cast[Role.INVESTIGATOR])
    with pytest.raises(services.FeedbackError, match="closed by verifying"):
        services.close(admin, report, "Thanks.")
    report = services.verify_commendation(cast[Role.INVESTIGATOR], report, [officer], note="Thank you.")
    assert report.status == S.CLOSED and list(report.commended_officers.all()) == [officer]
    with pytest.raises(services.FeedbackError, match="cannot go to"):
        services.verify_commendation(admin, report, [officer], note="Again.")


@pytest.mark.parametrize("status", [S.RECEIVED, S.TRIAGED, S.ASSIGNED, S.REVIEW, S.CLOSED])
def test_findings_are_recorded_only_under_investigation_or_in_mediation(status, agency, cast):
    report = report_at(status, agency, cast)
    allegation = report.allegations.first()
    if allegation is None:
        return  # a report not yet triaged has no allegation to record a finding on
    before = allegation.finding_id
    with pytest.raises(services.FeedbackError, match="under investigation"):
        services.record_finding(cast[Role.AGENCY_ADMIN], allegation, finding(agency, "exonerated"), "Lawful.")
    allegation.refresh_from_db()
    assert allegation.finding_id == before


@pytest.mark.parametrize("status", [S.RECEIVED, S.TRIAGED, S.CLOSED])
def test_case_entries_are_added_only_while_the_case_is_open_for_investigation(status, agency, cast):
    report = report_at(status, agency, cast)
    with pytest.raises(services.FeedbackError, match="open for investigation"):
        services.add_case_entry(cast[Role.AGENCY_ADMIN], report, "note", "Too early or too late.")
    assert not report.entries.exists()
