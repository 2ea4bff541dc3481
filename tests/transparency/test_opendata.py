"""The public open data catalogue: the list, a page per dataset with its data dictionary, the downloads, the
DCAT-US 1.1 data.json (validated against the vendored official schema) and de-identification: no names or
free text ever, small counts hidden, another agency's rows never shown."""

import csv
import io
import json
from datetime import datetime, time
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core.periods import add_months
from commonbeat.feedback import services as feedback_services
from commonbeat.feedback.models import Kind, Report
from commonbeat.transparency.datasets import BUILDERS
from commonbeat.transparency.models import Dataset
from commonbeat.transparency.services import opendata as services

from ..feedback import factories as feedback

SCHEMA = Path(__file__).parent / "schema"
NORTH = {"latitude": 40.005, "longitude": -89.995}  # inside Alpha's first neighbourhood (tests/factories.py)
SOUTH = {"latitude": 40.005, "longitude": -89.985}
NAME, NARRATIVE = "Zebediah Quillfeather", "The purple umbrella incident outside the marmalade shop"
EMAIL, PLACE, OFFICERS = "zebediah@example.org", "1234 Juniper Crescent", "Sergeant Obadiah Brambleworth"


def last_month(agency) -> datetime:
    first = add_months(agency.today().replace(day=1), -1)
    return datetime.combine(first.replace(day=10), time(12), tzinfo=agency.zone)


def into_last_month(agency, reports) -> None:
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(received_at=last_month(agency))


def commendations(agency, count: int, place: dict) -> list[Report]:
    return [feedback.file(agency, kind=Kind.COMMENDATION, narrative=f"Thanks to the officer, visit {n}.",
                          **place).report for n in range(count)]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content(response))))


def content(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def catalogue(agency):
    services.register_datasets(agency)
    return {dataset.slug: dataset for dataset in services.all_datasets(agency)}


def test_catalogue_lists_every_published_dataset(client, catalogue):
    Dataset.objects.filter(pk=catalogue["commendations"].pk).update(is_published=False)
    page = client.get("/data/").content.decode()
    assert "Complaints: allegations and findings" in page
    assert "Body-worn camera footage requests" in page
    assert "Commendations by month and neighbourhood" not in page
    assert 'href="/data/complaint-allegations.csv"' in page
    assert 'href="/data.json"' in page


def test_catalogue_and_dataset_pages_are_in_spanish(client, catalogue):
    page = client.get("/es/data/").content.decode()
    assert "Quejas: alegaciones y conclusiones" in page
    dataset = client.get("/es/data/complaint-allegations/").content.decode()
    assert "Una fila por alegación" in dataset


def test_dataset_page_shows_the_data_dictionary_and_downloads(client, catalogue):
    page = client.get("/data/crisis-outcomes/").content.decode()
    assert "Crisis response outcomes" in page
    for column in ("table", "outcome", "month", "neighbourhood", "responder", "count", "suppressed"):
        assert f"<code>{column}</code>" in page
    assert "crisis intervention" in page  # keywords
    assert "Daily" in page
    assert 'href="/data/crisis-outcomes.csv"' in page and 'href="/data/crisis-outcomes.json"' in page
    assert 'href="/data/crisis-outcomes/dictionary.json"' in page


def test_unpublished_and_unknown_datasets_are_not_found(client, catalogue):
    Dataset.objects.filter(pk=catalogue["patrol-hours"].pk).update(is_published=False)
    for path in ("/data/patrol-hours/", "/data/patrol-hours.csv", "/data/patrol-hours.json",
                 "/data/patrol-hours/dictionary.json", "/data/no-such-thing/"):
        assert client.get(path).status_code == 404, path


def test_data_json_validates_against_the_dcat_us_schema(client, catalogue):
    registry = Registry().with_resources(
        (f"https://project-open-data.cio.gov/v1.1/schema/{path.name}",
         Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4))
        for path in SCHEMA.glob("*.json"))
    schema = json.loads((SCHEMA / "catalog.json").read_text())
    response = client.get("/data.json")
    assert response["Content-Type"] == "application/json"
    document = response.json()
    validator = Draft4Validator(schema, registry=registry, format_checker=FormatChecker())
    assert [error.message for error in validator.iter_errors(document)] == []
    assert len(document["dataset"]) == len(BUILDERS)
    entry = next(d for d in document["dataset"] if d["identifier"].endswith("/data/complaint-allegations/"))
    assert entry["accessLevel"] == "public" and entry["accrualPeriodicity"] == "R/P1D"
    assert entry["publisher"]["name"] == "Alpha Police Department"
    assert entry["contactPoint"]["hasEmail"].startswith("mailto:")
    assert entry["describedBy"] == "http://testserver/data/complaint-allegations/dictionary.json"
    assert {d["mediaType"]: d["downloadURL"] for d in entry["distribution"]} == {
        "text/csv": "http://testserver/data/complaint-allegations.csv",
        "application/json": "http://testserver/data/complaint-allegations.json"}


