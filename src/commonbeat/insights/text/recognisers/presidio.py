"""Presidio's analyzer on blank spaCy pipelines (no NER model is installable), with Presidio's own pattern
recognisers for e-mail addresses, phone numbers, identity and card numbers, and ours for the rest."""

import logging

import spacy
from presidio_analyzer import AnalyzerEngine, LocalRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    EsNieRecognizer,
    EsNifRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    UsItinRecognizer,
    UsSsnRecognizer,
)

from . import rules

log = logging.getLogger(__name__)
LANGUAGES = ("en", "es")
# Numbers written in the national format of the regions most residents call from (the US, Canada and the
# Caribbean share US numbering); numbers with a country code are found whatever the region. Each region is one
# more pass over the text, so the list stays short; the rules in `rules.PHONE` catch the other groupings.
PHONE_REGIONS = ("US", "MX", "ES", "GT", "SV", "CO")

# Presidio's entity names, and what we call them.
KINDS = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "US_SSN": "identity_number",
    "US_ITIN": "identity_number",
    "ES_NIF": "identity_number",
    "ES_NIE": "identity_number",
    "CREDIT_CARD": "credit_card",
    "IBAN_CODE": "bank_account",
    "IP_ADDRESS": "ip_address",
    "PERSON": "name",
    "STREET_ADDRESS": "address",
    "LICENCE_PLATE": "plate",
    "DATE_OF_BIRTH": "date_of_birth",
    "BADGE_NUMBER": "badge",
    "CONTACT": "contact",
}
ENTITY_OF = {"name": "PERSON", "address": "STREET_ADDRESS", "plate": "LICENCE_PLATE",
             "date_of_birth": "DATE_OF_BIRTH", "badge": "BADGE_NUMBER", "email": "EMAIL_ADDRESS",
             "phone": "PHONE_NUMBER", "identity_number": "US_SSN"}


class BlankSpacyNlpEngine(SpacyNlpEngine):
    """spaCy's tokenizer and stop words for each language, no trained pipeline: lemmas are the lower-cased
    tokens, which is what Presidio's context words are compared with."""

    def __init__(self, languages=LANGUAGES):
        super().__init__(models=[{"lang_code": code, "model_name": f"blank:{code}"} for code in languages],
                         ner_model_configuration=NerModelConfiguration(labels_to_ignore=["*"]))
        self.languages = languages

    def load(self) -> None:
        self.nlp = {}
        for code in self.languages:
            nlp = spacy.blank(code)
            nlp.add_pipe("commonbeat_lower_lemmas")
            self.nlp[code] = nlp

    def get_supported_entities(self) -> list[str]:
        return []


@spacy.Language.component("commonbeat_lower_lemmas")
def _lower_lemmas(doc):
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class RulesRecognizer(LocalRecognizer):
    """One of our rule sets (`rules.find_*`) as a Presidio recogniser."""

    def __init__(self, finder, entities, language, name):
        self.finder = finder
        super().__init__(supported_entities=list(entities), supported_language=language, name=name)

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for hit in self.finder(text):
            entity = ENTITY_OF.get(hit.kind, "CONTACT")
            if entity in entities:
                results.append(RecognizerResult(entity, hit.start, hit.end, hit.score))
        return results


class ResidentPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recogniser over the regions residents call from; a text with fewer than seven digits
    holds no phone number, and most texts have none, so they are not parsed once per region."""

    def analyze(self, text, entities, nlp_artifacts=None):
        if sum(character.isdigit() for character in text) < 7:
            return []
        return super().analyze(text, entities, nlp_artifacts)


def _recognisers(language: str) -> list:
    found = [
        EmailRecognizer(supported_language=language),
        ResidentPhoneRecognizer(supported_language=language, supported_regions=PHONE_REGIONS, leniency=1,
                        context=["phone", "number", "call", "cell", "text", "teléfono", "telefono", "número",
                                 "celular", "llamar", "llame", "whatsapp"]),
        UsSsnRecognizer(supported_language=language),
        UsItinRecognizer(supported_language=language),
        CreditCardRecognizer(supported_language=language),
        IbanRecognizer(supported_language=language),
        IpRecognizer(supported_language=language),
        EsNifRecognizer(supported_language=language),
        EsNieRecognizer(supported_language=language),
        RulesRecognizer(rules.find_contacts, ["EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN"], language,
                        "CommonBeatContactRecognizer"),
        RulesRecognizer(rules.find_addresses, ["STREET_ADDRESS"], language, "CommonBeatAddressRecognizer"),
        RulesRecognizer(rules.find_numbers, ["LICENCE_PLATE", "DATE_OF_BIRTH", "BADGE_NUMBER"], language,
                        "CommonBeatNumberRecognizer"),
        RulesRecognizer(rules.find_names, ["PERSON"], language, "CommonBeatNameRecognizer"),
    ]
    return found


def _offline_suffix_list() -> None:
    """Presidio's e-mail recogniser checks the domain with tldextract, whose default extractor fetches the public
    suffix list over the network: use the snapshot bundled in the package instead."""
    import tldextract
    import tldextract.tldextract

    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                                                fallback_to_snapshot=True)


def build() -> AnalyzerEngine:
    _offline_suffix_list()
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    nlp_engine = BlankSpacyNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    for language in LANGUAGES:
        for recogniser in _recognisers(language):
            registry.add_recognizer(recogniser)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=list(LANGUAGES))
