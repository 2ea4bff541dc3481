"""Complementary suppression across the rows of a download: no hidden count can be worked out from what the
file itself publishes (or from the totals the figures pages publish)."""

from collections import Counter
from datetime import timedelta

from commonbeat.engagement import services as engagement
from commonbeat.transparency.services import opendata as services

from .test_opendata import NORTH, SOUTH, csv_rows, last_month


def _event(agency, admin, point: dict, people: int):
    starts = last_month(agency)
    event = engagement.create_event(admin, agency, engagement.EventDetails(
        kind=engagement.event_kinds(agency).first(), title={"en": "Forum", "es": ""}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Community Engagement",
        latitude=point["latitude"], longitude=point["longitude"]))
    engagement.record_walk_ins(admin, event, people)
    return event


def test_attendance_hidden_as_a_complement_is_published_where_no_event_was_held(client, agency, admin):
    services.register_datasets(agency)
    _event(agency, admin, NORTH, 5)
    _event(agency, admin, SOUTH, 50)
    rows = csv_rows(client.get("/data/events-attendance.csv"))[1:]
    hidden = [(month, place) for month, place, _events, attendance, suppressed in rows if suppressed == "true"]
    assert hidden, rows
    # with month and neighbourhood totals published, a month or a place with a single hidden cell gives it back
    by_month, by_place = Counter(month for month, _ in hidden), Counter(place for _, place in hidden)
    assert all(count >= 2 for count in by_month.values()), hidden
    assert all(count >= 2 for count in by_place.values()), hidden
    assert all((row[3] == "") == (row[4] == "true") for row in rows)


def test_a_units_withheld_share_cannot_be_worked_out_from_the_other_shares(client, agency, admin):
    from commonbeat.core.models import Officer, Unit
    from commonbeat.training import services as training

    services.register_datasets(agency)
    Officer.objects.filter(agency=agency).update(active_until=agency.today() - timedelta(days=400))
    first = Unit.objects.create(agency=agency, code="U1", name="First")
    second = Unit.objects.create(agency=agency, code="U2", name="Second")
    joined = agency.today().replace(year=2020)
    Officer.objects.bulk_create(
        [Officer(agency=agency, badge_number=f"5{n:02}", first_name="Test", last_name=f"First{n}", rank="Officer",
                 unit=first, active_from=joined) for n in range(24)]
        + [Officer(agency=agency, badge_number=f"6{n:02}", first_name="Test", last_name=f"Second{n}",
                   rank="Officer", unit=second, active_from=joined) for n in range(25)])
    course = training.standard_courses(agency)[0]
    training.create_requirement(admin, agency, training.RequirementDetails(
        course=course, hours_required=course.hours, every_months=None))
    done = [*Officer.objects.filter(unit=first).order_by("badge_number")[:12],
            *Officer.objects.filter(unit=second).order_by("badge_number")[:5]]
    for officer in done:
        training.record_completion(admin, agency, officer=officer, course=course, completed_on=agency.today(),
                                   hours=course.hours)
    rows = {row[1]: row[2:] for row in csv_rows(client.get("/data/training-compliance.csv"))[1:]
            if row[0] == course.code}
    assert rows["U2"][2:] == ["", "true"]  # 5 of 25 current
    assert rows["all"][2:] != ["", "true"]  # 17 of 49: nothing small behind it
    # else 35 % of 49 (17) minus 50 % of 24 (12) gives the 5 back
    assert rows["U1"][2:] == ["", "true"]


def test_crisis_counts_over_every_month_or_place_say_all_as_the_dictionary_does(client, agency):
    services.register_datasets(agency)
    rows = csv_rows(client.get("/data/crisis-outcomes.csv"))
    header, rows = rows[0], rows[1:]
    month, place = header.index("month"), header.index("neighbourhood")
    assert {row[0] for row in rows} == {"outcomes", "by_neighbourhood", "by_month"}
    assert all(row[month] and row[place] for row in rows)
    outcomes = [row for row in rows if row[0] == "outcomes"]
    assert {(row[month], row[place]) for row in outcomes} == {("all", "all")}
    assert all(row[place] == "all" for row in rows if row[0] == "by_month")
