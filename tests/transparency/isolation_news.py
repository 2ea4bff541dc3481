"""Beta's updates for the cross-agency isolation test (tests/core/test_isolation.py): one of each kind, made
through the services, with "Beta" in every text, and the news routes that take arguments, filled with them."""

from datetime import timedelta

from django.utils import timezone

from commonbeat.core.models import Neighbourhood
from commonbeat.transparency.models import Update, UpdateKind
from commonbeat.transparency.services import news as services
from commonbeat.transparency.services.news import UpdateDetails


def beta_news(other_agency, other_admin) -> None:
    neighbourhood = Neighbourhood.objects.filter(agency=other_agency).order_by("name").first()
    starts = timezone.now() + timedelta(days=5)
    for kind, extra in [(UpdateKind.NEWS, {}),
                        (UpdateKind.MEETING, {"starts_at": starts, "ends_at": starts + timedelta(hours=2),
                                              "place": "Beta Town Hall"}),
                        (UpdateKind.SAFETY, {"ends_at": starts})]:
        label = kind.label
        update = services.create_update(other_admin, other_agency, UpdateDetails(
            kind=kind, title={"en": f"Beta {label}", "es": f"Beta {label} (es)"},
            summary={"en": f"Beta summary of the {label}", "es": f"Beta resumen {label}"},
            body={"en": f"Beta text of the {label}", "es": f"Beta texto {label}"},
            neighbourhood=neighbourhood, **extra), slug=f"beta-{kind}")
        services.publish_update(other_admin, update)


def news_routes(beta_agency) -> dict:
    updates = {update.kind: update for update in Update.objects.filter(agency=beta_agency)}
    news, meeting = updates[UpdateKind.NEWS], updates[UpdateKind.MEETING]
    return {
        "news/<slug:kind>/feed.atom": f"/news/{UpdateKind.SAFETY}/feed.atom",
        "news/<slug:slug>/": f"/news/{news.slug}/",
        "news/<slug:slug>/meeting.ics": f"/news/{meeting.slug}/meeting.ics",
        "console/news/<int:pk>/": f"/console/news/{news.pk}/",
        "console/news/<int:pk>/edit/": f"/console/news/{news.pk}/edit/",
        "console/news/<int:pk>/publish/": f"/console/news/{news.pk}/publish/",
        "console/news/<int:pk>/unpublish/": f"/console/news/{news.pk}/unpublish/",
    }
