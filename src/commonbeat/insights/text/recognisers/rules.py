"""The recognisers' rules, in plain Python so that they run with or without Presidio.

Each `find_*` function takes a text and returns `Hit`s (start, end, kind, score). The Presidio recognisers in
`presidio.py` wrap them; when Presidio cannot load, `redaction.find` runs them directly.
"""

import re
from dataclasses import dataclass

from . import names as wordlists

UPPER, LOWER = "A-ZÁÉÍÓÚÑÜÀÈÌÒÙÂÊÎÔÛÇÄËÏÖ", "a-záéíóúñüàèìòùâêîôûçäëïöß"
LETTER = f"{UPPER}{LOWER}"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    kind: str
    score: float


# E-mail addresses, phone numbers and identity numbers -------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
EMAIL_SPELLED = re.compile(r"\b[\w.+-]+\s*(?:\(at\)|\[at\]| at | arroba )\s*[\w-]+\s*"
                           r"(?:\(dot\)|\[dot\]|\.| dot | punto )"
                           r"\s*(?:com|org|net|edu|gov|mx|es|us|co)\b", re.IGNORECASE)
SSN = re.compile(r"\b\d{3}([ -]?)\d{2}\1\d{4}\b")
PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}|\d{10})(?![\w-])"
    r"|(?<![\w-])\d{3}[.-]\d{4}(?![\w-])"
    # International: +52 55 1234 5678, +34 612 345 678, 0034 612345678
    r"|(?<!\w)(?:\+|00)\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\w)"
    # Mexican and Spanish groupings: 55 1234 5678, 612 34 56 78, 612 345 678
    r"|(?<![\w-])\d{2}[\s.-]\d{4}[\s.-]\d{4}(?![\w-])"
    r"|(?<![\w-])[6-9]\d{2}(?:[\s.-]\d{2}){3}(?![\w-])"
    r"|(?<![\w-])[6-9]\d{2}[\s.-]\d{3}[\s.-]\d{3}(?![\w-])")


LOCAL_PHONE_SPACED = re.compile(r"(?<![\w-])\d{3} \d{4}(?![\w-])")
PHONE_CONTEXT = re.compile(r"(?:call|phone|cell|text|reach|contact|tel|number|llam|n[úu]mero|cel|whatsapp|at|or|"
                           r"o|al)\W{0,3}$", re.IGNORECASE)


def find_contacts(text: str) -> list[Hit]:
    hits = [Hit(m.start(), m.end(), "email", 1.0) for m in EMAIL.finditer(text)]
    hits += [Hit(m.start(), m.end(), "email", 0.8) for m in EMAIL_SPELLED.finditer(text)]
    hits += [Hit(m.start(), m.end(), "identity_number", 0.8) for m in SSN.finditer(text)]
    ssn = {(hit.start, hit.end) for hit in hits if hit.kind == "identity_number"}
    hits += [Hit(m.start(), m.end(), "phone", 0.8) for m in PHONE.finditer(text)
             if (m.start(), m.end()) not in ssn and sum(c.isdigit() for c in m.group()) >= 7]
    hits += [Hit(m.start(), m.end(), "phone", 0.6) for m in LOCAL_PHONE_SPACED.finditer(text)
             if PHONE_CONTEXT.search(text, max(0, m.start() - 25), m.start())]
    return hits


# Street addresses -------------------------------------------------------------------------------------------------

STREET_WORDS = (r"street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|"
                r"ter|highway|hwy|parkway|pkwy|circle|cir|square|sq|trail|trl|loop|alley|row|plaza|crescent|cres|"
                r"pike|run|path|point|pt")
STOP_IN_ADDRESS = _words("""a an the on in at of to for from by and or but down up over into onto with minutes
minute hours hour days day weeks week months month years year blocks block times time
people officers officer cars car miles mile feet foot meters metros cuadras minutos
horas días dias veces personas carros coches agentes more less about than then when we
they i he she it you was were is are el la los las en de del un una y o que""")
UNIT = (r"(?:,?\s*(?:apt\.?|apartment|unit|suite|ste\.?|#|no\.?|depto\.?|departamento|interior|int\.?)\s*[\w-]{1,6}"
        r"|,?\s*\d{1,2}\s*[º°ª]\s*[A-Za-z]?\b)?")
