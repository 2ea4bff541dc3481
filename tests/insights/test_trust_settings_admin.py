"""An agency admin sets the fewest responses for a figure and the weight bounds, for their agency only."""

from commonbeat.insights.models import TrustSettings


def test_an_agency_admin_adds_the_trust_settings_once(admin_client, agency):
    response = admin_client.post("/admin/insights/trustsettings/add/",
                                 {"minimum_responses": 40, "trim_lower": 0.4, "trim_upper": 2.5})
    assert response.status_code == 302
    settings = TrustSettings.objects.get()
    assert (settings.agency, settings.minimum_responses, settings.trim_upper) == (agency, 40, 2.5)
    assert admin_client.get("/admin/insights/trustsettings/add/").status_code == 403


def test_the_minimum_cannot_go_below_11(admin_client, agency):
    response = admin_client.post("/admin/insights/trustsettings/add/",
                                 {"minimum_responses": 5, "trim_lower": 0.3, "trim_upper": 3})
    assert response.status_code == 200 and not TrustSettings.objects.exists()
    assert "greater than or equal to 11" in response.content.decode()


def test_another_agencys_settings_are_out_of_reach(admin_client, other_agency):
    theirs = TrustSettings.objects.create(agency=other_agency, minimum_responses=50)
    listing = admin_client.get("/admin/insights/trustsettings/").content.decode()
    assert f"/admin/insights/trustsettings/{theirs.pk}/change/" not in listing
    assert "Beta" not in listing
    assert admin_client.get(f"/admin/insights/trustsettings/{theirs.pk}/change/").status_code in (302, 403, 404)
