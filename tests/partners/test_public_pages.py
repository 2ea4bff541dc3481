"""The public directory and joint initiatives: public partners with their services, languages and
neighbourhoods; nothing about a referred person ever appears on a public page or in the API."""

import pytest
from django.test import Client
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.partners.models import Initiative, InitiativeMeasure, InitiativeMilestone

from .helpers import make_partner, refer


@pytest.fixture
def partner(agency):
    partner = make_partner(agency)
    partner.neighbourhoods.set(Neighbourhood.objects.filter(agency=agency)[:1])
    return partner


@pytest.fixture
def initiative(agency, partner):
    initiative = Initiative.objects.create(agency=agency, slug="winter-warmth",
                                           title={"en": "Winter warmth", "es": "Calor en invierno"},
                                           goal={"en": "No one sleeps outside.", "es": "Nadie duerme afuera."})
    initiative.partners.set([partner])
    InitiativeMeasure.objects.create(agency=agency, initiative=initiative, name={"en": "Shelter nights"},
                                     target=600, current=300)
    InitiativeMilestone.objects.create(agency=agency, initiative=initiative, title={"en": "Open the shelter"})
    return initiative


def test_the_directory_lists_public_partners_with_services_languages_and_neighbourhoods(client, partner):
    make_partner(partner.agency, slug="hidden", name="Unlisted Partner", is_public=False)
    page = client.get(reverse("partners:directory")).content.decode()
    assert "Harbor Food Bank" in page and "Emergency groceries" in page
    assert "English, Spanish" in page and "Alpha North End" in page
    assert "Unlisted Partner" not in page


def test_an_unlisted_partner_has_no_public_page(client, agency):
    make_partner(agency, slug="hidden", is_public=False)
    assert client.get(reverse("partners:partner", args=["hidden"])).status_code == 404


def test_a_partners_page_shows_its_contact_and_initiatives(client, partner, initiative):
    page = client.get(reverse("partners:partner", args=[partner.slug])).content.decode()
    assert "555-0100" in page and "Winter warmth" in page


def test_an_initiative_page_shows_goal_measures_and_milestones(client, initiative):
    page = client.get(reverse("partners:initiative", args=[initiative.slug])).content.decode()
    assert "No one sleeps outside." in page and "Shelter nights" in page and "50%" in page
    assert "Open the shelter" in page


def test_a_private_initiative_is_not_public(client, initiative):
    Initiative.objects.filter(pk=initiative.pk).update(is_public=False)
    assert "Winter warmth" not in client.get(reverse("partners:initiatives")).content.decode()
    assert client.get(reverse("partners:initiative", args=[initiative.slug])).status_code == 404


def test_pages_are_shown_in_spanish(client, partner, initiative):
    page = client.get("/es/partners/initiatives/winter-warmth/").content.decode()
    assert 'lang="es"' in page and "Calor en invierno" in page
    assert "Alimentos de emergencia" in client.get("/es/partners/").content.decode()


def test_another_agencys_partner_is_not_found(other_agency, partner):
    client = Client(HTTP_HOST="beta.test")
    assert client.get(reverse("partners:partner", args=[partner.slug])).status_code == 404
    assert "Harbor Food Bank" not in client.get(reverse("partners:directory")).content.decode()


def test_no_referred_persons_detail_reaches_public_pages_or_the_api(client, agency, cast, partner, initiative):
    refer(cast[Role.OFFICER], agency, partner, first_name="Zebediah", contact="zeb@example.org",
          note="Needs groceries")
    urls = [reverse("partners:directory"), reverse("partners:partner", args=[partner.slug]),
            reverse("partners:initiatives"), reverse("partners:initiative", args=[initiative.slug]),
            "/api/v1/partners"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Zebediah" not in body and "zeb@example.org" not in body and "Needs groceries" not in body, url
        assert "person_first_name" not in body and "person_contact" not in body, url
    # In the API, only the token-protected referrals endpoint describes a person at all.
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        if "person_first_name" in str(operations) or "ReferralOut" in str(operations):
            assert path == "/api/v1/referrals"
            assert all(operation.get("security") for operation in operations.values())
