"""The public policy library: policies in versions, the version in force, search and categories, and a
readable comparison of any two versions. Also the helpers the other policy tests share."""

from datetime import timedelta

import pytest
from django.urls import reverse

from commonbeat.core.models import Agency
from commonbeat.transparency.models import PolicyVersion, VersionStatus
from commonbeat.transparency.services import policies as services

BODY_V1 = {"en": "Officers use only reasonable force.\nEvery use of force is reported.",
           "es": "Los agentes usan solo fuerza razonable.\nSe informa de todo uso de la fuerza."}
BODY_V2 = {"en": "Officers use only necessary and proportional force.\nEvery use of force is reported.\n"
                 "Neck restraints are prohibited.",
           "es": "Los agentes usan solo fuerza necesaria y proporcional.\nSe informa de todo uso de la fuerza.\n"
                 "Se prohíben las sujeciones del cuello."}


def make_policy(agency: Agency, admin, *, number="GO-300", title=None, category="use_of_force",
                summary=None, body=None, published=True):
    """A policy with a first version, published unless told otherwise."""
    policy = services.create_policy(admin, agency, number=number, title=title or {
        "en": "Use of force", "es": "Uso de la fuerza"}, category=category)
    version = services.add_draft(admin, policy, summary=summary or {
        "en": "When officers may use force.", "es": "Cuándo pueden los agentes usar la fuerza."},
        body=body or BODY_V1)
    if published:
        version = services.publish(admin, version, effective_on=agency.today() - timedelta(days=30))
    return policy, version


def open_draft(agency: Agency, admin, policy, *, body=None, closes_in=10):
    """A new draft of `policy`, open for comment from today for `closes_in` days."""
    draft = services.add_draft(admin, policy, summary={"en": "Bans neck restraints.",
                                                       "es": "Prohíbe las sujeciones del cuello."},
                               body=body or BODY_V2)
    today = agency.today()
    return services.open_for_comment(admin, draft, opens_on=today, closes_on=today + timedelta(days=closes_in))


def close_period(draft: PolicyVersion) -> PolicyVersion:
    """Time passes: the comment period ended yesterday."""
    today = draft.agency.today()
    PolicyVersion.objects.filter(pk=draft.pk).update(comment_opens_on=today - timedelta(days=30),
                                                     comment_closes_on=today - timedelta(days=1))
    draft.refresh_from_db()
    return draft


def test_publishing_a_new_version_supersedes_the_one_in_force(agency, admin):
    policy, first = make_policy(agency, admin)
    draft = services.add_draft(admin, policy, summary={"en": "Revised."}, body=BODY_V2)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    second = services.publish(admin, draft, effective_on=agency.today())
    first.refresh_from_db()
    assert (first.status, second.status) == (VersionStatus.SUPERSEDED, VersionStatus.IN_FORCE)
    assert services.current_version(policy) == second
    assert second.published_at is not None


def test_a_policy_has_one_draft_at_a_time(agency, admin):
    policy, _first = make_policy(agency, admin)
    services.add_draft(admin, policy, summary={"en": "A"}, body={"en": "B"})
    with pytest.raises(services.PolicyError, match="already has a draft"):
        services.add_draft(admin, policy, summary={"en": "C"}, body={"en": "D"})


def test_a_policy_number_is_unique_and_well_formed(agency, admin):
    make_policy(agency, admin)
    with pytest.raises(services.PolicyError, match="already has this number"):
        services.create_policy(admin, agency, number="go-300", title={"en": "Again"}, category="use_of_force")
    with pytest.raises(services.PolicyError, match="letters, digits and hyphens"):
        services.create_policy(admin, agency, number="GO 300!", title={"en": "Bad"}, category="use_of_force")


def test_the_policy_page_shows_the_version_in_force_and_all_versions(agency, admin, client):
    policy, _first = make_policy(agency, admin)
    services.publish(admin, services.add_draft(admin, policy, summary={"en": "Second summary."}, body=BODY_V2),
                     effective_on=agency.today())
    page = client.get(reverse("transparency:policy", args=["GO-300"])).content.decode()
    assert "GO-300 Use of force" in page and "Second summary." in page
    assert "Neck restraints are prohibited." in page
    assert "Version 1" in page and "Version 2" in page and "Superseded" in page


