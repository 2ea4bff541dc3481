"""The crisis console: the roster with CIT-40 completions from the training record, the availability grid,
recording a response from the form, and the figures in full."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.crisis.models import Availability, CrisisResponse, ResponderKind, Shift, Weekday
from commonbeat.training.models import Category, Course, Source, TrainingRecord
from tests.factories import signed_in_client

from .conftest import clinician_member, make_responses, mental_health_partner, officer_member


def test_the_roster_shows_whether_an_officer_holds_a_cit_40_completion(cast, agency):
    member = officer_member(agency)
    clinician_member(agency)
    coordinator = signed_in_client(cast[Role.CRISIS_COORDINATOR])
    assert "None recorded" in coordinator.get("/console/crisis/team/").content.decode()
    course = Course.objects.create(agency=agency, code="CIT-40", category=Category.CRISIS_INTERVENTION,
                                   title={"en": "Crisis intervention team"}, hours=Decimal(40))
    TrainingRecord.objects.create(agency=agency, officer=member.officer, course=course, completed_on=date(2025, 6, 2),
                                  hours=Decimal(40), source=Source.ENTERED, recorded_at=timezone.now())
    page = coordinator.get("/console/crisis/team/").content.decode()
    assert "Yes, 2025-06-02" in page
    assert "Dana Whitfield (Harborview Behavioral Health)" in page


def test_the_coordinator_adds_a_clinician_and_sets_the_shifts(cast, agency):
    coordinator = signed_in_client(cast[Role.CRISIS_COORDINATOR])
    riverbend = mental_health_partner(agency, "Riverbend Recovery Center")
    response = coordinator.post("/console/crisis/team/new/", {
        "kind": "clinician", "clinician_name": "Amara Okafor", "partner": riverbend.pk, "is_active": "on"})
    member = agency.teammember_set.get(clinician_name="Amara Okafor")
    assert response.status_code == 302 and response["Location"].endswith(f"/console/crisis/team/{member.pk}/")
    coordinator.post(f"/console/crisis/team/{member.pk}/availability/", {"slots": ["0:day", "4:evening"]})
    assert set(Availability.objects.filter(member=member).values_list("weekday", "shift")) == {
        (Weekday.MONDAY, Shift.DAY), (Weekday.FRIDAY, Shift.EVENING)}


def test_a_clinician_without_an_organisation_is_refused_with_what_was_typed_kept(cast, agency):
    coordinator = signed_in_client(cast[Role.CRISIS_COORDINATOR])
    response = coordinator.post("/console/crisis/team/new/", {"kind": "clinician", "clinician_name": "Amara Okafor"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the partner organisation the clinician works for." in page
    assert 'value="Amara Okafor"' in page


def test_the_availability_grid_shows_who_can_cover_each_shift(cast, agency):
    officer, clinician = officer_member(agency), clinician_member(agency)
    Availability.objects.create(agency=agency, member=officer, weekday=Weekday.MONDAY, shift=Shift.DAY)
    Availability.objects.create(agency=agency, member=clinician, weekday=Weekday.MONDAY, shift=Shift.DAY)
    Availability.objects.create(agency=agency, member=clinician, weekday=Weekday.TUESDAY, shift=Shift.NIGHT)
    page = signed_in_client(cast[Role.CRISIS_COORDINATOR]).get("/console/crisis/availability/").content.decode()
    assert page.count("Co-responder team possible") == 1
    assert page.count("No co-responder pair") == 1
    assert "Dana Whitfield" in page and "Alphason" in page


def test_an_officer_records_a_response_from_the_form_once(cast, agency):
    officer, clinician = officer_member(agency), clinician_member(agency)
    client = signed_in_client(cast[Role.OFFICER])
    form = client.get("/console/crisis/responses/new/")
    token = form.context["form"].initial["submission_token"]
    yesterday = agency.today() - timedelta(days=1)
    data = {"submission_token": token, "day": yesterday.isoformat(), "at": "21:15", "call_type": "suicide_risk",
            "officers": [officer.pk], "clinicians": [clinician.pk], "minutes_on_scene": "50",
            "outcomes": ["voluntary_transport"], "notes": "Calm by the end."}
    first = client.post("/console/crisis/responses/new/", data)
    client.post("/console/crisis/responses/new/", data)
    recorded = CrisisResponse.objects.get(agency=agency)
    assert first["Location"].endswith(f"/console/crisis/responses/{recorded.pk}/")
    assert recorded.responder_kind == ResponderKind.CO_RESPONDER
    assert recorded.voluntary_transport and recorded.recorded_by == cast[Role.OFFICER]
    page = client.get(first["Location"]).content.decode()
    assert "Voluntary transport to care" in page and "Calm by the end." in page


def test_a_response_without_responders_is_refused_on_the_form(cast, agency):
    client = signed_in_client(cast[Role.OFFICER])
    response = client.post("/console/crisis/responses/new/", {
        "day": "2026-01-01", "at": "10:00", "call_type": "other", "minutes_on_scene": "10",
        "outcomes": ["arrest"], "notes": "typed text stays"})
    page = response.content.decode()
    assert "Choose at least one officer or clinician who responded." in page
    assert "typed text stays" in page
    assert not CrisisResponse.objects.exists()


def test_staff_figures_show_exact_small_counts_by_responder_kind(cast, agency, north):
    year, month = (timezone.localdate().replace(day=1) - timedelta(days=1)).timetuple()[:2]
    make_responses(agency, 3, kind=ResponderKind.CLINICIAN_ONLY, place=north, when=(year, month, 2, 10, 0))
    page = signed_in_client(cast[Role.OVERSIGHT_REVIEWER]).get("/console/crisis/figures/").content.decode()
    assert "Clinician only" in page and "Officer and clinician (co-responder)" in page
    assert "fewer than 11" not in page
    csv_text = signed_in_client(cast[Role.OVERSIGHT_REVIEWER]).get("/console/crisis/figures.csv").content.decode()
    assert f"by_neighbourhood,all,,{north.slug},clinician_only,3,false" in csv_text


def test_a_follow_up_referral_is_made_from_the_response_and_listed_on_it(cast, agency):
    from commonbeat.partners.models import PartnerService, Referral

    response, = make_responses(agency, 1, kind=ResponderKind.CO_RESPONDER)
    partner = mental_health_partner(agency)
    service = PartnerService.objects.create(agency=agency, partner=partner, name={"en": "Crisis follow-up"})
    client = signed_in_client(cast[Role.OFFICER])
    page = client.get(f"/console/crisis/responses/{response.pk}/").content.decode()
    assert "No follow-up referral has been made after this response." in page
    link = f"/console/referrals/new/?source=crisis-response%3A{response.pk}"
    assert link in page
    form = client.get(link)
    assert form.context["form"]["source"].value() == f"crisis-response:{response.pk}"
    client.post("/console/referrals/new/", {
        "submission_token": form.context["form"].initial["submission_token"],
        "source": f"crisis-response:{response.pk}", "service": service.pk, "reason": "mental_health",
        "first_name": "Tomasz", "contact": "555-0199", "consent_recorded": "on", "consent_method": "verbal"})
    referral = Referral.objects.get(agency=agency)
    assert referral.source == f"crisis-response:{response.pk}"
    page = client.get(f"/console/crisis/responses/{response.pk}/").content.decode()
    assert "Harborview Behavioral Health" in page and "Crisis follow-up" in page
    assert f"/console/referrals/{referral.pk}/" in page  # the referrer may open it
    # The coordinator sees the referral's status on the response, but not a way to the person's details.
    coordinator_page = signed_in_client(cast[Role.CRISIS_COORDINATOR]).get(
        f"/console/crisis/responses/{response.pk}/").content.decode()
    assert "Sent, waiting for the partner" in coordinator_page
    assert f"/console/referrals/{referral.pk}/" not in coordinator_page and "Tomasz" not in coordinator_page
