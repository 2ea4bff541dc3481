"""Alpha's staff and public pages never show Beta's stories, awards or nominations (the routes the lead wires
into the project-wide isolation test, checked here too)."""

from commonbeat.recognition.urls import urlpatterns

from ..factories import signed_in_client
from .isolation_recognition import beta_recognition, recognition_routes


def test_every_route_with_arguments_is_listed_and_shows_nothing_of_beta(agency, admin, other_agency, other_admin,
                                                                       client):
    beta_recognition(other_agency, other_admin)
    routes = recognition_routes(other_agency)
    with_arguments = {str(pattern.pattern) for pattern in urlpatterns if "<" in str(pattern.pattern)}
    assert set(routes) == with_arguments
    alpha_admin = signed_in_client(admin)
    for path in routes.values():
        for visitor in (alpha_admin, client):
            for response in (visitor.get(path), visitor.post(path)):
                assert "Beta" not in response.content.decode(errors="replace"), path
                assert response.status_code in (302, 404, 405), (path, response.status_code)
    for path in ("/stories/", "/awards/", "/stories/feed.atom", "/console/stories/", "/console/awards/",
                 "/console/awards/panel/", "/console/awards/nominate/"):
        assert "Beta" not in alpha_admin.get(path).content.decode(), path
