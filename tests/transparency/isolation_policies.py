"""Beta's policy library, for tests/core/test_isolation.py: one of each record, made through the services, with
"Beta" in every text; and every policy route with arguments, pointing at Beta's records."""

from datetime import date, timedelta

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.transparency.models import Policy, PolicyComment, PolicyVersion, VersionStatus
from commonbeat.transparency.services import policies as services

from ..factories import make_user


def beta_policies(other_agency, other_admin) -> None:
    today = other_agency.today()
    policy = services.create_policy(other_admin, other_agency, number="BETA-1",
                                    title={"en": "Beta use of force", "es": "Beta uso de la fuerza"},
                                    category="use_of_force")
    first = services.add_draft(other_admin, policy, summary={"en": "Beta summary one"},
                               body={"en": "Beta text one."})
    services.publish(other_admin, first, effective_on=today - timedelta(days=100))
    draft = services.add_draft(other_admin, policy, summary={"en": "Beta summary two"},
                               body={"en": "Beta text two."})
    draft = services.open_for_comment(other_admin, draft, opens_on=today, closes_on=today + timedelta(days=10))
    comment = services.submit_comment(other_agency, draft, text="Beta comment", first_name="Beta").comment
    services.approve_comment(other_admin, comment, published_text="Beta comment")
    services.answer_comment(other_admin, comment, answer="Beta answer")
    services.submit_comment(other_agency, draft, text="Beta pending comment")
    officer = Officer.objects.create(agency=other_agency, badge_number="B-1", first_name="Beta", last_name="Betaman",
                                     rank="Beta officer", active_from=date(2020, 1, 1),
                                     user=make_user(other_agency, Role.OFFICER, "beta_officer"))
    services.acknowledge(officer.user, PolicyVersion.objects.get(policy=policy, status=VersionStatus.IN_FORCE))


def policies_routes(beta_agency) -> dict:
    policy = Policy.objects.get(agency=beta_agency)
    in_force = PolicyVersion.objects.get(policy=policy, status=VersionStatus.IN_FORCE)
    draft = PolicyVersion.objects.get(policy=policy, status=VersionStatus.DRAFT)
    comment = PolicyComment.objects.filter(agency=beta_agency).order_by("id").first()
    return {
        "policies/<slug:number>/": f"/policies/{policy.number}/",
        "policies/<slug:number>/compare/": f"/policies/{policy.number}/compare/?old=1&new=2",
        "policies/<slug:number>/versions/<int:version>/": f"/policies/{policy.number}/versions/{draft.number}/",
        "console/policies/comments/<int:pk>/": f"/console/policies/comments/{comment.pk}/",
        "console/policies/comments/<int:pk>/approve/": f"/console/policies/comments/{comment.pk}/approve/",
        "console/policies/comments/<int:pk>/reject/": f"/console/policies/comments/{comment.pk}/reject/",
        "console/policies/comments/<int:pk>/answer/": f"/console/policies/comments/{comment.pk}/answer/",
        "console/policies/versions/<int:pk>/": f"/console/policies/versions/{draft.pk}/",
        "console/policies/versions/<int:pk>/comment-period/":
            f"/console/policies/versions/{draft.pk}/comment-period/",
        "console/policies/versions/<int:pk>/publish/": f"/console/policies/versions/{draft.pk}/publish/",
        "console/policies/<int:pk>/": f"/console/policies/{policy.pk}/",
        "console/policies/<int:pk>/drafts/new/": f"/console/policies/{policy.pk}/drafts/new/",
        "console/acknowledgements/overview/<int:pk>/": f"/console/acknowledgements/overview/{in_force.pk}/",
        "console/acknowledgements/<int:pk>/": f"/console/acknowledgements/{in_force.pk}/",
    }
