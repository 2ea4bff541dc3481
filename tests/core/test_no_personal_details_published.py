"""No resident's personal detail ever reaches the public.

Residents write distinctive names, phone numbers, e-mail addresses and street addresses into every kind of text
they send (report narratives, survey answers on the number-one issue, comments on draft policies, concerns
raised at events, shared stories, award nominations). The text pipeline reads them all, groups them into
themes and proposes quotes; every quote is approved through the review service as proposed (the worst case: a
reviewer who accepts every automatic redaction unchanged); moderators publish what the services let them
publish. Then every public page, feed, export and API route is fetched by a stranger, in English and in
Spanish, and none of the details may be anywhere in what comes back.
"""

import contextlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.engagement import services as engagement
from commonbeat.engagement.models import Event
from commonbeat.feedback import services as feedback
from commonbeat.insights.models import ThemeQuote
from commonbeat.insights.text import analysis, quotes, topics
from commonbeat.recognition import services as recognition
from commonbeat.recognition.models import NomineeKind
from commonbeat.surveys import services as surveys
from commonbeat.surveys.models import Survey
from commonbeat.transparency.models import PolicyVersion, VersionStatus
from commonbeat.transparency.services import policies

from ..factories import make_agency, make_user
from .test_every_route import API_CALLS, HOST, is_staff_page, open311_paths
from .test_isolation import all_routes, beta_world, route_args

pytestmark = pytest.mark.django_db

# Each detail is unusual enough that it cannot appear on a page by chance.
DETAILS = {
    "name": "Zebulon Quackenbush",
    "titled name": "Philippa Oyelaran",
    "phone": "412-555-0187",
    "phone, other format": "(724) 555-0143",
    "e-mail": "zeb.quackenbush@example.net",
    "address": "4417 Wexford Lane",
    "Spanish address": "Calle Ocotlán 2291",
}
EN = [
    "My name is Zebulon Quackenbush and cars speed down our street every night, someone will get hurt. "
    "Call me at 412-555-0187 or write to zeb.quackenbush@example.net.",
    "I live at 4417 Wexford Lane and the speeding by the school is terrible; Mrs Philippa Oyelaran saw it too. "
    "My number is (724) 555-0143.",
    "Drug dealing on the corner near 4417 Wexford Lane keeps us awake. Contact zeb.quackenbush@example.net, "
    "my name is Zebulon Quackenbush.",
    "Loud parties and noise until 3am next to 4417 Wexford Lane. Mrs Philippa Oyelaran can tell you more, "
    "phone 412-555-0187.",
    "The officers were kind to me at the station after the break-in. My name is Zebulon Quackenbush, call "
    "(724) 555-0143.",
]
ES = [
    "Me llamo Zebulon Quackenbush y los coches van muy rápido por nuestra calle cada noche. Vivo en Calle Ocotlán "
    "2291, llámenme al 412-555-0187.",
    "Hay venta de drogas en la esquina de Calle Ocotlán 2291. Escríbanme a zeb.quackenbush@example.net, la Sra. "
    "Philippa Oyelaran también lo ha visto.",
    "El ruido de las fiestas no nos deja dormir cerca de Calle Ocotlán 2291. Mi nombre es Zebulon Quackenbush, "
    "teléfono (724) 555-0143.",
]
TEXTS = EN + ES


