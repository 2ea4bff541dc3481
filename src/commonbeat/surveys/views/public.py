"""Pages for residents answering a survey, without an account: the survey, the same form for partner sites to
show in an <iframe>, and the thank-you page.

Nothing about the person is stored with a response: no IP address (the rate limit counts a daily-salted hash
of it in the cache and keeps nothing), no cookie but Django's CSRF one, no account even when a signed-in user
answers. The channel is recorded: an invitation link, the embedded form, a QR code (whose link carries
`?source=qr`), or the plain link.
"""

from urllib.parse import urlencode, urlsplit

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse, translate_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from commonbeat.core import ratelimit
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .. import services
from ..forms import AnswerForm, localised
from ..models import Channel, Survey, SurveyStatus

QR_SOURCE = "qr"  # the QR codes point to the survey's link with ?source=qr
TRUST_DASHBOARD = "/trust/"
PAGE = "base.html"
EMBEDDED_PAGE = "surveys/embed_base.html"


def _private(response: HttpResponse) -> HttpResponse:
    """Not kept by any cache: the blank form carries a token for one resident, a sent one what they answered."""
    response["Cache-Control"] = "no-store"
    return response


def _published(request: HttpRequest, slug: str) -> Survey:
    """The agency's survey by its short name. To the public a draft does not exist."""
    survey = scoped(Survey, request.agency).exclude(status=SurveyStatus.DRAFT).filter(slug=slug).first()
    if survey is None:
        raise Http404
    return survey


def _channel(request: HttpRequest, *, embedded: bool) -> str:
    if request.GET.get("invitation"):
        return Channel.INVITATION
    if embedded:
        return Channel.EMBED
    if request.GET.get("source") == QR_SOURCE:
        return Channel.QR
    return Channel.LINK


def _same_address(request: HttpRequest, survey: Survey, *, embedded: bool, **query) -> str:
    """The page's own address with only the markers it needs (invitation, source) and `query`."""
    keep = {name: request.GET[name] for name in ("invitation", "source") if request.GET.get(name)}
    keep.update(query)
    base = reverse("surveys:embed" if embedded else "surveys:answer", args=[survey.slug])
    return base + ("?" + urlencode(keep) if keep else "")


# ---------------------------------------------------------------- pages

@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    return _answer(request, _published(request, slug), embedded=False)


