import base64
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonbeat.core.tenancy import officer_of, scoped

from . import services
from .access import second_factor_passed, staff_required
from .forms import ApiTokenForm, CodeForm, NewStaffForm, RolesForm, SignInForm
from .models import ApiToken, Membership, User
from .roles import Action, Role, can, roles_of


def _next_url(request, default="accounts:console"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def sign_in(request):
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        if second_factor_passed(request):
            return redirect(_next_url(request))
        has_device = TOTPDevice.objects.filter(user=form.get_user(), confirmed=True).exists()
        target = "accounts:verify" if has_device else "accounts:set_up_authenticator"
        response = redirect(target)
        if next_url := _next_url(request, ""):
            response["Location"] += "?" + urlencode({"next": next_url})
        return response
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request, "")})


def verify(request):
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        response = redirect("accounts:set_up_authenticator")
        if next_url := _next_url(request, ""):
            response["Location"] += "?" + urlencode({"next": next_url})
        return response
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "")
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(code):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("code", _("That code is not right or has expired. Enter the code your app shows now."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request, "")})


def set_up_authenticator(request):
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = services.start_authenticator_setup(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_authenticator(request.user, request.agency, device, form.cleaned_data["code"]):
            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not right. Check the time on your phone and try the new code."))
    qr = segno.make(device.config_url, micro=False)
    return render(request, "accounts/set_up_authenticator.html", {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, dark="#1b1b1b", light="#ffffff", omitsize=False),
        "secret": _base32(device.bin_key),
        "next": _next_url(request, ""),
    })


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("core:home")


