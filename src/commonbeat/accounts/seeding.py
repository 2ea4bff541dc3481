"""Demo sign-ins: one account per role, which may skip the second factor only in demo mode."""

from commonbeat.core.models import Officer
from commonbeat.core.seeding import SeedContext
from commonbeat.core.tenancy import scoped

from .models import Membership, User
from .roles import Role

ORDER = 10

DEMO_USERS = [
    (Role.AGENCY_ADMIN, "admin", "Alex", "Admin"),
    (Role.OFFICER, "officer", "Olivia", "Ortega"),
    (Role.ENGAGEMENT_STAFF, "engagement", "Evan", "Ellis"),
    (Role.INVESTIGATOR, "investigator", "Ines", "Ibarra"),
    (Role.OVERSIGHT_REVIEWER, "oversight", "Omar", "Owens"),
    (Role.TRAINING_COORDINATOR, "training", "Tara", "Tran"),
    (Role.CRISIS_COORDINATOR, "crisis", "Carmen", "Cole"),
    (Role.BOARD_MEMBER, "board", "Bianca", "Baker"),
]


def seed(context: SeedContext) -> None:
    prefix = "" if context.agency.slug == "port-alder" else f"{context.agency.slug.split('-')[0]}-"
    users = DEMO_USERS if not prefix else DEMO_USERS[:1]
    for role, name, first, last in users:
        username = f"{prefix}{name}"
        password = f"demo-{username}-2026"
        user = User.objects.create_user(username=username, password=password, first_name=first, last_name=last,
                                        email=f"{username}@demo.commonbeat.invalid", is_demo_account=True)
        Membership.objects.create(agency=context.agency, user=user, role=role)
        if role == Role.OFFICER:
            officer = scoped(Officer, context.agency).order_by("id").first()
            officer.first_name, officer.last_name, officer.user = first, last, user
            officer.save(update_fields=["first_name", "last_name", "user"])
        context.sign_ins.append((str(role.label), username, password))
