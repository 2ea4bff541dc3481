"""Residents answer surveys from the public pages, without an account: by link, QR code, invitation or a
partner site's frame, in English or Spanish."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from commonbeat.core.models import Neighbourhood
from commonbeat.core.tenancy import scoped
from commonbeat.surveys import services
from commonbeat.surveys.models import Response


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey(admin, agency):
    survey = services.create_survey(admin, agency, slug="trust-2025",
                                    title={"en": "Safety and trust in your neighbourhood",
                                           "es": "Seguridad y confianza en su barrio"},
                                    introduction={"en": "Tell us how you feel.", "es": "Díganos cómo se siente."})
    return services.open_survey(admin, survey)


def page(response) -> str:
    return response.content.decode()


def token_in(response) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f]{32})"', page(response)).group(1)


def answers(**overrides) -> dict:
    return {"neighbourhood": "alpha-north-end", "safety": "7", "respect": "6", "listen": "5",
            "top_issue": "Speeding on Main Street", "age_band": "30-44", "gender": "female",
            "race_ethnicity": "hispanic", "submission_token": uuid.uuid4().hex} | overrides


# ---------------------------------------------------------------- the form

def test_survey_page_shows_each_question_as_a_fieldset_the_scales_as_eleven_radios(client, survey):
    response = client.get("/s/trust-2025/")
    body = page(response)
    assert '<html lang="en"' in body
    assert "<h1>Safety and trust in your neighbourhood</h1>" in body and "Tell us how you feel." in body
    assert body.count('<fieldset class="usa-fieldset"') == 6  # three scales, three demographic questions
    assert "How safe do you feel from crime in your neighbourhood?" in body
    assert "0 means not at all safe, 10 means completely safe." in body
    for value in range(11):
        assert f'type="radio" name="safety" value="{value}" id="answer-safety-{value}"' in body
        assert f'<label class="scale__label" for="answer-safety-{value}">{value}</label>' in body
    assert '<option value="alpha-north-end">Alpha North End</option>' in body
    assert '<option value="outside">I do not live in this city</option>' in body
    assert "beta-north-end" not in body
    assert "Please do not include names or contact details." in body
    assert body.count('<span class="usa-sr-only">(required)</span>') == 3  # the scales; the select is `required`
    assert re.search(r'<select[^>]*name="neighbourhood"[^>]*required', body)
    assert uuid.UUID(token_in(response))
    assert response["Cache-Control"] == "no-store"  # one token per resident: no shared cache may keep it
    assert response["X-Frame-Options"] == "DENY"


def test_each_blank_form_carries_a_new_token(client, survey):
    assert token_in(client.get("/s/trust-2025/")) != token_in(client.get("/s/trust-2025/"))


def test_zip_and_multiple_choice_questions_have_the_right_inputs(client, admin, agency):
    draft = services.create_survey(admin, agency, slug="patrols", title={"en": "Patrols"}, standard=False)
    services.add_question(admin, draft, code="zip", kind="zip", text={"en": "Your ZIP code"}, required=True)
    services.add_question(admin, draft, code="seen", kind="multiple_choice", text={"en": "Which patrols?"},
                          choices=[{"value": "foot", "label": {"en": "On foot"}},
                                   {"value": "bike", "label": {"en": "By bike"}}])
    services.add_question(admin, draft, code="fair", kind="agreement_5", text={"en": "Patrols are fair."})
    services.open_survey(admin, draft)

    body = page(client.get("/s/patrols/"))
    assert re.search(r'<input[^>]*inputmode="numeric"[^>]*autocomplete="postal-code"[^>]*name="zip"', body)
    assert 'type="checkbox" name="seen" value="foot"' in body and 'type="checkbox" name="seen" value="bike"' in body
    assert 'type="radio" name="fair" value="5"' in body and "Strongly agree" in body

    client.post("/s/patrols/", {"zip": "60601", "seen": ["foot", "bike"], "fair": "4",
                                "submission_token": uuid.uuid4().hex})
    stored = {answer.question.code: answer for answer in scoped(Response, agency).get().answers.all()}
    assert stored["zip"].text == "60601" and stored["seen"].choices == ["foot", "bike"] and stored["fair"].number == 4


# ---------------------------------------------------------------- answering

def test_standard_survey_answered_in_spanish_stores_language_neighbourhood_demographics_and_scores(
        client, agency, survey):
    form = client.get("/es/s/trust-2025/")
    body = page(form)
    assert '<html lang="es"' in body
    assert "<h1>Seguridad y confianza en su barrio</h1>" in body
    assert "¿Qué tan seguro(a) se siente frente al delito en su barrio?" in body
    assert "No vivo en esta ciudad" in body

    response = client.post("/es/s/trust-2025/", answers(submission_token=token_in(form)))

    assert response.status_code == 302 and response["Location"] == "/es/s/trust-2025/thanks/"
    stored = scoped(Response, agency).get()
    assert stored.language == "es" and stored.channel == "link"
    assert stored.neighbourhood == Neighbourhood.objects.get(slug="alpha-north-end") and stored.eligible
    assert (stored.age_band, stored.gender, stored.race_ethnicity) == ("30-44", "female", "hispanic")
    assert (stored.safety, stored.respect, stored.listen) == (7, 6, 5)
    assert stored.answers.get(question__code="top_issue").text == "Speeding on Main Street"
    assert stored.idempotency_key == token_in(form)
    thanks = page(client.get(response["Location"]))
    assert '<html lang="es"' in thanks and "Gracias por responder" in thanks
    assert 'href="/es/trust/"' in thanks or 'href="/trust/"' in thanks


def test_answering_keeps_no_cookie_but_the_csrf_one_and_no_account(client, agency, survey, admin_client):
    client.post("/s/trust-2025/", answers())
    assert set(client.cookies) <= {"csrftoken"}
    admin_client.post("/s/trust-2025/", answers())
    assert scoped(Response, agency).count() == 2  # a signed-in user's answers are stored as anyone's


def test_missing_required_answers_are_listed_and_everything_typed_is_kept(client, agency, survey):
    token = uuid.uuid4().hex
    response = client.post("/s/trust-2025/", answers(safety="", listen="", neighbourhood="", respect="3",
                                                     top_issue="Noise & <parties>", submission_token=token))

    body = page(response)
    assert response.status_code == 200 and not scoped(Response, agency).exists()
    assert "<title>Error: " in body
    summary = re.search(r'<div class="usa-alert usa-alert--error.*?</div>\s*</div>', body, re.S).group(0)
    assert 'href="#answer-safety-0"' in summary and 'href="#answer-listen-0"' in summary
    assert 'href="#answer-neighbourhood"' in summary and "answer-respect" not in summary
    assert summary.count("Please answer this question.") == 3
    assert 'id="question-safety-error">Please answer this question.</span>' in body
    assert 'aria-describedby="question-safety-hint question-safety-error"' in body
    assert 'name="respect" value="3" id="answer-respect-3" checked' in body
    assert "Noise &amp; &lt;parties&gt;</textarea>" in body
    assert 'value="30-44" id="answer-age_band-1" checked' in body
    assert f'name="submission_token" value="{token}"' in body  # the same token: a later send stores it once


def test_errors_are_shown_in_spanish_on_the_spanish_page(client, survey):
    body = page(client.post("/es/s/trust-2025/", answers(safety="")))
    assert "Corrija lo siguiente" in body and "Por favor responda esta pregunta." in body


def test_a_value_out_of_range_is_refused(client, agency, survey):
    body = page(client.post("/s/trust-2025/", answers(safety="11", gender="nonsense")))
    assert not scoped(Response, agency).exists()
    assert 'id="question-safety-error">Choose a number from 0 to 10.</span>' in body
    assert 'id="question-gender-error">Choose from the answers given.</span>' in body


def test_a_retried_post_with_the_same_token_stores_one_response(client, agency, survey):
    sent = answers()
    first, second = client.post("/s/trust-2025/", sent), client.post("/s/trust-2025/", sent)
    assert first["Location"] == second["Location"] == "/s/trust-2025/thanks/"
    assert scoped(Response, agency).count() == 1


def test_an_answer_from_outside_the_city_is_stored_as_ineligible(client, agency, survey):
    client.post("/s/trust-2025/", answers(neighbourhood="outside"))
    stored = scoped(Response, agency).get()
    assert not stored.eligible and stored.ineligible_reason == "outside_city" and stored.neighbourhood is None


def test_a_qr_code_link_is_recorded_as_the_qr_channel(client, agency, survey):
    body = page(client.get("/s/trust-2025/?source=qr"))
    assert 'action="/s/trust-2025/?source=qr"' in body
    client.post("/s/trust-2025/?source=qr", answers())
    assert scoped(Response, agency).get().channel == "qr"


# ---------------------------------------------------------------- invitations

def test_an_invitation_link_works_once(client, admin, agency, survey):
    token, _other = services.create_invitations(admin, survey, 2)
    address = f"/s/trust-2025/?invitation={token}"
    body = page(client.get(address))
    assert f'action="/s/trust-2025/?invitation={token}"' in body

    assert client.post(address, answers())["Location"] == "/s/trust-2025/thanks/"
    stored = scoped(Response, agency).get()
    assert stored.channel == "invitation" and stored.invitation.used_at is not None

    again = client.get(address)
    assert again.status_code == 410 and "This invitation has already been used" in page(again)
    resent = client.post(address, answers())
    assert resent.status_code == 410 and "This invitation has already been used" in page(resent)
    assert scoped(Response, agency).count() == 1


def test_an_invalid_invitation_is_refused(client, agency, survey):
    shown = client.get("/s/trust-2025/?invitation=made-up")
    assert shown.status_code == 403 and "This invitation link is not valid." in page(shown)
    sent = client.post("/s/trust-2025/?invitation=made-up", answers())
    assert sent.status_code == 403 and "This invitation link is not valid." in page(sent)
    assert not scoped(Response, agency).exists()


def test_invitation_answers_are_not_rate_limited(client, admin, agency, survey, settings):
    tokens = services.create_invitations(admin, survey, services.ANONYMOUS_RESPONSES.limit + 1)
    for token in tokens:
        assert client.post(f"/s/trust-2025/?invitation={token}", answers()).status_code == 302
    assert scoped(Response, agency).count() == len(tokens)


# ---------------------------------------------------------------- surveys not taking answers

def test_a_draft_survey_does_not_exist_for_the_public(client, admin, agency):
    services.create_survey(admin, agency, slug="draft", title={"en": "Not yet"})
    assert client.get("/s/draft/").status_code == 404
    assert client.post("/s/draft/", answers()).status_code == 404
    assert client.get("/s/draft/thanks/").status_code == 404
    assert client.get("/s/draft/embed/").status_code == 404


def test_a_closed_survey_says_it_is_not_taking_answers(client, admin, agency, survey):
    services.close_survey(admin, survey)
    shown = client.get("/s/trust-2025/")
    assert shown.status_code == 410 and "This survey is not taking answers now." in page(shown)
    assert 'name="submission_token"' not in page(shown)
    sent = client.post("/s/trust-2025/", answers())
    assert sent.status_code == 410 and not scoped(Response, agency).exists()
    assert "no está recibiendo respuestas" in page(client.get("/es/s/trust-2025/"))


def test_a_survey_scheduled_to_open_later_is_not_taking_answers_yet(client, admin, agency, survey):
    services.set_schedule(admin, survey, opens_at=timezone.now() + timedelta(days=1), closes_at=None)
    shown = client.get("/s/trust-2025/")
    assert shown.status_code == 403 and "This survey is not taking answers now." in page(shown)
    assert client.post("/s/trust-2025/", answers()).status_code == 403
    assert not scoped(Response, agency).exists()


def test_another_agencys_survey_is_not_found_on_this_host(client, other_admin, other_agency, survey):
    theirs = services.create_survey(other_admin, other_agency, slug="beta-only", title={"en": "Beta survey"})
    services.open_survey(other_admin, theirs)
    assert client.get("/s/beta-only/").status_code == 404
    assert client.post("/s/beta-only/", answers()).status_code == 404
    assert Client(HTTP_HOST="beta.test").get("/s/beta-only/").status_code == 200


# ---------------------------------------------------------------- the embedded form

def test_the_embedded_form_may_be_framed_by_any_site_and_the_survey_page_may_not(client, survey):
    embedded = client.get("/s/trust-2025/embed/")
    assert embedded.status_code == 200
    assert "X-Frame-Options" not in embedded
    assert "frame-ancestors *" in embedded["Content-Security-Policy"]
    body = page(embedded)
    assert "usa-header" not in body and "usa-footer" not in body
    assert 'action="/s/trust-2025/embed/"' in body and "How safe do you feel" in body

    for address in ("/s/trust-2025/", "/s/trust-2025/thanks/"):
        normal = client.get(address)
        assert normal["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in normal["Content-Security-Policy"]


def test_the_embedded_form_records_the_embed_channel_and_thanks_inside_the_frame(agency, survey):
    # Inside a partner's frame our CSRF cookie is a third-party cookie the browser withholds.
    client = Client(enforce_csrf_checks=True)
    response = client.post("/es/s/trust-2025/embed/", answers(), HTTP_ORIGIN="http://testserver")
    assert response["Location"] == "/es/s/trust-2025/embed/?answered=1"
    stored = scoped(Response, agency).get()
    assert stored.channel == "embed" and stored.language == "es"
    thanks = client.get(response["Location"])
    assert "Gracias por responder" in page(thanks) and "X-Frame-Options" not in thanks
    assert 'target="_blank"' in page(thanks)  # the dashboard may not be framed: it opens outside the frame


def test_the_embedded_form_refuses_a_post_from_another_site(agency, survey):
    response = Client().post("/s/trust-2025/embed/", answers(), HTTP_ORIGIN="https://attacker.example")
    assert response.status_code == 403 and not scoped(Response, agency).exists()


def test_the_survey_page_itself_checks_the_csrf_token(agency, survey):
    assert Client(enforce_csrf_checks=True).post("/s/trust-2025/", answers()).status_code == 403


# ---------------------------------------------------------------- rate limit

def test_the_21st_anonymous_response_in_an_hour_is_refused_in_the_residents_language(client, agency, survey):
    for _ in range(services.ANONYMOUS_RESPONSES.limit):
        assert client.post("/s/trust-2025/", answers()).status_code == 302
    refused = client.post("/es/s/trust-2025/", answers())
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert '<html lang="es"' in page(refused) and "Demasiadas respuestas desde un mismo lugar" in page(refused)
    assert scoped(Response, agency).count() == 20
