"""Personal details are taken out of free text before the public sees it, in English and Spanish, and
ordinary text is left as it was."""

import pytest

from commonbeat.core.redaction import found, redact


@pytest.mark.parametrize("text, detail, label", [
    ("Write to rosa.rivera+news@example.org today.", "rosa.rivera+news@example.org", "[e-mail address]"),
    ("Call 555-201-4477 after six.", "555-201-4477", "[phone number]"),
    ("Call (555) 201-4477 after six.", "(555) 201-4477", "[phone number]"),
    ("Call +1 555.201.4477 after six.", "555.201.4477", "[phone number]"),
    ("My SSN is 123-45-6789.", "123-45-6789", "[identity number]"),
    ("It happened outside 1420 Harbor Street last night.", "1420 Harbor Street", "[street address]"),
    ("They live at 18 N Oak Ave.", "18 N Oak Ave", "[street address]"),
    ("Born on 04/12/1990 in Port Alder.", "04/12/1990", "[date of birth]"),
    ("The car had plate ABC-1234.", "ABC-1234", "[licence plate]"),
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
])
def test_names_after_a_title_or_an_introduction_are_replaced(text, name):
    redacted = redact(text)
    assert name not in redacted and "[name]" in redacted


@pytest.mark.parametrize("text, detail", [
    ("Mr. O'Brien stopped me.", "Brien"),
    ("Mr. McDonald was there.", "Donald"),
    ("My name is José Álvarez-Ruiz.", "Ruiz"),
    ("Miss Jones and Dr Patel saw it.", "Jones"),
    ("Miss Jones and Dr Patel saw it.", "Patel"),
    ("my name is dana whitfield, I live nearby.", "whitfield"),
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
    ("Pasó en la calle Mayor 25 anoche.", "Mayor 25"),
    ("Vivo en avenida Libertad número 120.", "Libertad"),
    ("Fecha de nacimiento: 03-05-1988.", "03-05-1988"),
    ("El coche tenía placa XYZ 987.", "XYZ 987"),
])
def test_spanish_forms_are_handled(text, detail):
    assert detail not in redact(text)


def test_several_details_in_one_comment_are_all_replaced_and_listed():
    text = "My name is Dana Whitfield, call 555-201-4477 or write dana@example.org, 1420 Harbor Street."
    redacted = redact(text)
    for detail in ["Dana", "Whitfield", "555-201-4477", "dana@example.org", "1420 Harbor Street"]:
        assert detail not in redacted
    assert found(text) == ["email", "phone", "address", "name"]


@pytest.mark.parametrize("text", [
    "Officers should slow down and explain what is happening.",
    "The meeting on 12 March at 6 pm was useful; 45 days is too long for footage.",
    "Los agentes deben explicar por qué paran a alguien.",
    "Neck restraints must be banned in 2026.",
    "Version 3 of GO-300 is better than version 2.",
])
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text
    assert found(text) == []


def test_ordinary_words_that_look_like_addresses_or_introductions_are_left_alone():
    for text in ["I waited 20 minutes on the court before anyone came.",
                 "I am Black and I felt the stop was unfair.",
                 "We walked 3 blocks down the lane to the park."]:
        assert redact(text) == text, text
    assert redact("They live at 88 Harbor View Drive, by the school.") == (
        "They live at [street address], by the school.")