US_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:(?:[NSEW]|north|south|east|west)\.?\s+)?"
    rf"((?:[{LETTER}0-9][\w'’.-]*\s+){{1,4}}?)(?i:{STREET_WORDS})\b\.?"
    rf"(?:\s+(?:[NSEW]{{1,2}}|north|south|east|west)\b\.?)?" + UNIT,
    re.IGNORECASE)
SPANISH_STREET = (r"calle|c/|avenida|avda\.?|av\.?|paseo|camino|carretera|calzada|bulevar|boulevard|blvd\.?|"
                  r"privada|cerrada|andador|callejón|callejon|pasaje|ronda|glorieta|plaza|prolongación|prolongacion|"
                  r"circuito|retorno")
SPANISH_ADDRESS = re.compile(
    rf"(?<!\w)(?:{SPANISH_STREET})\s+"
    rf"(?:[{LETTER}0-9][\w'’.-]*\s+){{0,4}}?[{LETTER}0-9][\w'’.-]*,?\s*"
    rf"(?:n[º°o]\.?\s*|n[úu]m(?:ero|\.)?\s*|#\s*)?\d{{1,5}}(?:\s?(?-i:[A-Z])\b)?" + UNIT,
    re.IGNORECASE)
STREET_NAME = rf"(?:(?-i:[{UPPER}][\w'’-]+)(?:\s+(?i:{STREET_WORDS})\b\.?)?|\d{{1,3}}(?:st|nd|rd|th|a|o)?\b)"
INTERSECTION = re.compile(
    rf"(?:\b(?:the\s+)?corner\s+of|\bintersection\s+of|\b(?:la\s+)?esquina\s+(?:de|entre)|\bcruce\s+de|"
    rf"\b(?:la\s+)?(?:calle|avenida)|\bentre)\s+{STREET_NAME}\s+(?:and|y|&|con|e)\s+{STREET_NAME}"
    rf"|\b{STREET_NAME}\s+(?:and|y|&)\s+\d{{1,3}}(?:st|nd|rd|th)\b(?:\s+(?i:{STREET_WORDS})\b\.?)?"
    rf"|\b\d{{1,3}}(?:st|nd|rd|th)\s+(?:and|y|&)\s+{STREET_NAME}", re.IGNORECASE)
BLOCK = re.compile(rf"\b\d{{1,6}}\s+block\s+of\s+(?:(?:[NSEW]|north|south|east|west)\.?\s+)?"
                   rf"(?-i:[{UPPER}0-9][\w'’-]*)(?:\s+(?-i:[{UPPER}][\w'’-]*)){{0,2}}(?:\s+(?:{STREET_WORDS})\b\.?)?",
                   re.IGNORECASE)
NUMBER_DIRECTION_NAME = re.compile(rf"\b\d{{2,6}}\s+[NSEW]\.?\s+[{UPPER}][{LOWER}]+\b")
NUMBER_CALLE = re.compile(rf"\b\d{{1,6}}\s+(?:{SPANISH_STREET})\s+[{UPPER}][\w'’-]*", re.IGNORECASE)
PO_BOX = re.compile(r"\b(?:p\.?\s?o\.?\s?box|apartado(?: postal)?|casilla)\s*#?\s*\d{1,6}\b", re.IGNORECASE)
ZIP_AFTER = re.compile(r",?\s*(?:[A-Z][a-z]+\s*){0,3},?\s*(?:[A-Z]{2}\s+)?\d{5}(?:-\d{4})?\b")


