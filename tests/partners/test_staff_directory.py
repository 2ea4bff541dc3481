"""Engagement staff keep the directory: partners, services, agreements, partner sign-ins and initiatives."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.partners.models import Agreement, Initiative, Partner, PartnerUser

from ..factories import signed_in_client
from .helpers import make_partner


@pytest.fixture
def manager(cast):
    return signed_in_client(cast[Role.ENGAGEMENT_STAFF])


def test_engagement_staff_add_a_partner(agency, manager):
    north = Neighbourhood.objects.filter(agency=agency).first()
    response = manager.post(reverse("partners:staff_partner_new"), {
        "slug": "youth-forward", "name": "Youth Forward", "kind": "nonprofit", "description_en": "Sports and arts.",
        "languages": "English, Spanish", "neighbourhoods": [north.pk], "is_public": "on"}, follow=True)
    partner = Partner.objects.get(slug="youth-forward")
    assert partner.agency == agency and list(partner.neighbourhoods.all()) == [north]
    assert "Youth Forward" in response.content.decode()


def test_a_duplicate_short_name_is_refused_on_the_form(agency, manager):
    make_partner(agency, slug="youth-forward")
    response = manager.post(reverse("partners:staff_partner_new"), {
        "slug": "youth-forward", "name": "Youth Forward", "kind": "nonprofit"})
    assert "already uses this short name" in response.content.decode()
    assert Partner.objects.count() == 1


def test_staff_add_a_service_an_agreement_and_link_a_partner_user(agency, cast, manager):
    partner = make_partner(agency)
    manager.post(reverse("partners:staff_service_add", args=[partner.pk]), {"service-name_en": "Hot meals"})
    manager.post(reverse("partners:staff_agreement_add", args=[partner.pk]), {
        "agreement-title": "MOU", "agreement-signed_on": "2026-01-01", "agreement-expires_on": "2027-01-01"})
    manager.post(reverse("partners:staff_user_link", args=[partner.pk]), {"user-user": cast[Role.PARTNER].pk})
    assert partner.services.filter(name__en="Hot meals").exists()
    assert Agreement.objects.get().expires_on == date(2027, 1, 1)
    assert PartnerUser.objects.get().user == cast[Role.PARTNER]


def test_an_agreement_that_expires_before_it_is_signed_is_refused(agency, manager):
    partner = make_partner(agency)
    response = manager.post(reverse("partners:staff_agreement_add", args=[partner.pk]), {
        "agreement-title": "MOU", "agreement-signed_on": "2026-01-01", "agreement-expires_on": "2025-01-01"})
    assert response.status_code == 400 and "must expire after" in response.content.decode()
    assert not Agreement.objects.exists()


def test_staff_create_an_initiative_with_measures_and_milestones(agency, manager):
    partner = make_partner(agency)
    manager.post(reverse("partners:staff_initiative_new"), {
        "slug": "safe-routes", "title_en": "Safe routes", "partners": [partner.pk], "status": "active",
        "is_public": "on"})
    initiative = Initiative.objects.get()
    manager.post(reverse("partners:staff_measure_add", args=[initiative.pk]),
                 {"measure-name_en": "Routes covered", "measure-target": "12", "measure-current": "3"})
    measure = initiative.measures.get()
    manager.post(reverse("partners:staff_measure_update", args=[initiative.pk, measure.pk]),
                 {f"value-{measure.pk}-current": "6"})
    manager.post(reverse("partners:staff_milestone_add", args=[initiative.pk]), {"milestone-title_en": "Map routes"})
    milestone = initiative.milestones.get()
    manager.post(reverse("partners:staff_milestone_done", args=[initiative.pk, milestone.pk]))
    measure.refresh_from_db()
    milestone.refresh_from_db()
    assert measure.current == 6 and milestone.done_on is not None
    page = manager.get(reverse("partners:staff_initiative", args=[initiative.pk])).content.decode()
    assert "Routes covered" in page and "(50%)" in page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PARTNER, Role.INVESTIGATOR])
def test_other_roles_cannot_manage_partners(agency, cast, role):
    partner = make_partner(agency)
    client = signed_in_client(cast[role])
    for url in [reverse("partners:staff_partners"), reverse("partners:staff_partner", args=[partner.pk]),
                reverse("partners:staff_initiatives"), reverse("partners:staff_agreements")]:
        assert client.get(url).status_code == 403, url


def test_the_crisis_coordinator_manages_partners(agency, cast):
    make_partner(agency)
    page = signed_in_client(cast[Role.CRISIS_COORDINATOR]).get(reverse("partners:staff_partners"))
    assert "Harbor Food Bank" in page.content.decode()


def test_another_agencys_partner_is_not_found_in_the_console(agency, other_agency, other_admin):
    partner = make_partner(agency)
    client = signed_in_client(other_admin, host="beta.test")
    assert client.get(reverse("partners:staff_partner", args=[partner.pk])).status_code == 404
    assert client.post(reverse("partners:staff_service_add", args=[partner.pk]),
                       {"service-name_en": "X"}).status_code == 404


def test_every_console_page_shows_its_content_to_an_admin(agency, cast, admin_client):
    from datetime import timedelta

    from django.utils import timezone

    from commonbeat.partners.models import InitiativeMeasure

    from .helpers import refer

    partner = make_partner(agency)
    Agreement.objects.create(agency=agency, partner=partner, title="Food MOU", signed_on=date(2025, 1, 1),
                             expires_on=timezone.localdate() + timedelta(days=30))
    initiative = Initiative.objects.create(agency=agency, slug="warmth", title={"en": "Winter warmth"})
    InitiativeMeasure.objects.create(agency=agency, initiative=initiative, name={"en": "Nights"}, target=10)
    referral = refer(cast[Role.OFFICER], agency, partner)
    pages = {
        reverse("partners:staff_partners"): "Harbor Food Bank",
        reverse("partners:staff_partner", args=[partner.pk]): "Food MOU",
        reverse("partners:staff_partner_edit", args=[partner.pk]): "Harbor Food Bank",
        reverse("partners:staff_partner_new"): "Add a partner organisation",
        reverse("partners:staff_agreements"): "Expiring soon",
        reverse("partners:staff_overdue"): "No referral is overdue.",
        reverse("partners:staff_initiatives"): "Winter warmth",
        reverse("partners:staff_initiative_new"): "New joint initiative",
        reverse("partners:staff_initiative", args=[initiative.pk]): "Nights",
        reverse("partners:staff_referral_new"): "Refer a person to a partner",
        reverse("partners:staff_my_referrals"): "You have not made a referral yet.",
        reverse("partners:staff_inbox"): "Rosalind",
        reverse("partners:staff_referral", args=[referral.pk]): "Accept the referral",
    }
    for url, expected in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url


def test_the_signed_agreement_is_downloaded_from_the_console_only(agency, cast, manager, client):
    partner = make_partner(agency)
    pdf = SimpleUploadedFile("mou.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    manager.post(reverse("partners:staff_agreement_add", args=[partner.pk]), {
        "agreement-title": "MOU", "agreement-signed_on": "2026-01-01", "agreement-expires_on": "2027-01-01",
        "agreement-document": pdf})
    agreement = Agreement.objects.get()
    url = reverse("partners:staff_agreement_document", args=[agreement.pk])
    page = manager.get(reverse("partners:staff_partner", args=[partner.pk])).content.decode()
    assert f'href="{url}"' in page
    download = manager.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert download["Content-Disposition"].startswith("attachment")
    assert signed_in_client(cast[Role.OFFICER]).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_an_agreement_document_that_is_not_a_pdf_is_refused(agency, manager):
    partner = make_partner(agency)
    page = SimpleUploadedFile("mou.html", b"<script>alert(1)</script>", content_type="text/html")
    response = manager.post(reverse("partners:staff_agreement_add", args=[partner.pk]), {
        "agreement-title": "MOU", "agreement-signed_on": "2026-01-01", "agreement-expires_on": "2027-01-01",
        "agreement-document": page})
    assert response.status_code == 400 and "as a PDF" in response.content.decode()
    assert not Agreement.objects.exists()
