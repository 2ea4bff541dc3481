"""The isolation set-up for news works on its own: every news route with arguments is covered, Beta's updates
are public on Beta's site, and as Alpha's admin no news page, feed or calendar shows anything of Beta."""

from commonbeat.transparency.views.news import urlpatterns

from ..factories import signed_in_client
from .isolation_news import beta_news, news_routes


def test_no_news_route_shows_beta_to_alpha(agency, admin, other_agency, other_admin, client):
    beta_news(other_agency, other_admin)
    routes = news_routes(other_agency)
    assert set(routes) == {str(pattern.pattern) for pattern in urlpatterns if "<" in str(pattern.pattern)}
    assert client.get(routes["news/<slug:slug>/"], HTTP_HOST="beta.test").status_code == 200
    assert client.get(routes["news/<slug:slug>/meeting.ics"], HTTP_HOST="beta.test").status_code == 200
    alpha = signed_in_client(admin)
    for path in [*routes.values(), "/news/", "/news/feed.atom", "/es/news/feed.atom", "/events/feed.ics",
                 "/console/news/"]:
        assert "Beta" not in alpha.get(path).content.decode(), path
    assert alpha.get(routes["news/<slug:slug>/"]).status_code == 404
    assert alpha.get(routes["console/news/<int:pk>/"]).status_code == 404
