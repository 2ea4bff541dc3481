"""An officer's own training page, and the compliance view staff filter by unit, requirement and status."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.training.models import SessionSeat, Source, TrainingRecord, TrainingSession

from ..factories import signed_in_client
from .conftest import make_officer


def test_an_officer_sees_their_requirements_records_and_bookings(agency, cast, courses, de_escalation, patrol):
    user = cast[Role.OFFICER]
    officer = make_officer(agency, "901", unit=patrol, user=user)
    TrainingRecord.objects.create(agency=agency, officer=officer, course=courses["DEESC-8"],
                                  completed_on=date.today() - timedelta(days=340), hours=8, source=Source.IMPORTED,
                                  recorded_at=timezone.now())
    start = timezone.now() + timedelta(days=7)
    session = TrainingSession.objects.create(agency=agency, course=courses["DEESC-8"], starts_at=start,
                                             ends_at=start + timedelta(hours=8), place="Academy Room 4")
    SessionSeat.objects.create(agency=agency, session=session, officer=officer)
    page = signed_in_client(user).get(reverse("training:mine")).content.decode()
    assert "DEESC-8 De-escalation: 8 hours every 12 months" in page
    assert "Due soon" in page
    assert (date.today() + timedelta(days=25)).isoformat() in page
    assert "Imported from a learning system" in page
    assert "Academy Room 4" in page


def test_an_account_without_an_officer_is_told_so(agency, cast):
    page = signed_in_client(cast[Role.OFFICER]).get(reverse("training:mine")).content.decode()
    assert "not linked to an officer" in page


def test_the_compliance_view_filters_by_unit_and_status(agency, cast, courses, de_escalation, patrol, crisis_unit):
    make_officer(agency, "902", unit=crisis_unit, last_name="Crisiswood")
    current = make_officer(agency, "903", unit=patrol, last_name="Currentson")
    TrainingRecord.objects.create(agency=agency, officer=current, course=courses["DEESC-8"],
                                  completed_on=date.today() - timedelta(days=10), hours=8, source=Source.ENTERED,
                                  recorded_at=timezone.now())
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    page = client.get(reverse("training:staff_compliance")).content.decode()
    assert "Crisiswood" in page and "Currentson" in page
    assert "Crisis Intervention" in page and "Alpha Patrol" in page  # the unit roll-up
    page = client.get(reverse("training:staff_compliance"), {"unit": patrol.pk, "status": "overdue"}).content.decode()
    officers_table = page.split("<h2>Officers</h2>")[1]
    assert "Crisiswood" not in officers_table and "Currentson" not in officers_table
    assert "Alphason" in officers_table
