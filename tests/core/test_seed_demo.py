import pytest
from django.core.management import call_command
from django.db import transaction

from commonbeat.accounts.models import Membership, User
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood, Officer


def test_the_demo_city_has_its_people_and_places(db, capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    port_alder = Agency.objects.get(slug="port-alder")
    assert Neighbourhood.objects.filter(agency=port_alder).count() == 12
    assert Officer.objects.filter(agency=port_alder).count() == 150
    for role in Role:
        assert Membership.objects.filter(agency=port_alder, role=role).exists(), role
    assert "admin" in output and "demo-admin-2026" in output
    assert all(user.is_demo_account for user in User.objects.all())
    assert audit.verify().intact


def test_every_neighbourhood_has_a_census_make_up_for_weighting(db):
    call_command("seed_demo")
    for neighbourhood in Neighbourhood.objects.filter(agency__slug="port-alder"):
        census = neighbourhood.census
        adults = sum(census["age_band"].values())
        assert adults == sum(census["gender"].values()) == sum(census["race_ethnicity"].values()) > 0


class Undo(Exception):
    """Raised to roll the first load back, so the second starts from an empty database."""


def test_the_same_seed_builds_the_same_city(db):
    def load() -> list:
        call_command("seed_demo")
        return list(Neighbourhood.objects.order_by("slug").values_list("slug", "population", "boundary"))

    with pytest.raises(Undo), transaction.atomic():
        first = load()
        raise Undo
    assert not Neighbourhood.objects.exists()
    assert load() == first


def test_loading_twice_changes_nothing(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert "already loaded" in capsys.readouterr().out
    assert Agency.objects.count() == 2
