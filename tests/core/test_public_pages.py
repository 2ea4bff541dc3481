import pytest


def test_home_shows_the_agency_map_and_table(client, agency):
    body = client.get("/").content.decode()
    assert "<h1>Alpha Police Department</h1>" in body
    assert 'class="usa-skipnav" href="#main-content"' in body
    assert body.count('<a href="#neighbourhood-') == 2  # the map's shapes link to the table rows
    assert '<tr id="neighbourhood-alpha-north-end"><th scope="row">Alpha North End</th>' in body
    assert ">5,001<" in body  # population with thousands separator


def test_home_in_spanish_changes_the_whole_page(client, agency):
    body = client.get("/es/").content.decode()
    assert '<html lang="es"' in body
    assert "Departamento de Policía de Alpha" in body
    assert 'href="/" lang="en" hreflang="en">English</a>' in body
    assert "Nuestros barrios" in body and "Our neighbourhoods" not in body


def test_language_switch_keeps_the_page(client, agency):
    body = client.get("/audit/").content.decode()
    assert 'href="/es/audit/" lang="es" hreflang="es">Español</a>' in body


def test_home_without_neighbourhoods_says_so(client, agency):
    agency.neighbourhood_set.all().delete()
    assert "No neighbourhoods have been added yet." in client.get("/").content.decode()


def test_neighbourhoods_are_published_as_geojson(client, agency):
    response = client.get("/neighbourhoods.geojson")
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "Polygon" and feature["properties"]["name"] == "Alpha North End"
    assert "census" not in feature["properties"]


@pytest.mark.parametrize(("path", "text"), [("/no-such-page/", "Page not found"),
                                            ("/es/no-such-page/", "Página no encontrada")])
def test_missing_pages_answer_404_in_the_visitors_language(client, agency, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


def test_server_errors_show_a_page_in_the_visitors_language(agency, rf):
    from django.utils import translation

    from commonbeat.core.views import server_error

    with translation.override("es"):
        response = server_error(rf.get("/es/"))
    assert response.status_code == 500
    assert "Algo salió mal" in response.content.decode()


def test_pages_send_a_content_security_policy(client, agency):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'nonce'" not in policy  # a nonce appears only on pages that use one


def test_a_deployment_without_an_agency_says_how_to_add_one(client, db):
    response = client.get("/")
    assert response.status_code == 404
    assert "No agency is set up here yet" in response.content.decode()


def test_an_unknown_host_falls_back_to_the_configured_default_agency(client, agency, other_agency, settings):
    settings.COMMONBEAT_DEFAULT_AGENCY = "beta"
    assert "Beta Police Department" in client.get("/", HTTP_HOST="unknown.test").content.decode()
    assert "Alpha Police Department" in client.get("/", HTTP_HOST="alpha.test").content.decode()