def find_addresses(text: str) -> list[Hit]:
    hits = []
    for match in US_ADDRESS.finditer(text):
        words = match.group(1).split()
        if any(word.lower().strip(".,") in STOP_IN_ADDRESS for word in words):
            continue
        end = match.end()
        if text[end - 1] == "." and len(text[match.start():end - 1].split()[-1]) > 4:
            end -= 1  # "Harbor Street." ends a sentence; "St." is an abbreviation
        tail = ZIP_AFTER.match(text, end)
        if tail:
            end = tail.end()
        hits.append(Hit(match.start(), end, "address", 0.85))
    for match in SPANISH_ADDRESS.finditer(text):
        if re.fullmatch(rf"(?i:{SPANISH_STREET})\s+\d{{1,3}}", match.group()):
            continue  # "la calle 18" names a street, not a home
        hits.append(Hit(match.start(), match.end(), "address", 0.85))
    for pattern in (INTERSECTION, BLOCK, NUMBER_DIRECTION_NAME, NUMBER_CALLE):
        hits += [Hit(m.start(), m.end(), "address", 0.7) for m in pattern.finditer(text)]
    hits += [Hit(m.start(), m.end(), "address", 0.85) for m in PO_BOX.finditer(text)]
    return hits


# Licence plates, dates of birth, badge numbers ----------------------------------------------------------------------

PLATE_CONTEXT = (r"(?:licen[cs]e\s+plates?|plates?|tags?|placas?|matr[íi]cula|license|licencia)")
PLATE_FILLER = (r"(?:\s*(?:son|are|were|is|was|number|numbers|no\.?|n[úu]mero|num\.?|#|:|reads?|reading|said|"
                r"that said|es|era|"
                r"decía|decia|dice|de|del|the|la|el|carro|coche|auto|car|vehicle|vehículo|vehiculo|truck|camioneta|"
                r"of|on|with|con|from|de\s+[A-Za-z]+|(?-i:[A-Z][a-z]+))\s*){0,3}")
PLATE_VALUE = r"((?-i:[A-Z0-9]{1,4}(?:[\s-]?[A-Z0-9]{1,4}){1,2}|[a-z0-9]*\d[a-z0-9]*(?:-[a-z0-9]+)?))"
PLATE = re.compile(rf"\b{PLATE_CONTEXT}\b{PLATE_FILLER}[:#\s]*\b{PLATE_VALUE}\b", re.IGNORECASE)


def _looks_like_plate(value: str) -> bool:
    compact = re.sub(r"[\s-]", "", value)
    return (4 <= len(compact) <= 8 and any(c.isdigit() for c in compact)
            and not re.fullmatch(r"(?:19|20)\d\d", compact))


MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
          r"septiembre|setiembre|octubre|noviembre|diciembre")
DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
        rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?(?:{MONTHS})\.?,?\s+(?:of\s+|de\s+|del\s+)?\d{{2,4}})")
DOB_CONTEXT = (r"(?:born(?:\s+on)?|b\.|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday(?:\s+is)?|"
               r"nac(?:id[oa]|imiento|i[óo])?(?:\s+el)?|fecha\s+de\s+nacimiento|f\.\s*nac\.?|cumpleaños(?:\s+es)?|"
               r"cumple(?:\s+es)?)")
DOB = re.compile(rf"\b{DOB_CONTEXT}[\s:,(-]*(?:(?:is|was|es|el|on|:)\s+)?({DATE})", re.IGNORECASE)

BADGE = re.compile(
    r"\b(?:badge|shield|placa|n[úu]mero\s+de\s+placa)\s*(?:number|no\.?|num\.?|n[úu]mero|#|:)?"
    r"\s*(?:(?:is|was|es|era|de|del|the|el|la|agente|oficial|officer|officer's)\s+){0,2}[#:]?\s*([A-Z]{0,3}-?\d{2,7})\b"
    r"|(?<=[\s(])#\s?(\d{2,7})\b",
    re.IGNORECASE)
OFFICER_NEAR = re.compile(r"\b(?:officer|ofc|sgt|sergeant|detective|det|lt|lieutenant|captain|capt|deputy|"
                          r"trooper|corporal|agente|oficial|sargento|teniente|polic[íi]a|cop|badge|placa)\b",
                          re.IGNORECASE)


def find_numbers(text: str) -> list[Hit]:
    hits = []
    for match in PLATE.finditer(text):
        value = match.group(1)
        if _looks_like_plate(value) and not (match.group().lower().startswith("placa")
                                             and re.fullmatch(r"\d{2,7}", value)):
            hits.append(Hit(match.start(1), match.end(1), "plate", 0.85))
    for match in DOB.finditer(text):
        hits.append(Hit(match.start(1), match.end(1), "date_of_birth", 0.9))
    for match in BADGE.finditer(text):
        group = 1 if match.group(1) else 2
        if group == 2 and not OFFICER_NEAR.search(text, max(0, match.start() - 60), match.start()):
            continue
        hits.append(Hit(match.start(group), match.end(group), "badge", 0.8))
    return hits


