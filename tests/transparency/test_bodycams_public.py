"""The public program page: what the cameras are for, the policy link, and the figures (recordings by category,
footage requests and how they were answered) with every count from 1 to 10 suppressed, in English and Spanish,
and the same figures as CSV. No requester is ever named."""

import csv
import io
from datetime import datetime, time, timedelta

from django.urls import reverse

from commonbeat.core.models import Officer
from commonbeat.core.periods import Period
from commonbeat.transparency.models import BodyCamRecording, FootageRequest, RecordingCategory
from commonbeat.transparency.services import bodycams

from .test_bodycams_support import footage_request, sha

PAGE = reverse("transparency:bodycams")
CSV = reverse("transparency:bodycams_csv")


def last_month(agency):
    return Period.last_full_months(agency.today(), 12).month_starts[-1]


def closed_request(agency, number: int, status: str, received_on, days: int, basis: str = ""):
    return FootageRequest.objects.create(
        agency=agency, reference=f"FR-T-{number:04d}", received_on=received_on, status=status,
        due_on=bodycams.add_business_days(received_on, 10), closed_on=received_on + timedelta(days=days),
        denial_basis=basis, requester_name="Zebulon Quartermaine", requester_email="zebulon@example.org",
        incident_date=received_on, reason="Secret reason of Zebulon",
        tracking_code_hash=f"{agency.pk}t{number:04d}".ljust(64, "0"))


def make_figures(agency):
    month = last_month(agency)
    for number in range(12):
        closed_request(agency, number, "released", month, days=3 if number < 9 else 20)
    for number in range(12, 15):
        closed_request(agency, number, "denied", month, days=5, basis="privacy")
    officer = Officer.objects.filter(agency=agency).first()
    moment = datetime.combine(month + timedelta(days=3), time(12), tzinfo=agency.zone)
    BodyCamRecording.objects.bulk_create(
        [BodyCamRecording(agency=agency, officer=officer, started_at=moment, duration_seconds=60, category="arrest",
                          sha256=sha(n), evidence_location="EVD") for n in range(12)]
        + [BodyCamRecording(agency=agency, officer=officer, started_at=moment, duration_seconds=60,
                            category="traffic_stop", sha256=sha(100 + n), evidence_location="EVD")
           for n in range(2)])
    return month


def test_the_figures_suppress_small_counts(agency):
    month = make_figures(agency)
    figures = bodycams.bodycam_figures(agency)
    row = next(row for row in figures.requests.rows if row.key == month.strftime("%Y-%m"))
    received, released, denied, still_open = row.values
    assert received == 15 and denied is None
    assert figures.totals["received"] == 15 and figures.totals["denied"] is None
    denials = {row.key: row.values[0] for row in figures.denials.rows}
    assert denials["privacy"] is None and figures.denials.totals == [None]
    recordings = next(row for row in figures.recordings.rows if row.key == month.strftime("%Y-%m"))
    by_category = dict(zip([s.key for s in figures.recordings.series], recordings.values, strict=True))
    assert by_category["traffic_stop"] is None
    assert RecordingCategory.TRAFFIC_STOP in by_category


def test_no_hidden_request_count_can_be_worked_out_from_the_totals(agency):
    make_figures(agency)  # the month: 15 received, 12 released, 3 denied, none open
    figures = bodycams.bodycam_figures(agency)
    lines = [row.values for row in figures.requests.rows] + [figures.requests.totals]
    # Each line is "received" and its outcomes, each column the months and their total: a line or a column with
    # exactly one hidden count gives that count away by subtraction.
    for line in lines:
        assert sum(value is None for value in line) != 1, line
    for column in zip(*lines, strict=True):
        assert sum(value is None for value in column) != 1, column
    assert figures.totals["received"] == 15 and figures.totals["released"] is None
    assert figures.totals["denied"] is None and figures.denials.totals == [None]
    assert {row.key: row.values[0] for row in figures.denials.rows}["privacy"] is None


