"""The cast every test uses: two agencies, each with neighbourhoods, officers and one user per role."""

from datetime import date

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonbeat.accounts.models import Membership, User
from commonbeat.accounts.roles import Role
from commonbeat.core.models import Agency, Neighbourhood, Officer, Unit


def square(west: float, south: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [west + size, south], [west + size, south + size],
                         [west, south + size], [west, south]]],
    }


def make_agency(slug: str, host: str, west: float = -90.0) -> Agency:
    agency = Agency.objects.create(slug=slug, name=f"{slug.title()} Police Department",
                                   name_es=f"Departamento de Policía de {slug.title()}", hosts=host)
    for number, name in enumerate(["North End", "South End"]):
        Neighbourhood.objects.create(
            agency=agency, slug=f"{slug}-{name.lower().replace(' ', '-')}", name=f"{slug.title()} {name}",
            boundary=square(west + number * 0.01, 40.0), population=5000 + number,
            census={"age_band": {"18-29": 1000}, "gender": {"female": 500, "male": 500},
                    "race_ethnicity": {"white": 1000}},
        )
    unit = Unit.objects.create(agency=agency, code="PAT", name=f"{slug.title()} Patrol")
    Officer.objects.create(agency=agency, badge_number="101", first_name="Pat", last_name=f"{slug.title()}son",
                           rank="Officer", unit=unit, active_from=date(2020, 1, 1))
    return agency


def make_user(agency: Agency, role: Role | None, username: str, *, with_device: bool = True) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery staple",
                                    email=f"{username}@example.org", first_name=username.title(), last_name="Tester")
    if role is not None:
        Membership.objects.create(agency=agency, user=user, role=role)
    if with_device:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def signed_in_client(user: User, host: str | None = None) -> Client:
    """A client signed in with password and second factor, as the console requires."""
    client = Client(HTTP_HOST=host) if host else Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