def residents_write_everywhere(beta, beta_admin) -> None:
    """Each text in every source, written the way residents write them."""
    officer = Officer.objects.filter(agency=beta).order_by("id").first()
    north = Neighbourhood.objects.get(agency=beta, slug="beta-north-end")
    for number, text in enumerate(TEXTS * 2):
        feedback.file_report(beta, feedback.Submission(
            kind="complaint" if number % 3 else "commendation", narrative=text, name="Zebulon Quackenbush",
            email="zeb.quackenbush@example.net", phone="412-555-0187", location_text="4417 Wexford Lane",
            occurred_on=beta.today() - timedelta(days=number % 5)), channel="web")
    survey = Survey.objects.get(agency=beta, slug="beta-survey")
    for number, text in enumerate(TEXTS * 2):
        surveys.submit_response(beta, survey, {"neighbourhood": "beta-north-end", "safety": 2 + number % 3,
                                               "respect": 3, "listen": 3, "top_issue": text},
                                language="es" if text in ES else "en")
    draft = PolicyVersion.objects.get(policy__agency=beta, status=VersionStatus.DRAFT)
    for text in TEXTS:
        comment = policies.submit_comment(beta, draft, text=text, first_name="Zebulon", neighbourhood=north,
                                          language="es" if text in ES else "en").comment
        policies.approve_comment(beta_admin, comment, published_text=text)
    event = Event.objects.filter(agency=beta).order_by("id").first()
    for text in TEXTS * 2:
        engagement.record_concern(beta_admin, event, text)
    for text in TEXTS:
        story = recognition.share_story(AnonymousUser(), beta, recognition.StorySubmission(
            title="A thank-you note", text=text, name=DETAILS["name"], email=DETAILS["e-mail"]),
            token="")
        title, body = recognition.redacted_submission(story)
        recognition.edit_story(beta_admin, story, title={"en": title, "es": title}, body={"en": body, "es": body})
        recognition.publish_story(beta_admin, story)
    today = beta.today()
    program = recognition.create_program(beta_admin, beta, slug="neighbour-award", name={"en": "Neighbour award"},
                                         criteria={}, nominee_kind=NomineeKind.OFFICER, opens_on=today,
                                         closes_on=today)
    for text in TEXTS:
        recognition.nominate(AnonymousUser(), program, reason=text, nominator_name=DETAILS["name"],
                             nominator_contact=DETAILS["e-mail"], token="", officer=officer)


def run_the_text_pipeline(beta, reviewer) -> None:
    """Analyse every text, group them into themes and approve every proposed quote as it was redacted (a quote
    the review still finds personal is left unapproved, as the review page refuses it without a confirmation)."""
    analysis.analyse_texts(beta)
    today = beta.today()
    topics.build_themes(beta, today - timedelta(days=90), today)
    for quote in list(quotes.pending(beta)):
        with contextlib.suppress(quotes.StillPersonal):
            quotes.approve_quote(reviewer, beta, quote.id, quote.proposed_text)


def public_paths(beta, beta_admin, token) -> list[str]:
    """Every route a stranger may fetch with GET (pages, feeds, exports, Open311 and the open API), in English and
    in Spanish; the routes with arguments point at Beta's records as test_isolation.py builds them."""
    arguments = route_args(beta_admin, token)
    paths = ["/" + r if "<" not in r else arguments[r] for r in all_routes() if not is_staff_page(r)]
    paths += list(open311_paths(beta).values())
    paths += [path for _route, method, path, needs_token in API_CALLS if method == "get" and not needs_token]
    return paths + ["/es" + path for path in paths if not path.startswith(("/api/", "/open311/", "/healthz"))]


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def leaks(body: str) -> list[str]:
    """The details found in a response, also as the JSON and HTML encoders would write them."""
    found = []
    for kind, detail in DETAILS.items():
        spellings = {detail, detail.replace("ó", "\\u00f3"), detail.replace("ó", "&oacute;"),
                     detail.replace("@", "&#64;"), detail.replace("(", "&#40;")}
        if any(spelling in body for spelling in spellings):
            found.append(kind)
    for part in ("Quackenbush", "Oyelaran", "555-0187", "555-0143", "Wexford Lane", "Ocotlán 2291"):
        if part in body and part not in " ".join(found):
            found.append(part)
    return found


def test_no_personal_detail_reaches_any_public_page_feed_export_or_api(db):
    make_agency("alpha", "alpha.test", west=-90.0)
    beta = make_agency("beta", HOST, west=-80.0)
    beta_admin = make_user(beta, Role.AGENCY_ADMIN, "beta_admin")
    token, _secret = beta_world(beta, beta_admin)
    paths = public_paths(beta, beta_admin, token)
    residents_write_everywhere(beta, beta_admin)
    run_the_text_pipeline(beta, beta_admin)
    assert ThemeQuote.objects.filter(agency=beta, status=ThemeQuote.Status.APPROVED).exists(), \
        "the pipeline proposed no quote, so the test would prove nothing about quotes"

    client = Client(HTTP_HOST=HOST)
    fetched, found = 0, {}
    for path in paths:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="es" if path.startswith("/es/") else "en")
        if response.status_code != 200:
            continue
        fetched += 1
        if leaked := leaks(body_of(response)):
            found[path] = leaked
    assert fetched > 50, "too few public pages answered to prove anything"
    assert found == {}, f"personal details published: {found}"
