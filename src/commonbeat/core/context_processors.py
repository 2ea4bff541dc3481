from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from . import navigation


def site(request: HttpRequest) -> dict:
    agency = getattr(request, "agency", None)
    language = get_language() or "en"
    return {
        "agency": agency,
        "agency_name": agency.display_name(language) if agency else "CommonBeat",
        "demo_mode": settings.COMMONBEAT_DEMO,
        "header_links": navigation.HEADER,
        "footer_groups": navigation.FOOTER,
    }
