"""The admin keeps the library in the console: adds policies and drafts (a retried form never duplicates) and
publishes a draft that was not put out for comment."""

from django.urls import reverse

from commonbeat.core.models import AuditEvent
from commonbeat.transparency.models import Policy, PolicyVersion, VersionStatus
from commonbeat.transparency.services import policies as services

from ..factories import signed_in_client
from .test_policies_library import make_policy, open_draft


def _token(page: str) -> str:
    return page.split('name="submission_token" value="')[1].split('"')[0]


def test_the_admin_adds_a_policy_once_even_when_the_form_is_sent_twice(agency, admin):
    manager = signed_in_client(admin)
    token = _token(manager.get(reverse("transparency:staff_policy_new")).content.decode())
    form = {"submission_token": token, "number": "go-340", "title_en": "Vehicle pursuits",
            "title_es": "Persecuciones de vehículos", "category": "field_operations"}
    first = manager.post(reverse("transparency:staff_policy_new"), form)
    second = manager.post(reverse("transparency:staff_policy_new"), form)
    policy = Policy.objects.get()
    assert policy.number == "GO-340" and policy.title == {"en": "Vehicle pursuits",
                                                          "es": "Persecuciones de vehículos"}
    assert first["Location"] == second["Location"] == reverse("transparency:staff_policy", args=[policy.pk])
    assert AuditEvent.objects.filter(action="transparency.policy_created").count() == 1


def test_a_refused_policy_keeps_what_was_typed(agency, admin):
    make_policy(agency, admin)
    manager = signed_in_client(admin)
    token = _token(manager.get(reverse("transparency:staff_policy_new")).content.decode())
    response = manager.post(reverse("transparency:staff_policy_new"), {
        "submission_token": token, "number": "GO-300", "title_en": "Duplicate title", "category": "use_of_force"})
    page = response.content.decode()
    assert response.status_code == 400 and "already has this number" in page and "Duplicate title" in page
    assert Policy.objects.count() == 1


def test_a_new_draft_starts_from_the_latest_text_and_is_published_in_place(agency, admin):
    policy, first = make_policy(agency, admin)
    manager = signed_in_client(admin)
    page = manager.get(reverse("transparency:staff_draft_new", args=[policy.pk])).content.decode()
    assert "Officers use only reasonable force." in page
    manager.post(reverse("transparency:staff_draft_new", args=[policy.pk]), {
        "submission_token": _token(page), "summary_en": "Second.", "body_en": "Officers use necessary force."})
    draft = PolicyVersion.objects.get(policy=policy, number=2)
    assert draft.status == VersionStatus.DRAFT
    response = manager.post(reverse("transparency:staff_publish", args=[draft.pk]),
                            {"publish-effective_on": agency.today().isoformat()}, follow=True)
    assert "Version 2 is published and in force." in response.content.decode()
    draft.refresh_from_db()
    first.refresh_from_db()
    assert draft.status == VersionStatus.IN_FORCE and first.status == VersionStatus.SUPERSEDED
    assert PolicyVersion.objects.filter(policy=policy).count() == 2


def test_the_library_is_readable_in_spanish(agency, admin, client):
    make_policy(agency, admin)
    page = client.get("/es" + reverse("transparency:policies")).content.decode()
    assert 'lang="es"' in page and "Uso de la fuerza" in page


def test_the_policy_list_counts_one_draft_however_many_comments_wait(agency, admin, client):
    policy, _first = make_policy(agency, admin)
    draft = open_draft(agency, admin, policy)
    for text in ["First thought.", "Second thought.", "Third thought."]:
        services.submit_comment(agency, draft, text=text)
    page = signed_in_client(admin).get(reverse("transparency:staff_policies")).content.decode()
    row = page.split("GO-300")[1].split("</tr>")[0]
    assert "<td>1</td><td>3</td>" in row
