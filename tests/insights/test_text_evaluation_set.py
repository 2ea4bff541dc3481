"""The hand-labelled evaluation set for text intelligence: the parser reads the inline markup exactly and
refuses anything malformed, and the set itself is sound enough to measure redaction, language, sentiment,
categories and topics fairly."""

import json
from collections import Counter

import pytest

from tests.insights.text_evaluation.load import (
    CATEGORIES,
    KINDS,
    TOPICS,
    MalformedItem,
    Span,
    load,
    parse_line,
    strip_markup,
)


def line(text: str, **overrides) -> str:
    data = {"id": "en-9999", "language": "en", "source": "report", "text": text, "categories": ["discourtesy"],
            "topic": "respect", "sentiment": "negative", **overrides}
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture(scope="module")
def dev():
    return load("dev")


@pytest.fixture(scope="module")
def test():
    return load("test")


@pytest.fixture(scope="module")
def every(dev, test):
    return dev + test


# The parser ---------------------------------------------------------------------------------------------------

def test_markup_is_removed_and_spans_point_at_the_marked_text():
    item = parse_line(line("Officer [[NAME|Daniels]] called [[PHONE|(555) 213-0987]] twice, badge [[BADGE|4471]]."))

    assert item.text == "Officer Daniels called (555) 213-0987 twice, badge 4471."
    assert item.spans == (Span(8, 15, "NAME"), Span(23, 37, "PHONE"), Span(51, 55, "BADGE"))
    assert [item.span_text(span) for span in item.spans] == ["Daniels", "(555) 213-0987", "4471"]


def test_accented_and_non_latin_characters_keep_their_offsets():
    item = parse_line(line("Soy [[NAME|José Ñíguez]] de la [[ADDRESS|calle Olmo 14, 2º B]].", language="es"))

    assert [item.span_text(span) for span in item.spans] == ["José Ñíguez", "calle Olmo 14, 2º B"]
    assert item.text == "Soy José Ñíguez de la calle Olmo 14, 2º B."


def test_text_without_markup_has_no_spans():
    item = parse_line(line("speeding on Maple", source="survey_answer", categories=[], topic="speeding"))

    assert item.text == "speeding on Maple"
    assert item.spans == ()
    assert not item.is_complaint


@pytest.mark.parametrize("text, problem", [
    ("call [[PHONE|555-0134 please", "malformed markup"),
    ("call PHONE|555-0134]] please", "malformed markup"),
    ("my name is [[SSN|123-45-6789]]", "unknown kind 'SSN'"),
    ("my name is [[NAME|]]", "empty NAME span"),
    ("my name is [[NAME| Rose ]]", "starts or ends with a space"),
    ("my name is [[name|Rose]]", "malformed markup"),
    ("my name is [[NAME|Rose|Hope]]", "malformed markup"),
])
def test_malformed_markup_is_rejected_naming_the_item(text, problem):
    with pytest.raises(MalformedItem) as raised:
        parse_line(line(text, id="es-0042"))

    assert "es-0042" in str(raised.value)
    assert problem in str(raised.value)


@pytest.mark.parametrize("field, value", [
    ("language", "fr"), ("source", "tweet"), ("topic", "parking"), ("sentiment", "angry"),
    ("categories", ["rudeness"]),
])
def test_values_outside_the_label_guide_are_rejected(field, value):
    with pytest.raises(MalformedItem, match="en-0007"):
        parse_line(line("fine", id="en-0007", **{field: value}))


def test_a_missing_field_or_broken_json_is_rejected():
    with pytest.raises(MalformedItem, match="en-0003: missing topic"):
        parse_line(json.dumps({"id": "en-0003", "language": "en", "source": "report", "text": "x",
                               "categories": [], "sentiment": "neutral"}))
    with pytest.raises(MalformedItem, match="line 12"):
        parse_line('{"id": "en-0003", ', 12)


def test_strip_markup_handles_adjacent_spans():
    text, spans = strip_markup("[[NAME|Hodan]][[PHONE|5550134]]")

    assert text == "Hodan5550134"
    assert spans == (Span(0, 5, "NAME"), Span(5, 12, "PHONE"))


# The set ------------------------------------------------------------------------------------------------------

def test_ids_are_unique_across_both_splits_and_texts_are_not_repeated(every):
    assert len({item.id for item in every}) == len(every)
    assert len({item.text for item in every}) == len(every)