@staff_required()
def console(request):
    user_roles = roles_of(request.user, request.agency)
    tools = [
        (Action.MANAGE_USERS, _("Users and roles"), _("Add staff, change roles, suspend access."),
         "accounts:users"),
        (Action.MANAGE_API_TOKENS, _("API tokens"), _("Issue tokens for integrations with the API."),
         "accounts:api_tokens"),
        (Action.VIEW_OFFICERS, _("Officers and units"), _("The roster of sworn officers by unit."),
         "core:officers"),
        (Action.VIEW_AUDIT_LOG, _("Audit log"), _("Every change, who made it and when."), "core:audit_events"),
        (Action.READ_CASES, _("Complaints and commendations"),
         _("The intake queue: triage, assign, investigate and review cases."), "feedback:staff_reports"),
        (Action.MANAGE_EARLY_INTERVENTION, _("Early intervention"),
         _("Review alerts on officers' complaint history, plan and record interventions."), "feedback:alerts"),
        (Action.MANAGE_SURVEYS, _("Surveys"),
         _("Build surveys in English and Spanish, share them by link, QR code and invitation, read the "
           "responses."), "surveys:staff_surveys"),
        (Action.RUN_EVENTS, _("Community events"),
         _("Plan events, check people in, count walk-ins, log officer participation and the concerns raised."),
         "engagement:staff_events"),
        (Action.MANAGE_PROBLEMS, _("Problem-solving projects"),
         _("Turn residents' concerns into SARA projects with milestones, updates and a public page."),
         "engagement:staff_problems"),
        (Action.LOG_PATROLS, _("Patrols"),
         _("Log foot and bike patrols from your phone and see your own; engagement staff see every patrol."),
         "patrols:patrols"),
        (Action.VIEW_ENGAGEMENT_FIGURES, _("Engagement figures"),
         _("Events, attendance, officer hours at events and on patrol, and problem-solving projects by "
           "neighbourhood, unit or officer."), "patrols:staff_figures"),
        (Action.MANAGE_PROGRAMS, _("Youth programs"),
         _("Programs, sessions, applications and guardian consent, attendance, mentors and background checks, "
           "matches and meetings, outcome surveys."), "programs:staff_programs"),
        (Action.RUN_BOARD_MEETINGS, _("Advisory boards"),
         _("Boards, members, meetings with notice, agendas, minutes and documents, and the board's "
           "recommendations."), "boards:staff_boards"),
        (Action.MANAGE_BOARDS, _("Board applications"),
         _("Review residents' applications to the advisory boards and appoint members."),
         "boards:staff_applications"),
        (Action.RESPOND_TO_RECOMMENDATIONS, _("Board recommendations"),
         _("Give the department's response to each recommendation and track implementation milestones."),
         "boards:staff_recommendations"),
        (Action.MANAGE_TRAINING, _("Training"),
         _("Courses, requirements, sessions and rosters, completion records and CSV imports."),
         "training:staff_courses"),
        (Action.VIEW_TRAINING_COMPLIANCE, _("Training compliance"),
         _("Each officer's status per requirement, with unit roll-ups."), "training:staff_compliance"),
        (Action.VIEW_OWN_TRAINING, _("My training"), _("Your required training, its status and your records."),
         "training:mine"),
        (Action.MANAGE_PARTNERS, _("Partner organisations"),
         _("The partner directory: services, languages, neighbourhoods, contacts and agreements with their expiry "
           "dates."), "partners:staff_partners"),
        (Action.MANAGE_PARTNERS, _("Joint initiatives"),
         _("Initiatives with partners: goals, measures, milestones and the public page."),
         "partners:staff_initiatives"),
        (Action.MAKE_REFERRALS, _("Referrals"),
         _("Refer a person to a partner's service with their consent, and see each referral's loop close."),
         "partners:staff_my_referrals"),
        (Action.HANDLE_REFERRALS, _("Referrals inbox"),
         _("Referrals to your organisation: accept or decline them and report the outcome."), "partners:staff_inbox"),
        (Action.MANAGE_CRISIS_TEAM, _("Crisis team"),
         _("Crisis-trained officers and clinicians from partner organisations, and the shifts each can cover."),
         "crisis:staff_team"),
        (Action.RECORD_CRISIS_RESPONSES, _("Crisis responses"),
         _("Record who responded to a crisis call, for how long, how it ended and the follow-up referrals."),
         "crisis:staff_responses"),
        (Action.VIEW_CRISIS_FIGURES, _("Crisis figures"),
         _("Outcomes with and without a clinician, by neighbourhood and month, with exact counts."),
         "crisis:staff_figures"),
        (Action.MANAGE_POLICIES, _("Policies"),
         _("Draft policies, open them for public comment, answer comments and publish."),
         "transparency:staff_policies"),
        (Action.MODERATE_COMMENTS, _("Comments to moderate"),
         _("Residents' comments on draft policies, waiting for approval."), "transparency:staff_moderation"),
        (Action.ACKNOWLEDGE_POLICIES, _("Policies to acknowledge"),
         _("New policy versions you have not yet acknowledged."), "transparency:staff_my_acknowledgements"),
        (Action.VIEW_ACKNOWLEDGEMENTS, _("Policy acknowledgements"),
         _("For each version in force, who has acknowledged it, by unit."),
         "transparency:staff_acknowledgement_overview"),
        (Action.VIEW_RECORDINGS, _("Body-worn camera recordings"),
         _("The registry of recordings: officer, time, category, file hash and case; those due for deletion."),
         "transparency:staff_recordings"),
        (Action.HANDLE_FOOTAGE_REQUESTS, _("Footage requests"),
         _("Public requests for body-worn camera footage, with deadlines and overdue flags."),
         "transparency:staff_footage_requests"),
        (Action.MANAGE_RECORDINGS, _("Camera retention and program page"),
         _("How long each category of recording is kept; the public program text and policy link."),
         "transparency:staff_bodycam_settings"),
        (Action.PUBLISH_UPDATES, _("News and notices"),
         _("Write, publish and unpublish news, public meeting notices and safety alerts."),
         "transparency:staff_updates"),
        (Action.MANAGE_STORIES, _("Stories"), _("Write, moderate and publish positive stories."),
         "recognition:staff_stories"),
        (Action.MANAGE_AWARDS, _("Award programs"),
         _("Awards, panels, nomination rankings and announcements."), "recognition:staff_programs"),
        (Action.SCORE_NOMINATIONS, _("My award panels"), _("Score the nominations of the awards you review."),
         "recognition:staff_panel"),
        (Action.NOMINATE_FOR_AWARDS, _("Nominate for an award"),
         _("Nominate someone or put a commendation forward."), "recognition:staff_nominate"),
        (Action.MANAGE_MONTHLY_REPORTS, _("Monthly community reports"),
         _("Build or rebuild a month's report and its PDF in every language."), "insights:monthly_console"),
        (Action.VIEW_THEMES, _("Themes"),
         _("What residents write about, grouped into themes, with exact counts by neighbourhood and month."),
         "insights:themes"),
        (Action.REVIEW_REDACTIONS, _("Quotes to review"),
         _("Read, correct and approve residents' words before they are published."), "insights:theme_quotes"),
    ]
    available = [tool for tool in tools if can(request.user, request.agency, tool[0])]
    me = officer_of(request.user, request.agency)
    if me is not None and me.supervisees.exists():
        available.append((Action.USE_CONSOLE, _("My team's policy acknowledgements"),
                          _("Your people who have not acknowledged the policies in force."),
                          "transparency:staff_team_acknowledgements"))
    return render(request, "accounts/console.html", {
        "roles": [Role(r).label for r in sorted(user_roles)],
        "tools": available,
        "is_admin": can(request.user, request.agency, Action.USE_DJANGO_ADMIN),
    })