def test_the_schema_refuses_a_dataset_without_its_required_fields(client, catalogue):
    """The vendored schema resolves its $refs offline and really checks: a broken entry fails."""
    registry = Registry().with_resources(
        (f"https://project-open-data.cio.gov/v1.1/schema/{path.name}",
         Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4))
        for path in SCHEMA.glob("*.json"))
    document = client.get("/data.json").json()
    del document["dataset"][0]["contactPoint"]["hasEmail"]
    document["dataset"][1]["accrualPeriodicity"] = "daily"
    errors = list(Draft4Validator(json.loads((SCHEMA / "catalog.json").read_text()),
                                  registry=registry).iter_errors(document))
    assert len(errors) == 2


def test_each_download_has_the_columns_of_its_dictionary(client, agency, cast, catalogue):
    report = feedback.closed(agency, cast, **NORTH)
    into_last_month(agency, [report, *commendations(agency, 12, NORTH)])
    for builder in BUILDERS:
        dictionary = client.get(f"/data/{builder.slug}/dictionary.json").json()
        names = [field["name"] for field in dictionary["fields"]]
        assert names == builder.column_names and all(field["description"] for field in dictionary["fields"])
        assert csv_rows(client.get(f"/data/{builder.slug}.csv"))[0] == names
        for row in json.loads(content(client.get(f"/data/{builder.slug}.json"))):
            assert list(row) == names
    allegations = csv_rows(client.get("/data/complaint-allegations.csv"))
    # A single allegation of its kind in the month: its category, finding and outcome are withheld too.
    assert allegations[1][2:] == ["withheld", "withheld", "withheld", "closed"]


def test_no_names_or_free_text_reach_any_download(client, agency, cast, catalogue):
    filed = feedback_services.file_report(agency, feedback.submission(
        name=NAME, email=EMAIL, narrative=NARRATIVE, location_text=PLACE, officers_described=OFFICERS,
        **NORTH), channel="web").report
    report = feedback_services.triage(cast[Role.INVESTIGATOR], filed, "formal_complaint", [
        feedback_services.AllegationInput(feedback.category(agency), None, f"{NAME} says: {NARRATIVE}")])
    thanks = feedback_services.file_report(agency, feedback.submission(
        kind=Kind.COMMENDATION, name=NAME, narrative=NARRATIVE, **SOUTH), channel="web").report
    into_last_month(agency, [report, thanks])
    for dataset in catalogue.values():
        services.build_snapshot(dataset)
    bodies = [client.get("/data.json").content.decode(), client.get("/data/").content.decode()]
    for builder in BUILDERS:
        for path in (f"/data/{builder.slug}.csv", f"/data/{builder.slug}.json", f"/data/{builder.slug}/"):
            bodies.append(content(client.get(path)))
    Dataset.objects.filter(agency=agency).update(csv_file="", json_file="")  # and the live files
    for builder in BUILDERS:
        bodies += [content(client.get(f"/data/{builder.slug}.csv")), content(client.get(f"/data/{builder.slug}.json"))]
    assert any("complaint-allegations" in body for body in bodies)
    for secret in ("Zebediah", "Quillfeather", "purple umbrella", "marmalade", EMAIL, "Juniper", "Brambleworth",
                   "Alphason", report.reference):
        assert not any(secret in body for body in bodies), secret