# Names ---------------------------------------------------------------------------------------------------------------

TOKEN = re.compile(rf"[{LETTER}]+(?:['’][{LETTER}]+)*(?:-[{LETTER}]+(?:['’][{LETTER}]+)*)*\.?")
SENTENCE_BREAK = re.compile(r"(?:^|[.!?¡¿\n:;\"“”(]|\s-\s)\s*$")
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sr", "sra", "srta", "don", "doña", "dona", "prof",
                    "señor", "señora", "señorita", "sir", "madam", "mister"})
RANKS = frozenset({"officer", "ofc", "ofcr", "sgt", "sergeant", "detective", "det", "lt", "lieutenant", "captain",
                   "capt", "cpt", "deputy", "trooper", "corporal", "cpl", "chief", "sheriff", "commander", "agent",
                   "inspector", "constable", "agente", "oficial", "sargento", "teniente", "capitán",
                   "capitan", "comandante", "cabo", "inspectora", "agentes", "officers", "deputies", "oficiales"})
NAMING = frozenset({"named", "called", "llamado", "llamada", "apodado", "apodada", "nicknamed", "aka"})
# Introductions after which any word that is not ordinary is taken as a name, in any case.
INTRODUCTION = re.compile(r"\b(?:my\s+name\s+is|my\s+name's|me\s+llamo|mi\s+nombre\s+es|this\s+is|signed|firma|"
                          r"atentamente|sincerely|regards|saludos|att\.?|name:|nombre:)\s*,?\s*$", re.IGNORECASE)
# Introductions followed by a listed name only ("I'm tired" is not a name).
SOFT_INTRODUCTION = re.compile(r"\b(?:i\s*['’]?\s*m|i\s+am|soy|mi\s+hijo|mi\s+hija|my\s+son|my\s+daughter|"
                               r"my\s+wife|my\s+husband|mi\s+esposo|mi\s+esposa|my\s+neighbou?r|mi\s+vecin[oa]|"
                               r"my\s+friend|mi\s+amig[oa]|hermano|hermana|brother|sister|cousin|primo|prima|son|"
                               r"daughter|hijo|hija|t[íi]o|t[íi]a|nephew|niece|sobrin[oa]|neighbou?r|vecin[oa]|"
                               r"coworkers?|and|y|with|con)\s*,?\s*$",
                               re.IGNORECASE)


@dataclass
class _Token:
    start: int
    end: int
    text: str
    lower: str
    capitalised: bool
    initial: bool  # starts a sentence


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in TOKEN.finditer(text):
        word = match.group()
        start, end = match.start(), match.end()
        if word.endswith(".") and word[:-1].lower() not in TITLES | RANKS:
            word, end = word[:-1], end - 1
        bare = word.rstrip(".")
        lower = bare.lower().replace("’", "'")
        initial = bool(SENTENCE_BREAK.search(text, max(0, start - 12), start)) if start else True
        if not initial:
            before = text[max(0, start - 3):start].rstrip()
            if before.endswith(".") and tokens and tokens[-1].lower not in TITLES | RANKS:
                initial = True
        capitalised = bare[:1].isupper() and not (len(bare) > 1 and bare.isupper()
                                                  and lower not in wordlists.listed_names())
        tokens.append(_Token(start, end, bare, lower, capitalised, initial))
    return tokens


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    gap = text[left.end:right.start]
    if "." in gap and not (len(left.text) == 1 or left.lower in TITLES or left.lower in RANKS):
        return False
    return len(gap) <= 3 and gap.strip(" -.") == "" and "\n" not in gap


LOCATIVE = _words("""on at near off along across down past onto toward towards between en cerca sobre entre
hacia desde calle avenida esquina frente""")
PLACE_AFTER = _words("""st st. street ave ave. avenue blvd blvd. boulevard rd rd. road dr dr. drive ln lane ct court pl
place way pkwy parkway hwy highway park school middle high elementary academy college university church hospital center
centre station library memorial mall market plaza square bridge district heights village apartments homes
towers store shop restaurant cafe bar clinic department dept rights house hall""")


