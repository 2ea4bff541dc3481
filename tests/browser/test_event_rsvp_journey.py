"""A resident finds an event on the map in Spanish, replies, joins the waiting list because the event is full and
is given the place when the resident who held it cancels; engagement staff then check her in from the list of
replies, log an officer's hours, and check in a third resident by the QR code on her confirmation. The list,
calendar and feeds pages are checked on a phone-sized screen."""

import dataclasses
import re
import zoneinfo
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from playwright.sync_api import expect

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.engagement import services
from commonbeat.engagement.models import Attendance, CheckInMethod, OfficerParticipation, Rsvp, RsvpStatus

from .helpers import assert_no_axe_violations, sign_in_quickly, url

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
TITLE = {"en": "Coffee with officers on Main Street", "es": "Café con agentes en la calle Main"}


def es(message: str, **values) -> str:
    """What a Spanish page shows for `message`: its Spanish translation, or the English text while the string
    has none yet (the issue's new strings are translated last), so the test holds before and after."""
    with translation.override("es"):
        text = translation.gettext(message)
    return text % values if values else text


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The reply page counts lookups per client in the cache, which the live server shares across tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def details(agency) -> services.EventDetails:
    starts = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    return services.EventDetails(
        kind=services.event_kinds(agency).get(slug="coffee-with-officers"), title=TITLE,
        description={"en": "Meet the officers who patrol your street.",
                     "es": "Conozca a los agentes que patrullan su calle."},
        starts_at=starts, ends_at=starts + timedelta(hours=2), place_name="Main Street Library",
        address="100 Main St", organiser="Community Engagement Unit", latitude=40.005, longitude=-89.995,
        capacity=1)


@pytest.fixture
def event(agency, staff, details):
    return services.create_event(staff, agency, details)


def test_a_resident_waits_in_spanish_is_given_the_place_and_staff_check_her_in(new_page, live_server, agency,
                                                                                 staff, details, event):
    assert event.neighbourhood.slug == "alpha-north-end"
    first = services.rsvp(agency, event, name="Ana Alvarez", email="ana@example.org")
    assert first.rsvp.status == RsvpStatus.CONFIRMED

    # The resident finds the event on the map, in Spanish, and follows its point by keyboard.
    resident = new_page(locale="es-US")
    resident.goto(url(live_server, "engagement:map", language="es"))
    expect(resident.locator("html")).to_have_attribute("lang", "es")
    expect(resident.locator("h1")).to_have_text(es("Map of community events"))
    assert_no_axe_violations(resident)
    point = resident.locator("figure.event-map svg").get_by_role("link", name=re.compile(f"^{TITLE['es']}, "))
    expect(point).to_have_count(1)
    point.focus()
    with resident.expect_navigation():
        resident.keyboard.press("Enter")
    expect(resident).to_have_url(url(live_server, "engagement:event", event.pk, language="es"))
    expect(resident.locator("h1")).to_have_text(TITLE["es"])
    expect(resident.locator("main")).to_contain_text(es("Full — waiting list open"))

    # She replies; the one place is taken, so she joins the waiting list.
    reply_form = resident.locator("form.usa-form")
    reply_form.get_by_label(es("Your name")).fill("Berta Ruiz")
    reply_form.get_by_label(es("Your e-mail address")).fill("berta@example.org")
    reply_form.get_by_label(es("How many people, including you")).fill("1")
    with resident.expect_navigation():
        reply_form.get_by_role("button", name=es("Join the waiting list")).click()
    assert "/es/" in resident.url
    expect(resident.get_by_role("status").filter(
        has_text=es("Thank you for your reply. The event is full, so you are on the waiting list."))).to_be_visible()
    status = resident.get_by_role("region", name=es("Status"))
    expect(status).to_contain_text(es("On the waiting list"))
    expect(status).to_contain_text(es("You are number %(position)s on the waiting list.", position=1))
    assert_no_axe_violations(resident)
    berta = Rsvp.objects.exclude(pk=first.rsvp.pk).get(event=event)
    assert berta.status == RsvpStatus.WAITLISTED and berta.language == "es" and berta.name == "Berta Ruiz"

    # The resident who held the place cancels with the button of her reply page.
    ana = new_page()
    ana.goto(url(live_server, "engagement:rsvp", first.token))
    with ana.expect_navigation():
        ana.get_by_role("button", name="Cancel my reply").click()
    expect(ana.get_by_role("region", name="Status")).to_contain_text("Cancelled")
    expect(ana.get_by_role("button", name="Cancel my reply")).to_have_count(0)

    # Berta has the place now, and the QR code to show at the door.
    resident.reload()
    status = resident.get_by_role("region", name=es("Status"))
    expect(status).to_contain_text(es("Place confirmed"))
    expect(status).not_to_contain_text(es("On the waiting list"))
    qr_code = resident.locator("figure.rsvp-qr svg")
    expect(qr_code).to_be_visible()
    expect(qr_code.locator("title")).to_have_text(es("QR code to show at the door"))
    assert qr_code.bounding_box()["width"] >= 100
    assert_no_axe_violations(resident)
    berta.refresh_from_db()
    assert berta.status == RsvpStatus.CONFIRMED and berta.promoted_at is not None

    # At the door: staff check Berta in from the list of replies.
    desk = new_page()
    sign_in_quickly(desk, live_server, staff)
    desk.goto(url(live_server, "engagement:staff_event", event.pk))
    expect(desk.locator("h1")).to_have_text(TITLE["en"])
    assert_no_axe_violations(desk)
    row = desk.locator(f"#rsvp-{berta.pk}")
    expect(row).to_contain_text("Berta Ruiz")
    with desk.expect_navigation():
        row.get_by_role("button", name="Check in Berta Ruiz").click()
    expect(desk.get_by_role("status").filter(has_text="Checked in: a party of 1.")).to_be_visible()
    expect(desk.locator(f"#rsvp-{berta.pk}")).to_contain_text("Yes, at")
    people_who_came = desk.locator("#attendance dt", has_text="People who came").locator(
        "xpath=following-sibling::dd[1]")
    expect(people_who_came).to_have_text("1")

    # The officer who hosted, for two and a half hours.
    officer = Officer.objects.get(agency=agency, badge_number="101")
    logging_form = desk.get_by_role("form", name="Log an officer, or correct the hours")
    logging_form.get_by_label("Officer").select_option(str(officer.pk))
    logging_form.get_by_label("Role").select_option(label="Host")
    logging_form.get_by_label("Hours").fill("2.5")
    with desk.expect_navigation():
        logging_form.get_by_role("button", name="Save participation").click()
    expect(desk.get_by_role("status").filter(has_text="The officer's participation is saved.")).to_be_visible()
    officers = desk.locator("#officers table")
    expect(officers.locator("caption")).to_have_text(re.compile(r"^2\.50? officer-hours in all$"))
    officer_row = officers.locator("tbody tr", has_text=str(officer))
    expect(officer_row).to_contain_text("Host")
    expect(officer_row.locator("td[data-label=Hours]")).to_have_text(re.compile(r"^2\.50?$"))

    # A third resident replies once the capacity is raised, and is checked in by her QR code's link.
    services.update_event(staff, event, dataclasses.replace(details, capacity=2))
    third = services.rsvp(agency, event, name="Carla Diaz", email="carla@example.org")
    assert third.rsvp.status == RsvpStatus.CONFIRMED
    desk.goto(url(live_server, "engagement:check_in_code", third.token))
    expect(desk.locator("main dl")).to_contain_text("Carla Diaz")
    assert_no_axe_violations(desk)
    with desk.expect_navigation():
        desk.get_by_role("button", name="Check in 1 person").click()
    expect(desk).to_have_url(re.compile(re.escape(url(live_server, "engagement:staff_event", event.pk))))
    expect(desk.get_by_role("status").filter(has_text="Checked in: a party of 1.")).to_be_visible()
    expect(people_who_came).to_have_text("2")

    attendance = {entry.rsvp_id: entry for entry in Attendance.objects.filter(event=event)}
    assert set(attendance) == {berta.pk, third.rsvp.pk}
    assert attendance[berta.pk].method == CheckInMethod.RSVP_LIST and attendance[berta.pk].people == 1
    assert attendance[third.rsvp.pk].method == CheckInMethod.QR_CODE
    assert all(entry.recorded_by == staff for entry in attendance.values())
    logged = OfficerParticipation.objects.get(event=event)
    assert (logged.officer, logged.role, logged.hours) == (officer, "host", Decimal("2.5"))
    assert Rsvp.objects.get(pk=first.rsvp.pk).status == RsvpStatus.CANCELLED