def test_a_neighbourhood_shared_by_few_allegations_is_withheld(client, agency, cast, catalogue):
    into_last_month(agency, [feedback.triaged(agency, cast, **NORTH) for _ in range(2)])
    rows = csv_rows(client.get("/data/complaint-allegations.csv"))[1:]
    assert len(rows) == 2
    assert {row[1] for row in rows} == {"withheld"}
    assert {(row[2], row[4]) for row in rows} == {("withheld", "withheld")}


def test_many_allegations_in_a_neighbourhood_show_it(client, agency, cast, catalogue):
    into_last_month(agency, [feedback.triaged(agency, cast, **NORTH) for _ in range(11)])
    rows = csv_rows(client.get("/data/complaint-allegations.csv"))[1:]
    assert {row[1] for row in rows} == {"alpha-north-end"}
    # Eleven allegations of the same category, all pending: the kind is published too.
    assert {(row[2], row[4]) for row in rows} == {(feedback.category(agency).code, "pending")}


def test_small_commendation_counts_are_hidden_with_a_complement(client, agency, catalogue):
    into_last_month(agency, commendations(agency, 3, NORTH) + commendations(agency, 14, SOUTH))
    month = last_month(agency).strftime("%Y-%m")
    rows = {(row[0], row[1]): row[2:] for row in csv_rows(client.get("/data/commendations.csv"))[1:]}
    assert rows[(month, "alpha-north-end")] == ["", "true"]
    assert rows[(month, "alpha-south-end")] == ["", "true"]  # else 17 − 14 would give the 3 back
    assert not any(values[0] == "3" for values in rows.values())
    published = json.loads(content(client.get("/data/commendations.json")))
    assert {"month": month, "neighbourhood": "alpha-north-end", "count": None, "suppressed": True} in published


def test_large_enough_commendation_counts_are_published(client, agency, catalogue):
    into_last_month(agency, commendations(agency, 11, NORTH) + commendations(agency, 12, SOUTH))
    month = last_month(agency).strftime("%Y-%m")
    rows = {(row[0], row[1]): row[2:] for row in csv_rows(client.get("/data/commendations.csv"))[1:]}
    assert rows[(month, "alpha-north-end")] == ["11", "false"]
    assert rows[(month, "alpha-south-end")] == ["12", "false"]


def test_another_agencys_rows_never_appear(client, agency, other_agency, cast, catalogue):
    beta_cast = {Role.INVESTIGATOR: cast[Role.INVESTIGATOR]}
    Membership.objects.create(agency=other_agency, user=cast[Role.INVESTIGATOR], role=Role.INVESTIGATOR)
    beta_reports = [feedback.triaged(other_agency, beta_cast, latitude=40.005, longitude=-79.995)
                    for _ in range(12)]
    beta_reports += commendations(other_agency, 12, {"latitude": 40.005, "longitude": -79.995})
    into_last_month(other_agency, beta_reports)
    services.register_datasets(other_agency)
    for dataset in catalogue.values():
        services.build_snapshot(dataset)
    bodies = [client.get("/data.json").content.decode()]
    for builder in BUILDERS:
        bodies += [content(client.get(f"/data/{builder.slug}.csv")), content(client.get(f"/data/{builder.slug}.json"))]
    assert not any("beta" in body.lower() for body in bodies)
    beta_rows = csv_rows(client.get("/data/complaint-allegations.csv", HTTP_HOST="beta.test"))[1:]
    assert len(beta_rows) == 12 and {row[1] for row in beta_rows} == {"beta-north-end"}