def find_names(text: str) -> list[Hit]:
    listed, common, never = wordlists.listed_names(), wordlists.common_words(), wordlists.not_names()
    tokens = _tokens(text)
    marked: dict[int, float] = {}
    cues = TITLES | RANKS

    known = wordlists.known_words()

    def ordinary(token: _Token) -> bool:
        return token.lower in common or token.lower in never or token.lower in cues or token.lower in known

    def placed(index: int) -> bool:
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and following.lower in PLACE_AFTER and _adjacent(text, tokens[index], following):
            return True
        previous = tokens[index - 1] if index else None
        return (previous is not None and previous.lower in LOCATIVE
                and not text[previous.end:tokens[index].start].strip())

    for index, token in enumerate(tokens):
        base = token.lower.rstrip(".")
        possessive = base[:-2] if base.endswith("'s") else base
        if placed(index):
            pass
        elif token.capitalised and possessive in listed and possessive not in common and possessive not in never:
            marked[index] = max(marked.get(index, 0), 0.85)
        elif (token.capitalised and not token.initial and not ordinary(token) and possessive not in common
              and possessive not in never and possessive not in known and len(base) > 1):
            marked[index] = max(marked.get(index, 0), 0.6)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None or (not _adjacent(text, token, following)
                                 and text[token.end:following.start].strip(" ,.:") != ""):
            continue
        name_like = (following.capitalised and following.lower not in cues
                     and following.lower not in wordlists.PARTICLES and len(following.lower) > 1)
        if base in TITLES or base in RANKS:
            # "Officer Smith", "officer smith", "Sgt. Ramírez"; not "officer was rude".
            after = tokens[index + 2] if index + 2 < len(tokens) else None
            strong_after = after is not None and _adjacent(text, following, after) and (
                after.lower not in common and after.lower not in wordlists.known_words()
                and after.lower not in _stop_words())
            if (name_like and following.lower not in {"and", "y", "the", "el", "la", "de", "who", "que"}) or (
                    not following.capitalised and following.lower in listed
                    and ((following.lower not in common and following.lower not in _stop_words())
                         or strong_after)):
                marked[index + 1] = max(marked.get(index + 1, 0), 0.9)
                _lower_run(text, tokens, index + 1, marked, listed, common)
        elif base in NAMING and (name_like or (following.lower in listed and following.lower not in common) or (
                following.lower not in common and following.lower not in never)):
            marked[index + 1] = max(marked.get(index + 1, 0), 0.85)
    # Introductions: "my name is dana whitfield", "me llamo Lupe", "I'm Maria".
    for index, token in enumerate(tokens):
        before = text[max(0, token.start - 40):token.start]
        if INTRODUCTION.search(before):
            count = 0
            for candidate in tokens[index:index + 3]:
                if count and not _adjacent(text, tokens[index + count - 1], candidate):
                    break
                if candidate.lower in listed or (candidate.lower not in common and candidate.lower not in never):
                    marked[index + count] = max(marked.get(index + count, 0), 0.9)
                    count += 1
                else:
                    break
        elif SOFT_INTRODUCTION.search(before[-20:]) and token.lower in listed and (
                token.capitalised or token.lower not in common):
            marked[index] = max(marked.get(index, 0), 0.8)
            _lower_run(text, tokens, index, marked, listed, common)
    _signatures(text, tokens, marked, listed, common)
    return _spans(text, tokens, marked, listed, never, cues)


def _lower_run(text, tokens, index, marked, listed, common, limit=3):
    """After a name typed in lower case, the next words that are names too: "dan wozniak", "hassan el-amin"."""
    for position in range(index + 1, min(index + 1 + limit, len(tokens))):
        token = tokens[position]
        if not _adjacent(text, tokens[position - 1], token) or token.capitalised:
            return
        if (token.lower in listed or token.lower.split("-")[0] in wordlists.PARTICLES
                or (token.lower not in common and token.lower not in wordlists.known_words())) \
                and token.lower not in _stop_words():
            marked[position] = max(marked.get(position, 0), 0.8)
        else:
            return


