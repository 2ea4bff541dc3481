"""Bearer-token authentication: a token acts as its user, in its own agency only."""

from django.utils import timezone
from ninja.security import HttpBearer

from commonbeat.accounts.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None or request.agency is None or found.agency_id != request.agency.id:
            return None
        if found.last_used_at is None or (timezone.now() - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        request.api_token = found
        return found
