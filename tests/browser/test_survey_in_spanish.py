"""A resident answers the standard trust and safety survey in Spanish, by keyboard, on a phone-sized and a desktop
screen; engagement staff then find the response on the survey's responses page."""

import pytest
from playwright.sync_api import Page, expect

from commonbeat.accounts.roles import Role
from commonbeat.surveys import services
from commonbeat.surveys.models import Response

from .helpers import assert_no_axe_violations, sign_in_quickly, url

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def survey(agency, admin):
    survey = services.create_survey(admin, agency, slug="confianza",
                                    title={"en": "Safety and trust", "es": "Seguridad y confianza"})
    return services.open_survey(admin, survey)


def press(page: Page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_a_resident_answers_in_spanish_by_keyboard_and_staff_see_the_response(new_page, live_server, agency, cast,
                                                                               survey):
    resident = new_page(locale="es-US")
    resident.goto(url(live_server, "surveys:answer", survey.slug, language="es"))
    expect(resident.locator("html")).to_have_attribute("lang", "es")
    expect(resident.locator("h1")).to_have_text("Seguridad y confianza")
    assert_no_axe_violations(resident)

    neighbourhood = resident.locator("select[name=neighbourhood]")
    neighbourhood.select_option(label="Alpha North End")
    neighbourhood.focus()

    # Into each 0–10 scale with Tab; the arrow keys choose within it, as in any radio group.
    press(resident, "Tab")
    assert focused_id(resident) == "answer-safety-0"
    press(resident, "Space")
    press(resident, "ArrowRight", 7)
    expect(resident.locator("#answer-safety-7")).to_be_checked()
    press(resident, "ArrowLeft")
    expect(resident.locator("#answer-safety-6")).to_be_checked()

    press(resident, "Tab")
    assert focused_id(resident) == "answer-respect-0"
    press(resident, "ArrowRight", 5)
    expect(resident.locator("#answer-respect-5")).to_be_checked()

    press(resident, "Tab")
    press(resident, "ArrowRight", 4)
    expect(resident.locator("#answer-listen-4")).to_be_checked()

    press(resident, "Tab")
    assert focused_id(resident) == "answer-top_issue"
    resident.keyboard.type("Autos a exceso de velocidad en la calle Main")

    press(resident, "Tab")  # age: the first band is focused, Space chooses it
    press(resident, "Space")
    expect(resident.locator("#answer-age_band-0")).to_be_checked()
    press(resident, "Tab")
    press(resident, "ArrowDown")
    expect(resident.locator("input[name=gender][value=male]")).to_be_checked()
    press(resident, "Tab")
    press(resident, "Space")
    expect(resident.locator("input[name=race_ethnicity][value=hispanic]")).to_be_checked()

    press(resident, "Tab")
    expect(resident.get_by_role("button", name="Enviar mis respuestas")).to_be_focused()
    with resident.expect_navigation():
        press(resident, "Enter")

    expect(resident.locator("h1")).to_have_text("Gracias por responder")
    expect(resident.get_by_role("link", name="Ver el tablero de confianza")).to_be_visible()
    assert_no_axe_violations(resident)

    stored = Response.objects.get(survey=survey)
    assert stored.language == "es" and stored.channel == "link" and stored.eligible
    assert (stored.safety, stored.respect, stored.listen) == (6, 5, 4)
    assert (stored.age_band, stored.gender, stored.race_ethnicity) == ("18-29", "male", "hispanic")
    assert stored.neighbourhood.name == "Alpha North End"

    staff = new_page()
    sign_in_quickly(staff, live_server, cast[Role.ENGAGEMENT_STAFF])
    staff.goto(url(live_server, "surveys:staff_survey_responses", survey.id))
    rows = staff.locator("#list-heading ~ table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpha North End")
    expect(rows.first.locator("td").first).to_have_text("es")


def test_the_form_with_errors_on_a_phone_keeps_answers_and_links_each_error(new_page, live_server, survey):
    resident = new_page(viewport=PHONE, locale="es-US")
    resident.goto(url(live_server, "surveys:answer", survey.slug, language="es"))

    # Eleven boxes in two rows at phone width, each a comfortable touch target.
    for value in (0, 5, 10):
        box = resident.locator(f"label[for=answer-safety-{value}]").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    resident.locator("label[for=answer-respect-8]").click()
    resident.get_by_role("button", name="Enviar mis respuestas").click()

    summary = resident.locator("#form-errors")
    expect(summary).to_contain_text("Corrija lo siguiente")
    expect(summary.locator("a")).to_have_count(3)
    expect(resident.locator("#answer-respect-8")).to_be_checked()
    assert_no_axe_violations(resident)

    summary.get_by_role("link", name="¿Qué tan seguro(a)").click()
    assert focused_id(resident) == "answer-safety-0"
    press(resident, "ArrowRight", 3)
    expect(resident.locator("#answer-safety-3")).to_be_checked()


def test_the_embedded_form_has_no_site_header_and_passes_axe(new_page, live_server, survey):
    resident = new_page(viewport=PHONE)
    resident.goto(url(live_server, "surveys:embed", survey.slug))
    expect(resident.locator("header, footer")).to_have_count(0)
    expect(resident.locator("h1")).to_have_text("Safety and trust")
    assert_no_axe_violations(resident)


def test_the_survey_works_without_javascript(new_page, live_server, survey):
    resident = new_page(java_script_enabled=False)
    resident.goto(url(live_server, "surveys:answer", survey.slug))
    resident.locator("select[name=neighbourhood]").select_option("outside")
    for code, value in (("safety", 2), ("respect", 9), ("listen", 10)):
        resident.locator(f"label[for=answer-{code}-{value}]").click()
    resident.get_by_role("button", name="Send my answers").click()
    expect(resident.locator("h1")).to_have_text("Thank you for answering")
    stored = Response.objects.get(survey=survey)
    assert not stored.eligible and (stored.safety, stored.respect, stored.listen) == (2, 9, 10)