CONTACT_AHEAD = re.compile(r"\s*[,;:-]?\s*(?:\+?\(?\d[\d\s().-]{6,}|[\w.+-]+@|\d{1,6}\s+[A-Za-z]|"
                           r"(?:calle|avenida|av\.|apt|tel|cel|phone|email|e-mail|correo)\b)", re.IGNORECASE)
SIGNATURE_BEFORE = re.compile(r"(?:^|[.!?\n]|\s[-–—~]|^[-–—~])\s*$")


def _signatures(text, tokens, marked, listed, common):
    """A resident's name signed before their phone number or e-mail address, or after a dash at the end:
    "juana perez 555 230 1144", "Thanh Pham, 555-667-1203", "-jose luis marquez"."""
    for index, token in enumerate(tokens):
        if not SIGNATURE_BEFORE.search(text, max(0, token.start - 12), token.start):
            continue
        run = []
        for position in range(index, min(index + 4, len(tokens))):
            candidate = tokens[position]
            if run and not _adjacent(text, tokens[position - 1], candidate):
                break
            if candidate.lower in _stop_words() and candidate.lower not in wordlists.PARTICLES:
                break
            run.append(position)
        while run:
            last = tokens[run[-1]]
            at_end = not text[last.end:].strip(" .!\n")
            if CONTACT_AHEAD.match(text, last.end) or (at_end and re.search(r"[-–—~]\s*$",
                                                                  text[max(0, token.start - 6):token.start])):
                break
            run.pop()
        words = [tokens[position] for position in run]
        known = wordlists.known_words()
        if words and any(word.lower in listed for word in words) and all(
                word.lower in listed or word.lower in wordlists.PARTICLES
                or (word.lower not in common and word.lower not in known) for word in words):
            for position in run:
                marked[position] = max(marked.get(position, 0), 0.8)


def _stop_words() -> frozenset[str]:
    return wordlists.stop_words()


def _spans(text, tokens, marked, listed, never, cues) -> list[Hit]:
    """Marked tokens grown over neighbouring capitalised words and particles: "María de la Luz Álvarez"."""
    hits = []
    index = 0
    ordered = sorted(marked)
    taken = set()
    for index in ordered:
        if index in taken:
            continue
        first = last = index
        score = marked[index]
        # Grow to the left over capitalised words (not cues, not sentence starts already taken as ordinary).
        while first > 0 and _adjacent(text, tokens[first - 1], tokens[first]):
            previous = tokens[first - 1]
            if previous.capitalised and previous.lower not in cues and previous.lower not in never and (
                    previous.lower in listed or previous.lower not in wordlists.common_words()):
                first -= 1
            else:
                break
        # Grow to the right over capitalised words, marked words, and particles followed by a capitalised word.
        position = last + 1
        while position < len(tokens) and _adjacent(text, tokens[position - 1], tokens[position]):
            candidate = tokens[position]
            if position in marked or (candidate.capitalised and candidate.lower not in cues
                                      and candidate.lower not in never):
                last = position
                position += 1
                continue
            if candidate.lower in wordlists.PARTICLES and not candidate.capitalised:
                ahead = position + 1
                while ahead < len(tokens) and tokens[ahead].lower in wordlists.PARTICLES \
                        and _adjacent(text, tokens[ahead - 1], tokens[ahead]):
                    ahead += 1
                if ahead < len(tokens) and _adjacent(text, tokens[ahead - 1], tokens[ahead]) and (
                        tokens[ahead].capitalised and tokens[ahead].lower not in never) and (
                        tokens[ahead].lower in listed or ahead in marked or last in marked):
                    last = ahead
                    position = ahead + 1
                    continue
            break
        taken.update(range(first, last + 1))
        score = max(marked.get(i, 0) for i in range(first, last + 1)) or score
        hits.append(Hit(tokens[first].start, tokens[last].end, "name", score))
    return hits


def find_all(text: str) -> list[Hit]:
    return find_contacts(text) + find_addresses(text) + find_numbers(text) + find_names(text)
