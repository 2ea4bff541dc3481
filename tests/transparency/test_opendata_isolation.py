"""The isolation set-up for open data works on its own: every open data route with arguments is covered, Beta's
datasets are public on Beta's site, and as Alpha's admin no open data page, file or catalogue shows Beta."""

from commonbeat.transparency.services import opendata as services
from commonbeat.transparency.views.opendata import urlpatterns

from ..factories import signed_in_client
from .isolation_opendata import beta_opendata, opendata_routes


def test_no_open_data_route_shows_beta_to_alpha(agency, admin, other_agency, other_admin, client):
    services.register_datasets(agency)
    beta_opendata(other_agency, other_admin)
    routes = opendata_routes(other_agency)
    assert set(routes) == {str(pattern.pattern) for pattern in urlpatterns if "<" in str(pattern.pattern)}
    assert "Beta" in client.get(routes["data/<slug:slug>/"], HTTP_HOST="beta.test").content.decode()
    assert "Beta" in client.get("/data.json", HTTP_HOST="beta.test").content.decode()
    alpha = signed_in_client(admin)
    for path in [*routes.values(), "/data/", "/es/data/", "/data.json", "/console/open-data/"]:
        response = alpha.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Beta" not in body, path
    assert alpha.get(routes["console/open-data/<int:pk>/edit/"]).status_code == 404
