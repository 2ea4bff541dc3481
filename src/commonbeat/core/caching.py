"""Pages that show personal details are not kept by browsers or shared caches."""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control


def private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response
