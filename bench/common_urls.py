"""The site's URLs plus the bare reference view of the intake benchmark (benchmark servers only).

`POST /bench/insert` is the floor the intake benchmark is measured against: the same server, the same
middleware, one `INSERT` of the posted key and body into `bench_insert` (created with raw SQL by
bench/intake/bench.py), no validation, no service, no audit event, no task.
"""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from commonbeat.urls import handler404, handler500  # noqa: F401
from commonbeat.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def bare_insert(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    key = request.headers.get("Idempotency-Key", "")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert (key, body) VALUES (%s, %s) RETURNING id",
                       [key, request.body.decode()])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [path("bench/insert", bare_insert), *site_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
