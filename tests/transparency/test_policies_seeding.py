"""The demo city's policy library: eight policies in versions, a draft open for comment with published,
answered, waiting and rejected comments, a final version saying what changed, and acknowledgements with a
realistic share still missing."""

import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency
from commonbeat.transparency.models import CommentStatus, Policy, PolicyComment, PolicyVersion, VersionStatus
from commonbeat.transparency.seeding import policies as seeding
from commonbeat.transparency.services import policies as services


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, seeding):
            module.seed(context)
        yield agency, context
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_eight_policies_of_a_real_department_in_two_or_three_versions(city):
    agency, context = city
    policies = Policy.objects.filter(agency=agency)
    assert policies.count() == 8
    titles = {p.title["en"] for p in policies}
    assert {"Use of force", "Body-worn cameras", "Bias-free policing", "Crisis intervention", "Vehicle pursuits",
            "Complaints and commendations", "Interactions with young people", "Language access"} == titles
    assert all(p.title.get("es") for p in policies)
    for policy in policies:
        assert 2 <= policy.versions.count() <= 4
        assert policy.versions.filter(status=VersionStatus.IN_FORCE).count() == 1
    assert "8 policies" in context.log[-1]


@pytest.mark.django_db
def test_one_draft_is_open_for_comment_with_every_kind_of_comment(city):
    agency, _context = city
    drafts = list(services.open_drafts(agency, agency.today()))
    assert len(drafts) == 1 and drafts[0].policy.number == "GO-310"
    comments = drafts[0].comments.all()
    assert {c.status for c in comments} == set(CommentStatus.values)
    assert comments.filter(status=CommentStatus.APPROVED).exclude(answer="").exists()
    assert not PolicyComment.objects.filter(published_text__contains="555-201").exists()


@pytest.mark.django_db
def test_a_recently_closed_draft_has_a_final_version_saying_what_changed(city, client):
    agency, _context = city
    final = PolicyVersion.objects.get(agency=agency, comment_draft__isnull=False)
    assert final.status == VersionStatus.IN_FORCE and final.changes_from_comments["es"]
    assert final.comment_draft.status == VersionStatus.COMMENT_DRAFT
    assert final.body != final.comment_draft.body
    page = client.get(reverse("transparency:policy", args=[final.policy.number]),
                      HTTP_HOST="port-alder.test").content.decode()
    assert "What changed in response to comments" in page and "Agreed: the final version prohibits them." in page


@pytest.mark.django_db
def test_acknowledgements_have_a_realistic_share_missing(city):
    agency, _context = city
    required = services.officers_required(agency).count()
    assert required >= 100
    overview = services.acknowledgement_overview(agency)
    assert len(overview) == 8
    shares = sorted(item.percent for item in overview)
    assert shares[0] < 80 and shares[-1] > 90
    assert all(item.missing > 0 for item in overview)
