import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import AgencyOwned

from .roles import Role


class User(AbstractUser):
    """A person who signs in: staff of an agency, board members, or a resident with an account."""

    preferred_language = models.CharField(_("preferred language"), max_length=8, default="en")
    is_demo_account = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("May skip the second factor, only while the deployment runs in demo mode."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(AgencyOwned):
    """A user holds a role in an agency. A user may hold several roles, in several agencies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [models.UniqueConstraint(fields=["agency", "user", "role"], name="one_role_once")]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(AgencyOwned):
    """A bearer token for the API, acting as its user within one agency. Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return "cb_" + secrets.token_urlsafe(32)