def test_a_resident_cancels_with_the_button_of_her_reply_page(new_page, live_server, agency, event):
    first = services.rsvp(agency, event, name="Ana Alvarez", email="ana@example.org")
    waiting = services.rsvp(agency, event, name="Berta Ruiz")
    ana = new_page()
    ana.goto(url(live_server, "engagement:rsvp", first.token))
    with ana.expect_navigation():
        ana.get_by_role("button", name="Cancel my reply").click()
    expect(ana.get_by_role("status").filter(has_text="Your reply is cancelled")).to_be_visible(timeout=3_000)
    expect(ana.get_by_role("region", name="Status")).to_contain_text("Cancelled")
    expect(ana.get_by_role("button", name="Cancel my reply")).to_have_count(0)
    assert Rsvp.objects.get(pk=waiting.rsvp.pk).status == RsvpStatus.CONFIRMED


@pytest.mark.parametrize("page_name", ["engagement:events", "engagement:calendar", "engagement:feeds"])
def test_the_events_list_calendar_and_feeds_work_on_a_phone(new_page, live_server, agency, event, page_name):
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    address = url(live_server, page_name)
    if page_name == "engagement:calendar":  # the month the event is in, even at the end of a month
        address += "?month=" + event.starts_at.astimezone(zoneinfo.ZoneInfo(agency.timezone)).strftime("%Y-%m")
    phone.goto(address)
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("button.usa-menu-btn")).to_be_visible()
    expect(phone.get_by_role("navigation", name="Main")).to_be_hidden()
    if page_name == "engagement:feeds":
        expect(phone.get_by_role("table", name="Calendars you can subscribe to")).to_be_visible()
        expect(phone.get_by_role("row", name=re.compile("Alpha North End"))).to_be_visible()
    else:
        listed = phone.locator("main ul.usa-collection")
        expect(listed).to_be_visible()
        expect(listed.get_by_role("link", name=TITLE["en"])).to_be_visible()
    # Nothing wider than the screen: the page scrolls up and down only (the month grid scrolls in its own box).
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(phone)

