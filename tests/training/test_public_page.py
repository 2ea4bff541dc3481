"""The public training page: the share of officers current on each required training (only where 11 or more
officers must take it, and only as a per cent), and the public workshops of the last 12 months with attendance."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonbeat.engagement import services as engagement
from commonbeat.engagement.models import Attendance, CheckInMethod, Event, EventStatus
from commonbeat.engagement.queries import workshops_held
from commonbeat.training.models import Source, TrainingRecord

from .conftest import make_officer


def train(agency, officer, course, days_ago):
    TrainingRecord.objects.create(agency=agency, officer=officer, course=course,
                                  completed_on=date.today() - timedelta(days=days_ago), hours=course.hours,
                                  source=Source.ENTERED, recorded_at=timezone.now())


@pytest.fixture
def force(agency, patrol, courses, de_escalation):
    """20 officers besides the cast's one: 15 current on de-escalation, the rest (and officer 101) not."""
    officers = [make_officer(agency, str(700 + number), unit=patrol) for number in range(20)]
    for officer in officers[:15]:
        train(agency, officer, courses["DEESC-8"], 30)
    return officers


def workshop(agency, title, days_ago, people, *, cancelled=False, kind_slug="safety-workshop"):
    kind = engagement.event_kinds(agency).get(slug=kind_slug)
    start = timezone.now() - timedelta(days=days_ago)
    event = Event.objects.create(agency=agency, kind=kind, title={"en": title, "es": f"{title} (es)"},
                                 starts_at=start, ends_at=start + timedelta(hours=2), address="1 Main St",
                                 organiser="Community Engagement",
                                 status=EventStatus.CANCELLED if cancelled else EventStatus.SCHEDULED)
    if people:
        Attendance.objects.create(agency=agency, event=event, people=people, method=CheckInMethod.WALK_IN,
                                  recorded_at=start)
    return event


def test_the_page_shows_the_share_of_officers_current_on_each_required_training(db, force):
    page = Client().get(reverse("training:public")).content.decode()
    assert "Officers up to date on required training" in page
    assert "DEESC-8 De-escalation: 8 hours every 12 months, every sworn officer" in page
    assert ">71<" in page  # 15 of the 21 officers subject


def test_a_training_fewer_than_11_officers_must_take_is_not_published(db, agency, force, crisis_training):
    for officer in force[:3]:
        officer.assignment = "crisis"
        officer.save()
    page = Client().get(reverse("training:public")).content.decode()
    listed_as_withheld = page.split("Not shown because fewer than 11 officers must take it")[1]
    assert "CIT-40" in listed_as_withheld
    assert "CIT-40" not in page.split("Not shown because")[0]


def test_workshops_held_counts_attendance_and_leaves_out_cancelled_and_other_events(db, agency):
    kept = workshop(agency, "Home security", 20, 14)
    workshop(agency, "Know your rights", 40, 0, cancelled=True)
    workshop(agency, "Block party", 30, 80, kind_slug="block-party")
    extra = Attendance.objects.create(agency=agency, event=kept, people=3, method=CheckInMethod.WALK_IN,
                                      recorded_at=timezone.now())
    now = timezone.now()
    held = workshops_held(agency, now - timedelta(days=365), now)
    assert [(row["id"], row["attendance"]) for row in held] == [(kept.pk, 14 + extra.people)]


def test_the_page_lists_workshops_with_attendance_and_hides_small_counts(db, agency):
    workshop(agency, "Home security", 20, 25)
    workshop(agency, "Scam awareness", 50, 30)
    workshop(agency, "Bike safety", 60, 4)
    workshop(agency, "Too long ago", 400, 50)
    page = Client().get(reverse("training:public")).content.decode()
    assert "3 workshops held for residents" in page
    assert "Home security" in page and "Scam awareness" in page and "Too long ago" not in page
    table = page.split('id="figure-workshops"')[1].split("<tbody>")[1].split("</table>")[0]
    rows = {row.split("</th>")[0].split("·")[-1].strip(): row.split("</th>")[1]
            for row in table.split("</tbody>")[0].split("<tr>")[1:]}
    assert "fewer than 11" in rows["Bike safety"]
    # With the total published, a second count (the smallest) is hidden so the 4 cannot be worked out.
    assert "fewer than 11" in rows["Home security"]
    assert ">30<" in rows["Scam awareness"]
    assert ">59<" in table.split("<tfoot>")[1]


def test_the_page_is_in_spanish_under_es(db, agency, force):
    workshop(agency, "Home security", 20, 25)
    page = Client().get("/es/training/").content.decode()
    assert 'lang="es"' in page
    assert "Home security (es)" in page
    assert "Desescalada" in page


def test_the_page_says_so_when_there_is_nothing_to_show(db, agency):
    page = Client().get(reverse("training:public")).content.decode()
    assert "No share can be published yet." in page
    assert "No public workshop was held in the last 12 months." in page


def test_shares_are_of_another_agency_only_on_its_own_site(db, agency, other_agency, force):
    page = Client(HTTP_HOST="beta.test").get(reverse("training:public")).content.decode()
    assert "DEESC-8" not in page
