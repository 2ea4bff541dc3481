"""Caching of pages: pages that show personal details are not kept by browsers or shared caches, and the busiest
public pages are kept for a short while so that a crowd of residents costs one rendering a minute.

A public page is served from the cache only to a visitor with no session and no pending messages (anyone signed
in, staff included, always gets a fresh page, so staff see their own changes at once). It is kept per agency,
language, address with its query, and the agency's day, for `PUBLIC_PAGE_CACHE_SECONDS` (0 turns it off): what
residents read may be that many seconds behind. Only a complete 200 answer that set no cookie and used no form
token is kept.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

KEY_PREFIX = "public-page"


def private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _cache_key(request: HttpRequest) -> str | None:
    """The key of this request's page in the cache, or None when this visitor must get a fresh page."""
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES:
        return None
    agency = getattr(request, "agency", None)
    if agency is None:
        return None
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"{KEY_PREFIX}:{agency.pk}:{translation.get_language()}:{agency.today().isoformat()}:{address}"


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def public_page(view):
    """Serve the view's page from the cache to visitors without a session (see the module's notes)."""

    @wraps(view)
    def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        key = _cache_key(request) if seconds else None
        if key is None:
            return view(request, *args, **kwargs)
        kept = cache.get(key)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return cached