@staff_required(Action.MANAGE_USERS)
def users(request):
    memberships = scoped(Membership, request.agency).select_related("user").order_by("user__last_name")
    people: dict[int, dict] = {}
    for membership in memberships:
        entry = people.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        entry["roles"].append(membership.get_role_display())
    return render(request, "accounts/users.html", {"people": list(people.values())})


@staff_required(Action.MANAGE_USERS)
def new_user(request):
    form = NewStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_staff_user(request.user, request.agency, **form.cleaned_data)
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s can now sign in.") % {"name": user.get_full_name()})
            return redirect("accounts:users")
    return render(request, "accounts/new_user.html", {"form": form})


def _staff_member(request, user_id) -> User:
    """A user who holds a role in this agency; anyone else is not found."""
    return get_object_or_404(User.objects.filter(memberships__agency=request.agency).distinct(), pk=user_id)


@staff_required(Action.MANAGE_USERS)
def edit_user(request, user_id):
    member = _staff_member(request, user_id)
    current = list(scoped(Membership, request.agency).filter(user=member).values_list("role", flat=True))
    form = RolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST":
        try:
            if "suspend" in request.POST or "restore" in request.POST:
                services.set_active(request.user, request.agency, member, "restore" in request.POST)
                messages.success(request, _("Access updated."))
                return redirect("accounts:edit_user", user_id=member.id)
            if "reset_second_factor" in request.POST:
                services.reset_second_factor(request.user, request.agency, member)
                messages.success(request, _("They will set up a new authenticator at their next sign-in."))
                return redirect("accounts:edit_user", user_id=member.id)
            if form.is_valid():
                services.set_roles(request.user, request.agency, member, form.cleaned_data["roles"])
                messages.success(request, _("Roles saved."))
                return redirect("accounts:users")
        except services.AccountError as error:
            form.add_error(None, str(error))
    return render(request, "accounts/edit_user.html", {
        "member": member, "form": form,
        "has_authenticator": TOTPDevice.objects.filter(user=member, confirmed=True).exists(),
    })


@staff_required(Action.MANAGE_API_TOKENS)
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.issue_api_token(request.user, request.agency, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = scoped(ApiToken, request.agency).select_related("user")
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "secret": secret})


@staff_required(Action.MANAGE_API_TOKENS)
@require_POST
def revoke_api_token(request, token_id):
    token = get_object_or_404(scoped(ApiToken, request.agency), pk=token_id, revoked_at__isnull=True)
    services.revoke_api_token(request.user, request.agency, token)
    messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
    return redirect("accounts:api_tokens")
