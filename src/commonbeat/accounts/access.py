"""Who may open a staff page: signed in, second factor passed, and a role that allows the action."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Action, can


def second_factor_passed(request) -> bool:
    """True once the user has entered a TOTP code in this session (demo accounts in demo mode excepted)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if settings.COMMONBEAT_DEMO and user.is_demo_account:
        return True
    # Right after login() in the same request the user is not yet wrapped by OTPMiddleware: not verified.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_redirect(request):
    """Where to send a signed-in user who has not passed the second factor yet."""
    next_url = request.get_full_path()
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    target = "accounts:verify" if has_device else "accounts:set_up_authenticator"
    response = redirect(target)
    response["Location"] += "?" + urlencode({"next": next_url})
    return response


def staff_required(*actions: Action):
    """Decorate a staff view: the signed-in user must have passed MFA and may do one of `actions` here
    (by default, use the console)."""
    actions = actions or (Action.USE_CONSOLE,)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not second_factor_passed(request):
                return second_factor_redirect(request)
            if not any(can(request.user, request.agency, action) for action in actions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Read by the access-matrix test: every staff route states what it needs.
        wrapped.required_actions = actions
        wrapped.required_action = actions[0]
        return wrapped

    return decorator