@csp_replace({"frame-ancestors": ["*"]})
@xframe_options_exempt
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The form alone, for any site to frame. The only page that may be framed.

    Inside a partner's frame the browser withholds our CSRF cookie (it is a third-party cookie there), so the
    token check cannot work; a form posted from another site is refused by its Origin header instead. Nothing
    here acts for a signed-in user, so there is no session for a forged post to borrow."""
    survey = _published(request, slug)
    if request.method == "POST" and not _posted_from_here(request):
        return _refused(request, survey, _("This form can only be sent from the survey page itself."),
                        status=403, embedded=True)
    if request.GET.get("answered"):
        return _thanks_page(request, survey, embedded=True)
    return _answer(request, survey, embedded=True)


@require_safe
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return _thanks_page(request, _published(request, slug), embedded=False)


# ---------------------------------------------------------------- answering

def _answer(request: HttpRequest, survey: Survey, *, embedded: bool) -> HttpResponse:
    language = current_language()
    if not services.is_accepting(survey):
        return _not_accepting(request, survey, embedded=embedded)
    invitation_token = request.GET.get("invitation", "")
    if request.method != "POST":
        if invitation_token:
            refusal = _invitation_refusal(request, survey, invitation_token, embedded=embedded)
            if refusal is not None:
                return refusal
        return _form_page(request, survey, AnswerForm(survey, request.agency, language), embedded=embedded)
    # Invitations are single-use, so they need no limit; a made-up one stores nothing.
    if not invitation_token and not ratelimit.allow(request, services.ANONYMOUS_RESPONSES):
        return _too_many_responses(request, survey, embedded=embedded)
    form = AnswerForm(survey, request.agency, language, data=request.POST)
    try:
        services.submit_response(request.agency, survey, form.answers(), language=language,
                                 channel=_channel(request, embedded=embedded), invitation_token=invitation_token,
                                 idempotency_key=form.submission_token)
    except services.AnswerErrors as problems:
        form.show_errors(problems.errors)
        return _form_page(request, survey, form, embedded=embedded)
    except services.SurveyError as error:
        if not services.is_accepting(survey):
            return _not_accepting(request, survey, embedded=embedded)
        invalid = invitation_token and services.find_invitation(survey, invitation_token) is None
        return _refused(request, survey, str(error), status=403 if invalid else 410, embedded=embedded)
    if embedded:
        return redirect(_same_address(request, survey, embedded=True, answered="1"))
    return redirect("surveys:thanks", slug=survey.slug)


def _form_page(request: HttpRequest, survey: Survey, form: AnswerForm, *, embedded: bool) -> HttpResponse:
    language = current_language()
    return _private(render(request, "surveys/answer.html", {
        "layout": EMBEDDED_PAGE if embedded else PAGE,
        "embedded": embedded,
        "survey": survey,
        "title": localised(survey.title, language),
        "introduction": localised(survey.introduction, language),
        "form": form,
        "any_required": any(question.required for question in form.questions),
        "action": _same_address(request, survey, embedded=embedded),
    }))


def _invitation_refusal(request: HttpRequest, survey: Survey, token: str, *, embedded: bool) -> HttpResponse | None:
    """Say so before the resident answers, rather than after, when the invitation cannot be used."""
    invitation = services.find_invitation(survey, token)
    if invitation is None:
        return _refused(request, survey, _("This invitation link is not valid."), status=403, embedded=embedded)
    if invitation.used_at:
        return _refused(request, survey, _("This invitation has already been used. Thank you for answering."),
                        status=410, embedded=embedded)
    return None


def _posted_from_here(request: HttpRequest) -> bool:
    """A form sent from our own page carries our address as its Origin; an old browser may send none."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.get_host()


# ---------------------------------------------------------------- answers to show instead of the form

def _not_accepting(request: HttpRequest, survey: Survey, *, embedded: bool) -> HttpResponse:
    """Closed for good: 410 Gone. Scheduled to open later: 403."""
    closed = survey.status == SurveyStatus.CLOSED or (survey.closes_at is not None
                                                     and survey.closes_at <= timezone.now())
    return _refused(request, survey, _("This survey is not taking answers now."), status=410 if closed else 403,
                    embedded=embedded)


def _refused(request: HttpRequest, survey: Survey, message: str, *, status: int, embedded: bool) -> HttpResponse:
    return _private(render(request, "surveys/refused.html", {
        "layout": EMBEDDED_PAGE if embedded else PAGE,
        "embedded": embedded,
        "survey": survey,
        "title": localised(survey.title, current_language()),
        "message": message,
        "trust_dashboard": translate_url(TRUST_DASHBOARD, current_language()),
    }, status=status))


def _too_many_responses(request: HttpRequest, survey: Survey, *, embedded: bool) -> HttpResponse:
    limit = services.ANONYMOUS_RESPONSES
    response = render(request, "surveys/too_many_responses.html", {
        "layout": EMBEDDED_PAGE if embedded else PAGE,
        "embedded": embedded,
        "survey": survey,
        "title": localised(survey.title, current_language()),
        "minutes": limit.window_seconds // 60,
    }, status=429)
    response["Retry-After"] = str(limit.window_seconds)
    return _private(response)


def _thanks_page(request: HttpRequest, survey: Survey, *, embedded: bool) -> HttpResponse:
    return render(request, "surveys/thanks.html", {
        "layout": EMBEDDED_PAGE if embedded else PAGE,
        "embedded": embedded,
        "survey": survey,
        "title": localised(survey.title, current_language()),
        "trust_dashboard": translate_url(TRUST_DASHBOARD, current_language()),
    })


urlpatterns = [
    path("s/<slug:slug>/", answer, name="answer"),
    path("s/<slug:slug>/embed/", embed, name="embed"),
    path("s/<slug:slug>/thanks/", thanks, name="thanks"),
]
