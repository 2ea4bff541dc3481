"""Retention: a recording past its category's retention date is listed for deletion unless something holds it
(an open complaint case, a pending footage request, a legal hold); once marked deleted it is never listed again."""

from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.feedback.models import Status
from commonbeat.transparency import tasks
from commonbeat.transparency.models import FootageRequestStatus, RecordingCategory, RetentionRule
from commonbeat.transparency.services import bodycams

from .test_bodycams_support import footage_request, recording, report


def due(agency):
    return set(bodycams.due_for_deletion(agency).values_list("pk", flat=True))


def test_a_recording_is_due_only_once_its_category_retention_has_passed(agency):
    old = recording(agency, days_ago=91, category=RecordingCategory.NON_EVIDENTIARY, number=1)
    on_the_day = recording(agency, days_ago=90, category=RecordingCategory.NON_EVIDENTIARY, number=2)
    kept_longer = recording(agency, days_ago=91, category=RecordingCategory.USE_OF_FORCE, number=3)
    assert due(agency) == {old.pk}
    assert on_the_day.pk not in due(agency) and kept_longer.pk not in due(agency)


def test_the_agency_rule_decides_not_the_default(agency, admin):
    short = recording(agency, days_ago=40, category=RecordingCategory.TRAFFIC_STOP)
    assert due(agency) == set()
    bodycams.set_retention_rules(admin, agency, {RecordingCategory.TRAFFIC_STOP: 30})
    assert due(agency) == {short.pk}
    assert RetentionRule.objects.get(agency=agency, category=RecordingCategory.TRAFFIC_STOP).days == 30


def test_an_open_complaint_case_holds_the_recording_until_it_is_closed(agency):
    case = report(agency, status=Status.INVESTIGATING)
    held = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY, report=case)
    assert due(agency) == set()
    assert any("is open" in reason for reason in bodycams.hold_reasons(held))
    case.status = Status.CLOSED
    case.save()
    assert due(agency) == {held.pk}


def test_a_pending_footage_request_holds_the_recording_until_it_is_answered(agency, admin):
    held = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY)
    request = footage_request(agency)
    bodycams.link_recordings(admin, request, [held])
    assert due(agency) == set()
    for step in (FootageRequestStatus.SEARCHING, FootageRequestStatus.REVIEWING, FootageRequestStatus.RELEASED):
        bodycams.advance_request(admin, request, step)
    assert due(agency) == {held.pk}


def test_a_legal_hold_holds_the_recording_until_released(agency, admin):
    held = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY)
    bodycams.place_legal_hold(admin, held, "Preservation letter")
    assert due(agency) == set()
    with pytest.raises(bodycams.BodycamError):
        bodycams.mark_deleted(admin, held)
    bodycams.release_legal_hold(admin, held)
    assert due(agency) == {held.pk}


def test_a_recording_marked_deleted_is_never_listed_again(agency, admin):
    gone = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY)
    bodycams.mark_deleted(admin, gone)
    gone.refresh_from_db()
    assert gone.deleted_on == agency.today() and gone.deleted_by == admin
    assert due(agency) == set()
    with pytest.raises(bodycams.BodycamError):
        bodycams.mark_deleted(admin, gone)
    event = AuditEvent.objects.get(action="transparency.recording_deleted")
    assert event.object_id == str(gone.pk) and event.changes["sha256"] == gone.sha256


def test_a_recording_within_retention_cannot_be_marked_deleted(agency, admin):
    young = recording(agency, days_ago=5)
    with pytest.raises(bodycams.BodycamError, match="not due"):
        bodycams.mark_deleted(admin, young)
    young.refresh_from_db()
    assert young.deleted_on is None


def test_only_registry_managers_mark_recordings_deleted(agency, cast):
    gone = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY)
    with pytest.raises(PermissionDenied):
        bodycams.mark_deleted(cast[Role.OVERSIGHT_REVIEWER], gone)
    bodycams.mark_deleted(cast[Role.INVESTIGATOR], gone)


def test_the_command_lists_only_recordings_due(agency, other_agency):
    gone = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY, number=1)
    recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY, number=2, legal_hold=True)
    recording(agency, days_ago=3, number=3)
    out = StringIO()
    call_command("recordings_due_for_deletion", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "\t" in line]
    assert len(lines) == 1 and lines[0].split("\t")[1] == str(gone.pk)
    assert gone.sha256 in lines[0]
    assert "1 recording due for deletion." in out.getvalue()


def test_the_task_emails_the_registry_managers_how_many_are_due(agency, cast):
    recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY, number=1)
    recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY, number=2)
    result = tasks.check_recordings_due_for_deletion.enqueue(agency.pk)
    assert result.return_value == 2
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {cast[Role.INVESTIGATOR].email, cast[Role.AGENCY_ADMIN].email}
    assert "2 body-worn camera recordings" in mail.outbox[0].subject


def test_the_task_sends_nothing_when_nothing_is_due(agency, cast):
    recording(agency, days_ago=3)
    assert tasks.check_recordings_due_for_deletion.enqueue(agency.pk).return_value == 0
    assert mail.outbox == []
