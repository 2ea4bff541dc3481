"""Changes to accounts, roles, second factors and API tokens. Each one is audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonbeat.core import audit
from commonbeat.core.models import Agency

from .models import ApiToken, Membership, User, hash_token
from .roles import Action, Role, can


class AccountError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def create_staff_user(actor, agency: Agency, *, username: str, email: str, first_name: str, last_name: str,
                      password: str, roles: list[str]) -> User:
    """An agency admin adds a staff member with at least one role."""
    _require(actor, agency, Action.MANAGE_USERS)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("That username is already taken."))
    if not roles:
        raise AccountError(_("Choose at least one role."))
    user = User.objects.create_user(username=username, email=email, password=password,
                                    first_name=first_name, last_name=last_name)
    for role in roles:
        Membership.objects.create(agency=agency, user=user, role=Role(role))
    audit.record("accounts.user_created", actor=actor, agency=agency, target=user,
                 changes={"username": username, "roles": sorted(roles)})
    return user


@transaction.atomic
def set_roles(actor, agency: Agency, user: User, roles: list[str]) -> None:
    """Replace the user's roles in this agency. An admin cannot remove their own admin role."""
    _require(actor, agency, Action.MANAGE_USERS)
    roles = sorted(set(roles))
    if user == actor and Role.AGENCY_ADMIN not in roles:
        raise AccountError(_("You cannot remove your own agency admin role."))
    before = sorted(Membership.objects.filter(agency=agency, user=user).values_list("role", flat=True))
    Membership.objects.filter(agency=agency, user=user).exclude(role__in=roles).delete()
    for role in roles:
        Membership.objects.get_or_create(agency=agency, user=user, role=Role(role))
    audit.record("accounts.roles_changed", actor=actor, agency=agency, target=user,
                 changes={"before": before, "after": roles})


@transaction.atomic
def set_active(actor, agency: Agency, user: User, active: bool) -> None:
    """Suspend or restore a staff member's access. An admin cannot suspend themselves."""
    _require(actor, agency, Action.MANAGE_USERS)
    if user == actor and not active:
        raise AccountError(_("You cannot suspend your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record("accounts.user_activated" if active else "accounts.user_suspended", actor=actor,
                 agency=agency, target=user)


@transaction.atomic
def reset_second_factor(actor, agency: Agency, user: User) -> None:
    """Remove a staff member's authenticator so they set up a new one at next sign-in."""
    _require(actor, agency, Action.MANAGE_USERS)
    TOTPDevice.objects.filter(user=user).delete()
    audit.record("accounts.second_factor_reset", actor=actor, agency=agency, target=user)


def start_authenticator_setup(user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user, reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_authenticator(user: User, agency: Agency | None, device: TOTPDevice, code: str) -> bool:
    """Confirm the device once the user proves it works with a current code."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("accounts.second_factor_set_up", actor=user, agency=agency, target=user)
    return True


@transaction.atomic
def issue_api_token(actor, agency: Agency, *, name: str, user: User | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` (default: the actor) in this agency. The secret is returned once."""
    _require(actor, agency, Action.MANAGE_API_TOKENS)
    owner = user or actor
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(agency=agency, user=owner, name=name, prefix=secret[:10],
                                    token_hash=hash_token(secret))
    audit.record("accounts.api_token_issued", actor=actor, agency=agency, target=token,
                 changes={"name": name, "user": owner.get_username()})
    return token, secret


@transaction.atomic
def revoke_api_token(actor, agency: Agency, token: ApiToken) -> None:
    _require(actor, agency, Action.MANAGE_API_TOKENS)
    if token.agency_id != agency.id:
        raise PermissionDenied
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record("accounts.api_token_revoked", actor=actor, agency=agency, target=token)
