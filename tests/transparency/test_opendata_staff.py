"""The open data console (MANAGE_OPEN_DATA): the list with build times and row counts, publishing and
unpublishing, editing a dataset's description, and rebuilding now; and who may do it."""

import pytest

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.transparency.models import Dataset
from commonbeat.transparency.services import opendata as services

from ..factories import signed_in_client


@pytest.fixture
def datasets(agency):
    services.register_datasets(agency)
    return {dataset.slug: dataset for dataset in services.all_datasets(agency)}


@pytest.fixture
def staff(cast):
    return signed_in_client(cast[Role.ENGAGEMENT_STAFF])


@pytest.fixture
def beta_dataset(other_agency):
    services.register_datasets(other_agency)
    return Dataset.objects.filter(agency=other_agency).first()


def test_console_lists_datasets_with_build_time_and_rows(staff, datasets):
    services.build_snapshot(datasets["commendations"])
    page = staff.get("/console/open-data/").content.decode()
    assert "Commendations by month and neighbourhood" in page and "Never" in page
    assert page.count("Rebuild now") == len(datasets)
    built = Dataset.objects.get(pk=datasets["commendations"].pk)
    assert built.row_count == 0 and built.built_at is not None


def test_console_offers_to_add_the_datasets_when_there_are_none(staff, agency):
    page = staff.get("/console/open-data/").content.decode()
    assert "Add the standard datasets and build them" in page
    response = staff.post("/console/open-data/rebuild/", follow=True)
    assert "8 datasets are rebuilt." in response.content.decode()
    assert Dataset.objects.filter(agency=agency).exclude(built_at=None).count() == 8


def test_staff_unpublish_and_publish_a_dataset(staff, client, datasets):
    dataset = datasets["trust-index"]
    response = staff.post(f"/console/open-data/{dataset.pk}/publish/", {"published": "0"}, follow=True)
    assert "The dataset is no longer published." in response.content.decode()
    assert client.get("/data/trust-index/").status_code == 404
    assert "Trust and safety index" not in client.get("/data/").content.decode()
    assert AuditEvent.objects.filter(action="transparency.dataset_unpublished", object_id=str(dataset.pk)).exists()
    staff.post(f"/console/open-data/{dataset.pk}/publish/", {"published": "1"})
    assert client.get("/data/trust-index/").status_code == 200
    assert Dataset.objects.get(pk=dataset.pk).is_published


def test_staff_edit_a_datasets_description(staff, client, datasets):
    dataset = datasets["patrol-hours"]
    form = staff.get(f"/console/open-data/{dataset.pk}/edit/").content.decode()
    assert "Foot and bike patrol hours" in form and "Horas de patrulla" in form
    response = staff.post(f"/console/open-data/{dataset.pk}/edit/", {
        "title_en": "Walking and cycling patrols", "title_es": "Patrullas a pie y en bici",
        "description_en": "Hours per week.", "description_es": "Horas por semana.",
        "keywords_en": "patrols, walking", "keywords_es": "patrullas", "frequency": "R/P1W",
        "contact_name": "Open data team", "contact_email": "data@example.org"}, follow=True)
    assert "The dataset&#x27;s description is saved." in response.content.decode()
    assert "Walking and cycling patrols" in client.get("/data/patrol-hours/").content.decode()
    assert "Patrullas a pie y en bici" in client.get("/es/data/patrol-hours/").content.decode()
    entry = next(d for d in client.get("/data.json").json()["dataset"] if d["title"] == "Walking and cycling patrols")
    assert entry["keyword"] == ["patrols", "walking"] and entry["accrualPeriodicity"] == "R/P1W"
    assert entry["contactPoint"] == {"@type": "vcard:Contact", "fn": "Open data team",
                                     "hasEmail": "mailto:data@example.org"}


def test_a_description_without_english_title_is_refused_and_kept(staff, datasets):
    dataset = datasets["patrol-hours"]
    response = staff.post(f"/console/open-data/{dataset.pk}/edit/", {
        "title_en": "", "title_es": "Patrullas", "description_en": "Kept text.", "keywords_en": "patrols",
        "frequency": "R/P1D"})
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required." in page and "Kept text." in page
    assert Dataset.objects.get(pk=dataset.pk).title["en"] == "Foot and bike patrol hours"


def test_staff_rebuild_a_dataset_now(staff, datasets):
    dataset = datasets["events-attendance"]
    response = staff.post(f"/console/open-data/{dataset.pk}/rebuild/", follow=True)
    assert "The dataset is rebuilt: 0 rows." in response.content.decode()
    dataset.refresh_from_db()
    assert dataset.built_at is not None and dataset.has_snapshot
    assert AuditEvent.objects.filter(action="transparency.dataset_built", object_id=str(dataset.pk)).exists()


@pytest.mark.parametrize("path", ["/console/open-data/", "/console/open-data/{pk}/edit/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, datasets, path):
    response = client.get(path.format(pk=datasets["commendations"].pk))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INVESTIGATOR, Role.BOARD_MEMBER])
def test_other_roles_are_refused(cast, datasets, role):
    other = signed_in_client(cast[role])
    dataset = datasets["commendations"]
    assert other.get("/console/open-data/").status_code == 403
    assert other.get(f"/console/open-data/{dataset.pk}/edit/").status_code == 403
    assert other.post(f"/console/open-data/{dataset.pk}/publish/", {"published": "0"}).status_code == 403
    assert other.post(f"/console/open-data/{dataset.pk}/rebuild/").status_code == 403
    assert other.post("/console/open-data/rebuild/").status_code == 403
    assert Dataset.objects.get(pk=dataset.pk).is_published and Dataset.objects.get(pk=dataset.pk).built_at is None


def test_admin_may_manage_open_data(admin_client, datasets):
    assert admin_client.get("/console/open-data/").status_code == 200


def test_another_agencys_dataset_is_not_found(staff, beta_dataset):
    assert staff.get(f"/console/open-data/{beta_dataset.pk}/edit/").status_code == 404
    assert staff.post(f"/console/open-data/{beta_dataset.pk}/publish/", {"published": "0"}).status_code == 404
    assert staff.post(f"/console/open-data/{beta_dataset.pk}/rebuild/").status_code == 404
    beta_dataset.refresh_from_db()
    assert beta_dataset.is_published and beta_dataset.built_at is None


def test_services_check_the_role(cast, datasets):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_published(cast[Role.OFFICER], datasets["commendations"], False)
    with pytest.raises(PermissionDenied):
        services.rebuild_now(cast[Role.OFFICER], datasets["commendations"])


def test_build_times_are_shown_in_the_agencys_time_zone(staff, client, agency, datasets):
    from datetime import UTC, datetime

    Dataset.objects.filter(agency=agency).update(built_at=datetime(2026, 11, 2, 3, 30, tzinfo=UTC), row_count=0)
    local = datetime(2026, 11, 2, 3, 30, tzinfo=UTC).astimezone(agency.zone)
    assert local.day == 1  # the agency is west of Greenwich: still the evening before
    assert "Nov. 1, 2026" in client.get("/data/").content.decode()
    assert "Nov. 2, 2026" not in client.get("/data/").content.decode()
    shown = f"Nov. 1, 2026, {local:%-I}:30 p.m."
    assert shown in client.get("/data/commendations/").content.decode()
    assert shown in staff.get("/console/open-data/").content.decode()
