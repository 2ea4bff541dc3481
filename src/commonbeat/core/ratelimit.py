"""Rate limits for anonymous residents, counted in Django's cache without ever keeping an IP address.

A client is known only by the SHA-256 of its address and a salt derived from SECRET_KEY that changes
every day (UTC), so the counters cannot be joined across days or turned back into addresses, and the
address itself is never written anywhere.

Counts are kept in one-minute buckets and a limit looks at the last `window + 1` minutes, so no run of
`window` minutes can hold more than `limit` attempts. Each bucket is raised with the cache's atomic
`incr` before the total is checked (and lowered again when the attempt is refused), so concurrent
requests cannot slip past the limit together. With Redis (REDIS_URL) the limits hold across processes
and machines; with the local-memory cache they hold per process.

Guessing a secret code (a report's or a footage request's tracking code) from many addresses at once is
slowed down by a second allowance that every client of the agency shares (`AGENCY_WIDE_LIMITS`): an attempt
must fit both the client's allowance and the agency's, and one that does not is counted in neither.

Behind a reverse proxy or load balancer, REMOTE_ADDR is the proxy's address: set
COMMONBEAT_TRUSTED_PROXY_COUNT to the number of proxies in front of the site and the client's address
is read from X-Forwarded-For instead (counted from the right, so a client cannot forge it).
"""

import contextlib
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

BUCKET_SECONDS = 60


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window_seconds: int

    @property
    def buckets(self) -> int:
        return -(-self.window_seconds // BUCKET_SECONDS) + 1


# scope -> attempts per window shared by every client of one agency. Wide enough for a busy day of residents
# following their reports (a resident looks a code up a few times), far too narrow to search 2^80 codes.
AGENCY_WIDE_LIMITS = {
    "tracking-lookup": 600,
    "footage-request-lookup": 600,
}


def client_address(request: HttpRequest) -> str:
    proxies = settings.COMMONBEAT_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_fingerprint(request: HttpRequest) -> str:
    """The SHA-256 of the client's address with today's salt: stable for a day, never the address."""
    day = timezone.now().date().isoformat()
    salt = salted_hmac("commonbeat.ratelimit", day, algorithm="sha256").hexdigest()
    return hashlib.sha256(f"{salt}:{client_address(request)}".encode()).hexdigest()


def _bucket_keys(limit: Limit, who: str, now: float) -> list[str]:
    current = int(now // BUCKET_SECONDS)
    return [f"ratelimit:{limit.scope}:{who}:{minute}" for minute in range(current - limit.buckets + 1, current + 1)]


def _take(limit: Limit, who: str, allowed: int, now: float) -> str | None:
    """Count one attempt for `who`; the key of the raised bucket when within `allowed`, else None (not counted)."""
    *earlier, current = _bucket_keys(limit, who, now)
    timeout = limit.buckets * BUCKET_SECONDS + BUCKET_SECONDS
    cache.add(current, 0, timeout=timeout)
    try:
        in_this_minute = cache.incr(current)
    except ValueError:  # the bucket expired between add and incr
        cache.set(current, 1, timeout=timeout)
        in_this_minute = 1
    if in_this_minute + sum(cache.get_many(earlier).values()) > allowed:
        _give_back(current)
        return None
    return current


def _give_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # the bucket expired meanwhile: nothing to take back
        cache.decr(key)


def agency_fingerprint(request: HttpRequest) -> str | None:
    """The key of the agency's shared allowance, hashed like a client's so that every counter looks alike."""
    agency = getattr(request, "agency", None)
    return hashlib.sha256(f"agency:{agency.id}".encode()).hexdigest() if agency is not None else None


def allow(request: HttpRequest, limit: Limit) -> bool:
    """Count one attempt and say whether it is within the client's limit (and the agency's, for the scopes of
    AGENCY_WIDE_LIMITS). A refused attempt is not counted."""
    now = time.time()
    taken = _take(limit, client_fingerprint(request), limit.limit, now)
    if taken is None:
        return False
    agency_wide, agency = AGENCY_WIDE_LIMITS.get(limit.scope), agency_fingerprint(request)
    if agency_wide is not None and agency is not None and _take(limit, agency, agency_wide, now) is None:
        _give_back(taken)
        return False
    return True