def test_a_hidden_denied_total_is_not_added_up_from_the_legal_bases(agency):
    month = last_month(agency)
    for number in range(13):
        closed_request(agency, number, "released", month, days=3)
    for number in range(13, 25):
        closed_request(agency, number, "denied", month, days=5, basis="privacy")
    closed_request(agency, 30, "received", month, days=5)  # one still open: hidden, and 12 denied with it
    figures = bodycams.bodycam_figures(agency)
    assert figures.totals["open"] is None and figures.totals["denied"] is None
    denials = {row.key: row.values[0] for row in figures.denials.rows}
    assert denials["privacy"] is None and figures.denials.totals == [None]


def test_medians_and_shares_rest_on_at_least_eleven_requests(agency):
    month = make_figures(agency)
    figures = bodycams.bodycam_figures(agency)
    days = {row.key: row.points[0].value for row in figures.timeliness.rows}
    on_time = {row.key: row.points[0].value for row in figures.on_time.rows}
    key = month.strftime("%Y-%m")
    assert days[key] == 3.0
    # Three were released after 20 days: late. Three is from 1 to 10, and the share times 15 would give it
    # back, so the share is withheld.
    assert on_time[key] is None
    assert all(value is None for other, value in days.items() if other != key)


def test_the_page_shows_charts_with_tables_and_the_policy_link(agency, admin, client):
    make_figures(agency)
    bodycams.save_program(admin, agency, about={"en": "Cameras keep everyone honest.", "es": "Cámaras honestas."},
                          policy_url="https://alpha.test/policies/GO-310/")
    page = client.get(PAGE)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Cameras keep everyone honest." in body and "https://alpha.test/policies/GO-310/" in body
    assert "fewer than 11" in body and "<caption>Footage requests by month received" in body
    assert 'id="figure-recordings"' in body and 'id="figure-on_time"' in body


def test_the_page_is_in_spanish_too(agency, admin, client):
    bodycams.save_program(admin, agency, about={"en": "Cameras keep everyone honest.", "es": "Cámaras honestas."},
                          policy_url="")
    page = client.get("/es" + PAGE)
    assert page.status_code == 200 and 'lang="es"' in page.content.decode()
    assert "Cámaras honestas." in page.content.decode()


def test_the_csv_has_the_same_suppressed_figures(agency, client):
    month = make_figures(agency)
    response = client.get(CSV)
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    denied = next(row for row in rows if row["table"] == "requests" and row["month"] == month.strftime("%Y-%m")
                  and row["outcome"] == "denied")
    assert denied["count"] == "" and denied["suppressed"] == "true"
    received = next(row for row in rows if row["table"] == "requests" and row["month"] == month.strftime("%Y-%m")
                    and row["outcome"] == "received")
    assert received["count"] == "15"
    median = next(row for row in rows if row["table"] == "days_to_close" and row["month"] == month.strftime("%Y-%m"))
    assert median["value"] == "3.0" and median["measure"] == "median_days"


def test_requester_identity_never_appears_on_public_pages_or_downloads(agency, client):
    make_figures(agency)
    footage_request(agency, name="Zebulon Quartermaine", email="zebulon@example.org",
                    reason="Secret reason of Zebulon")
    for url in (PAGE, CSV, "/es" + PAGE, reverse("transparency:footage_request_status")):
        body = client.get(url).content.decode()
        for secret in ("Zebulon", "zebulon@example.org", "Secret reason"):
            assert secret not in body


def test_another_agencys_figures_stay_apart(agency, other_agency, client):
    make_figures(other_agency)
    figures = bodycams.bodycam_figures(agency)
    assert figures.totals["received"] == 0
    assert "Zebulon" not in client.get(PAGE).content.decode()



def test_the_share_on_time_is_published_when_neither_side_is_small(agency):
    month = last_month(agency)
    for number in range(12):
        closed_request(agency, number, "released", month, days=3)
    for number in range(12, 23):
        closed_request(agency, number, "released", month, days=25)  # after the deadline
    on_time = {row.key: row.points[0].value for row in bodycams.bodycam_figures(agency).on_time.rows}
    assert on_time[month.strftime("%Y-%m")] == round(100 * 12 / 23, 1)
