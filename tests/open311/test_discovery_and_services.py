"""Discovery, the list of services and their definitions, in JSON and XML."""

import pytest

from .helpers import fields, valid, xml


def test_discovery_points_clients_to_this_endpoint_in_both_formats(client, agency):
    document = valid(client.get("/open311/v2/discovery.json"), "discovery.json")
    endpoint = document["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "Alpha Police Department" in document["contact"]

    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert fields(root)["changeset"] == document["changeset"]
    endpoint = root.find("endpoints/endpoint")
    assert fields(endpoint)["url"] == "http://testserver/open311/v2"
    assert fields(endpoint)["type"] == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_the_two_services_are_complaint_and_commendation(client, agency):
    services = valid(client.get("/open311/v2/services.json"), "services.json")
    assert [s["service_code"] for s in services] == ["complaint", "commendation"]
    for service in services:
        assert service["metadata"] is True and service["type"] == "realtime"
        assert service["group"] == "Police feedback" and "police" in service["keywords"]

    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    listed = [fields(element) for element in root.findall("service")]
    assert [s["service_code"] for s in listed] == ["complaint", "commendation"]
    assert listed[0] == {
        "service_code": "complaint", "service_name": services[0]["service_name"],
        "description": services[0]["description"], "metadata": "true", "type": "realtime",
        "keywords": services[0]["keywords"], "group": "Police feedback"}


@pytest.mark.parametrize("code", ["complaint", "commendation"])
def test_a_service_definition_lists_the_extra_fields(client, agency, code):
    definition = valid(client.get(f"/open311/v2/services/{code}.json"), "service-definition.json")
    assert definition["service_code"] == code
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert {code: a["datatype"] for code, a in attributes.items()} == {
        "officers_described": "string", "occurred_on": "datetime", "name": "string", "phone": "string",
        "consent": "singlevaluelist"}
    assert not any(a["required"] for a in attributes.values())
    assert attributes["consent"]["values"] == [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]

    root = xml(client.get(f"/open311/v2/services/{code}.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == code
    consent = [a for a in root.findall("attributes/attribute") if a.findtext("code") == "consent"][0]
    assert fields(consent)["variable"] == "true" and fields(consent)["required"] == "false"
    assert [v.findtext("key") for v in consent.findall("values/value")] == ["yes", "no"]


def test_an_unknown_service_is_404_in_the_error_format(client, agency):
    response = client.get("/open311/v2/services/potholes.json")
    assert response.status_code == 404
    assert valid(response, "errors.json") == [{"code": 404, "description": "service_code potholes not found."}]

    response = client.get("/open311/v2/services/potholes.xml")
    assert response.status_code == 404
    error = xml(response).find("error")
    assert fields(error) == {"code": "404", "description": "service_code potholes not found."}


def test_tokens_are_not_used_so_a_token_is_404(client, agency):
    response = client.get("/open311/v2/tokens/abc123.json")
    assert response.status_code == 404
    assert "tokens are not used" in valid(response, "errors.json")[0]["description"]
    response = client.get("/open311/v2/tokens/abc123.xml")
    assert response.status_code == 404 and xml(response).tag == "errors"


def test_an_unknown_resource_is_404_in_the_error_format(client, agency):
    response = client.get("/open311/v2/nothing-here.xml")
    assert response.status_code == 404 and xml(response).findtext("error/code") == "404"
    assert valid(client.get("/open311/v2/services.csv"), "errors.json")[0]["code"] == 404


def test_a_wrong_jurisdiction_is_404(client, agency):
    response = client.get("/open311/v2/services.json?jurisdiction_id=elsewhere.example")
    assert response.status_code == 404 and valid(response, "errors.json")[0]["code"] == 404
    assert client.get("/open311/v2/services.json?jurisdiction_id=alpha").status_code == 200
    assert client.get("/open311/v2/services.json?jurisdiction_id=alpha.test").status_code == 200