def test_the_spanish_page_shows_the_spanish_title_summary_and_text(agency, admin, client):
    make_policy(agency, admin)
    page = client.get("/es" + reverse("transparency:policy", args=["GO-300"])).content.decode()
    assert "Uso de la fuerza" in page and "Cuándo pueden los agentes usar la fuerza." in page
    assert "Los agentes usan solo fuerza razonable." in page


def test_a_draft_not_yet_out_for_comment_is_not_public(agency, admin, client):
    policy, _first = make_policy(agency, admin)
    services.add_draft(admin, policy, summary={"en": "Secret draft summary."}, body={"en": "Secret draft text."})
    assert client.get(reverse("transparency:policy_version", args=["GO-300", 2])).status_code == 404
    assert "Secret draft" not in client.get(reverse("transparency:policy", args=["GO-300"])).content.decode()
    unpublished, _draft = make_policy(agency, admin, number="GO-999", published=False)
    assert client.get(reverse("transparency:policy", args=["GO-999"])).status_code == 404
    assert unpublished.number not in client.get(reverse("transparency:policies")).content.decode()


def test_search_finds_number_title_summary_and_text_and_filters_by_category(agency, admin, client):
    make_policy(agency, admin)
    make_policy(agency, admin, number="GO-370", title={"en": "Language access"}, category="community",
                summary={"en": "Interpreters for everyone."}, body={"en": "Phone interpreters on every shift."})
    library = reverse("transparency:policies")

    def found(**query):
        page = client.get(library, query).content.decode()
        return {number for number in ("GO-300", "GO-370") if number in page}

    assert found() == {"GO-300", "GO-370"}
    assert found(q="go-37") == {"GO-370"}
    assert found(q="language") == {"GO-370"}
    assert found(q="interpreters for") == {"GO-370"}
    assert found(q="phone interpreters") == {"GO-370"}
    assert found(q="razonable") == {"GO-300"}
    assert found(category="use_of_force") == {"GO-300"}
    assert found(q="interpreters", category="use_of_force") == set()
    assert "No policy matches your search" in client.get(library, {"q": "zebra"}).content.decode()


def test_diff_marks_removed_and_added_words_and_paragraphs():
    lines = services.diff_texts("Officers use only reasonable force.\nEvery use is reported.",
                                "Officers use only necessary force.\nEvery use is reported.\nNo neck restraints.")
    assert [line.kind for line in lines] == ["removed", "added", "same", "added"]
    assert ("removed", "reasonable") in lines[0].parts and ("added", "necessary") in lines[1].parts
    assert lines[3].parts == [("plain", "No neck restraints.")]
    assert all(line.kind == "same" for line in services.diff_texts("A.\nB.", "A.\nB."))


def test_the_comparison_page_labels_changes_in_words(agency, admin, client):
    policy, _first = make_policy(agency, admin)
    services.publish(admin, services.add_draft(admin, policy, summary={"en": "Second."}, body=BODY_V2),
                     effective_on=agency.today())
    response = client.get(reverse("transparency:policy_compare", args=["GO-300"]), {"old": 1, "new": 2})
    page = response.content.decode()
    assert response.status_code == 200
    assert "From version 1 to version 2" in page
    assert "[removed: reasonable]" in page and "[added: necessary and proportional]" in page
    assert "Added" in page and "Unchanged" in page and "Neck restraints are prohibited." in page
    assert "<caption>" in page


def test_comparing_with_a_version_that_does_not_exist_shows_an_error(agency, admin, client):
    make_policy(agency, admin)
    response = client.get(reverse("transparency:policy_compare", args=["GO-300"]), {"old": 1, "new": 7})
    assert response.status_code == 200 and "Please fix the following" in response.content.decode()
