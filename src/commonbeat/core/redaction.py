"""Personal details taken out of free text before it is shown to the public.

`redact` replaces e-mail addresses, telephone numbers, social security numbers, street addresses, dates of
birth, licence plates and names after a title (Mr, Ms, Dr…) or an introduction ("my name is …", not "I am …",
which is as often followed by a description as by a name) with a
bracketed label. It errs on the side of hiding: a moderator still reads every text before it is published
and can hide more by hand. Spanish forms ("me llamo", "calle", "Sra.") are handled as well as English ones.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

UPPER, LOWER = "A-ZÁÉÍÓÚÑÜ", "a-záéíóúñü"
# A capitalised name, whole even when a capital follows inside it: O'Brien, McDonald, Álvarez-Ruiz.
NAME_WORD = (rf"[{UPPER}](?:[{LOWER}]+|['’](?=[{UPPER}]))(?:[{UPPER}][{LOWER}]+)?"
             rf"(?:['’-][{UPPER}{LOWER}][{LOWER}]*(?:[{UPPER}][{LOWER}]+)?)*")
NAME = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}"
# After "my name is", a name typed in lower case too (one or two words).
ANY_CASE_NAME = rf"[{UPPER}{LOWER}][{UPPER}{LOWER}'’-]+(?:\s+[{UPPER}{LOWER}][{UPPER}{LOWER}'’-]+)?"
STREET_WORDS = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|"
                r"terrace|ter|highway|hwy|parkway|pkwy|circle|cir)\.?")


@dataclass(frozen=True)
class Rule:
    kind: str
    label: object
    pattern: re.Pattern


RULES = [
    Rule("email", _("[e-mail address]"), re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    Rule("ssn", _("[identity number]"), re.compile(r"\b\d{3}([ -]?)\d{2}\1\d{4}\b")),
    Rule("phone", _("[phone number]"),
         re.compile(r"(?<!\w)(?:\+?1[\s.-]?)?(?:(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}|\d{10})(?!\w)"
                    r"|(?<![\w-])\d{3}[.-]\d{4}(?![\w-])")),
    Rule("date_of_birth", _("[date of birth]"),
         re.compile(r"\b(?:born on|born|DOB|d\.o\.b\.|date of birth|nacid[oa] el|fecha de nacimiento)[:\s]+"
                    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", re.IGNORECASE)),
    Rule("address", _("[street address]"),
         # A house number, then up to three capitalised words (or numbers) and a street word: "1420 W Elm Street",
         # not "20 minutes on the court".
         re.compile(rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[{UPPER}0-9][\w'’-]*\s+){{1,3}}(?i:{STREET_WORDS})(?=\W|$)"
                    r"|\b(?i:calle|avenida|av\.)\s+" + NAME + r"\s+(?i:n[úu]m(?:ero|\.)?\s*)?\d{1,6}\b")),
    Rule("plate", _("[licence plate]"),
         re.compile(r"\b(?:plate|licen[cs]e plate|tag|placa)(?:\s+(?:number|no\.?|n[úu]mero))?[:\s#]+"
                    r"[A-Z0-9]{2,4}[\s-]?[A-Z0-9]{2,4}\b", re.IGNORECASE)),
    Rule("name", _("[name]"),
         re.compile(r"(?:(?<=\bMr\. )|(?<=\bMr )|(?<=\bMrs\. )|(?<=\bMrs )|(?<=\bMs\. )|(?<=\bMs )|(?<=\bDr\. )"
                    r"|(?<=\bDr )|(?<=\bMiss )|(?<=\bSr\. )|(?<=\bSra\. )|(?<=\bSrta\. ))" + NAME)),
    Rule("name", _("[name]"),
         re.compile(r"(?:(?<=\b[Mm]y name is )|(?<=\b[Mm]e llamo )|(?<=\b[Mm]i nombre es ))" + ANY_CASE_NAME)),
]


def redact(text: str) -> str:
    """The text with every personal detail the rules find replaced by a bracketed label."""
    for rule in RULES:
        text = rule.pattern.sub(str(rule.label), text)
    return text


def found(text: str) -> list[str]:
    """The kinds of personal detail found in the text (each once, in rule order)."""
    return list(dict.fromkeys(rule.kind for rule in RULES if rule.pattern.search(text)))