def test_footage_requests_are_counted_by_status_with_the_share_closed_on_time(client, agency, cast, catalogue):
    from commonbeat.transparency.models import DenialBasis, FootageRequest
    from commonbeat.transparency.services import bodycams

    requests = [bodycams.submit_footage_request(agency, bodycams.RequestSubmission(
        name=NAME, email=EMAIL, incident_date=agency.today(), place=PLACE, reason=f"{NARRATIVE} {n}",
        language="en")).request for n in range(14)]
    for request in requests[:12]:
        bodycams.deny_request(cast[Role.INVESTIGATOR], request, DenialBasis.NO_RECORDING, f"{NAME} has no video.")
    received = last_month(agency).date()
    FootageRequest.objects.filter(agency=agency).update(received_on=received, due_on=received.replace(day=24))
    FootageRequest.objects.filter(agency=agency, status="denied").update(closed_on=received.replace(day=20))
    rows = csv_rows(client.get("/data/footage-requests.csv"))
    assert rows[0] == ["month_received", "requests", "received", "searching", "reviewing", "redacting", "released",
                       "denied", "counts_suppressed", "share_closed_on_time", "share_withheld"]
    assert rows[1:] == [[received.strftime("%Y-%m"), "14", "", "0", "0", "0", "0", "", "true", "100", "false"]]
    FootageRequest.objects.filter(pk__in=[r.pk for r in requests[:3]]).update(closed_on=received.replace(day=28))
    rows = csv_rows(client.get("/data/footage-requests.csv"))
    assert rows[1][-2:] == ["", "true"]  # 3 late of 12 closed: the share would give the 3 back
    body = content(client.get("/data/footage-requests.json"))
    assert NAME not in body and "umbrella" not in body and "no video" not in body


def test_training_compliance_hides_small_units_and_withholds_shares_that_give_counts_back(
        client, agency, admin, catalogue):
    from decimal import Decimal

    from commonbeat.core.models import Officer, Unit
    from commonbeat.training import services as training

    patrol = Unit.objects.get(agency=agency, code="PAT")
    small = Unit.objects.create(agency=agency, code="K9", name="Dogs")
    Officer.objects.bulk_create(
        [Officer(agency=agency, badge_number=f"2{n:02}", first_name="Test", last_name=f"Officer{n}", rank="Officer",
                 unit=patrol, active_from=agency.today().replace(year=2020)) for n in range(12)]
        + [Officer(agency=agency, badge_number=f"3{n:02}", first_name="Test", last_name=f"Dog{n}", rank="Officer",
                   unit=small, active_from=agency.today().replace(year=2020)) for n in range(2)])
    course = training.standard_courses(agency)[0]
    training.create_requirement(admin, agency, training.RequirementDetails(
        course=course, hours_required=course.hours, every_months=None))
    officers = list(Officer.objects.filter(agency=agency, unit=patrol).order_by("badge_number"))
    for officer in officers[:12]:
        training.record_completion(admin, agency, officer=officer, course=course, completed_on=agency.today(),
                                   hours=course.hours)
    rows = {row[1]: row[2:] for row in csv_rows(client.get("/data/training-compliance.csv"))[1:]}
    assert rows["all"] == ["15", "false", "", "true"]  # 12 of 15 current: the 3 others would be given back
    assert rows["K9"] == ["", "true", "", "true"]
    assert rows["PAT"] == ["", "true", "", "true"]  # the complement: else 15 − 13 gives the 2 dogs back
    training.record_completion(admin, agency, officer=officers[12], course=course, completed_on=agency.today(),
                               hours=Decimal(course.hours))
    rows = {row[1]: row[2:] for row in csv_rows(client.get("/data/training-compliance.csv"))[1:]}
    assert rows["PAT"] == ["", "true", "100", "false"]  # 13 of 13: no small count behind the share
    assert rows["all"] == ["15", "false", "", "true"]