def test_ids_follow_the_language(every):
    assert all(item.id.startswith(f"{item.language}-") for item in every)


def test_the_set_is_large_enough_and_split_in_half(dev, test, every):
    assert len(every) >= 420
    assert abs(len(dev) - len(test)) <= 2


def test_languages_are_balanced_between_the_splits(dev, test, every):
    languages = Counter(item.language for item in every)
    assert languages["en"] >= 230
    assert languages["es"] >= 170
    for split in (dev, test):
        share = sum(item.language == "es" for item in split) / len(split)
        assert abs(share - languages["es"] / len(every)) < 0.03


def test_split_is_stratified_by_language_source_and_topic(dev, test):
    dev_groups = Counter((item.language, item.source, item.topic) for item in dev)
    test_groups = Counter((item.language, item.source, item.topic) for item in test)
    for group in dev_groups | test_groups:
        assert abs(dev_groups[group] - test_groups[group]) <= 1, group


def test_sources_have_the_intended_mix(every):
    sources = Counter(item.source for item in every)
    assert 0.40 <= sources["report"] / len(every) <= 0.50
    assert 0.25 <= sources["survey_answer"] / len(every) <= 0.33
    assert 0.09 <= sources["policy_comment"] / len(every) <= 0.15
    assert 0.10 <= sources["concern"] / len(every) <= 0.16


def test_spans_are_inside_the_text_ordered_and_trimmed(every):
    for item in every:
        previous_end = 0
        for span in item.spans:
            assert previous_end <= span.start < span.end <= len(item.text), item.id
            value = item.span_text(span)
            assert value == value.strip() and value, item.id
            assert "[[" not in value and "]]" not in value, item.id
            previous_end = span.end
        assert "[[" not in item.text and "]]" not in item.text, item.id


def test_every_kind_of_personal_data_is_present_in_both_splits(dev, test):
    for split in (dev, test):
        kinds = Counter(span.kind for item in split for span in item.spans)
        assert set(kinds) == set(KINDS)


def test_there_is_enough_personal_data_of_each_kind(every):
    kinds = Counter(span.kind for item in every for span in item.spans)
    minimum = {"NAME": 350, "PHONE": 120, "EMAIL": 100, "ADDRESS": 80, "PLATE": 30, "DOB": 30, "BADGE": 30}
    for kind, count in minimum.items():
        assert kinds[kind] >= count, kind


def test_emails_and_phones_look_like_what_they_are(every):
    for item in every:
        for span in item.spans:
            value = item.span_text(span)
            if span.kind == "EMAIL":
                assert value.count("@") == 1 and "." in value.split("@")[1], item.id
            if span.kind in {"PHONE", "BADGE", "DOB"}:
                assert any(char.isdigit() for char in value), item.id


def test_at_least_a_third_of_the_items_have_no_personal_data(every):
    assert sum(not item.spans for item in every) >= len(every) / 3


def test_every_topic_has_at_least_25_items(every):
    topics = Counter(item.topic for item in every)
    assert set(topics) == set(TOPICS)
    assert min(topics.values()) >= 25


def test_categories_belong_to_complaint_reports_only(every):
    for item in every:
        if item.source != "report" or item.sentiment == "positive":
            assert item.categories == (), item.id
    categories = Counter(code for item in every for code in item.categories)
    assert set(categories) == set(CATEGORIES)
    assert min(categories.values()) >= 25
    assert sum(len(item.categories) == 2 for item in every) >= 20


def test_both_splits_can_train_the_category_model(dev, test):
    for split in (dev, test):
        categories = Counter(code for item in split for code in item.categories)
        assert set(categories) == set(CATEGORIES)
        assert min(categories.values()) >= 10


def test_every_sentiment_appears_in_both_languages(every):
    for language in ("en", "es"):
        sentiments = Counter(item.sentiment for item in every if item.language == language)
        assert min(sentiments[label] for label in ("negative", "neutral", "positive")) >= 15, language


def test_every_complaint_report_has_a_category_and_commendations_are_there_too(every):
    reports = [item for item in every if item.source == "report"]
    complaints = [item for item in reports if item.sentiment != "positive"]
    assert all(item.categories for item in complaints)
    assert sum(item.sentiment == "positive" for item in reports) >= 25
