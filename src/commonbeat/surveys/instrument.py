"""The standard trust and safety instrument, and the procedural-justice module agencies can add.

Codes are fixed: the trust index reads `safety`, `respect` and `listen` (0–10), `top_issue` (free text),
`neighbourhood`, and the weighting variables `age_band`, `gender` and `race_ethnicity`, whose choice
values match the census make-up stored on each neighbourhood.
"""

AGE_BANDS = [("18-29", "18 to 29", "18 a 29"), ("30-44", "30 to 44", "30 a 44"), ("45-64", "45 to 64", "45 a 64"),
             ("65+", "65 or older", "65 o más")]
GENDERS = [("female", "Woman", "Mujer"), ("male", "Man", "Hombre"),
           ("another", "Another gender", "Otro género")]
RACES = [("hispanic", "Hispanic or Latino", "Hispano o latino"), ("white", "White", "Blanco"),
         ("black", "Black or African American", "Negro o afroamericano"), ("asian", "Asian", "Asiático"),
         ("other", "Another race or several", "Otra raza o varias")]
AGREEMENT = [("1", "Strongly disagree", "Muy en desacuerdo"), ("2", "Disagree", "En desacuerdo"),
             ("3", "Neither agree nor disagree", "Ni de acuerdo ni en desacuerdo"), ("4", "Agree", "De acuerdo"),
             ("5", "Strongly agree", "Muy de acuerdo")]


def _choices(rows) -> list[dict]:
    return [{"value": value, "label": {"en": en, "es": es}} for value, en, es in rows]


def _q(code, kind, en, es, *, required=False, choices=None, module="standard", hint_en="", hint_es="") -> dict:
    return {"code": code, "kind": kind, "text": {"en": en, "es": es}, "required": required,
            "choices": _choices(choices or []), "module": module,
            "help_text": {"en": hint_en, "es": hint_es} if hint_en else {}}


STANDARD = [
    _q("neighbourhood", "neighbourhood", "Which neighbourhood do you live in?", "¿En qué barrio vive?", required=True),
    _q("safety", "scale_0_10", "How safe do you feel from crime in your neighbourhood?",
       "¿Qué tan seguro(a) se siente frente al delito en su barrio?", required=True,
       hint_en="0 means not at all safe, 10 means completely safe.",
       hint_es="0 significa nada seguro, 10 significa completamente seguro."),
    _q("respect", "scale_0_10", "The police in my neighbourhood treat local residents with respect.",
       "La policía de mi barrio trata a los residentes con respeto.", required=True,
       hint_en="0 means you completely disagree, 10 means you completely agree.",
       hint_es="0 significa totalmente en desacuerdo, 10 significa totalmente de acuerdo."),
    _q("listen", "scale_0_10",
       "The police in my neighbourhood listen to and take into account the concerns of local residents.",
       "La policía de mi barrio escucha y toma en cuenta las preocupaciones de los residentes.", required=True,
       hint_en="0 means you completely disagree, 10 means you completely agree.",
       hint_es="0 significa totalmente en desacuerdo, 10 significa totalmente de acuerdo."),
    _q("top_issue", "free_text", "What is the number-one issue you want the police to deal with in your neighbourhood?",
       "¿Cuál es el problema número uno que quiere que la policía atienda en su barrio?",
       hint_en="Please do not include names or contact details.",
       hint_es="Por favor no incluya nombres ni datos de contacto."),
    _q("age_band", "single_choice", "How old are you?", "¿Qué edad tiene?", choices=AGE_BANDS),
    _q("gender", "single_choice", "What is your gender?", "¿Cuál es su género?", choices=GENDERS),
    _q("race_ethnicity", "single_choice", "What is your race or ethnicity?", "¿Cuál es su raza o etnia?",
       choices=RACES),
]

PROCEDURAL_JUSTICE = [
    _q("pj_fairness", "agreement_5", "The police make fair decisions.", "La policía toma decisiones justas.",
       choices=AGREEMENT, module="procedural_justice"),
    _q("pj_voice", "agreement_5", "The police give people a chance to tell their side of the story.",
       "La policía da a las personas la oportunidad de contar su versión de los hechos.",
       choices=AGREEMENT, module="procedural_justice"),
    _q("pj_respect", "agreement_5", "The police treat people with dignity.",
       "La policía trata a las personas con dignidad.", choices=AGREEMENT, module="procedural_justice"),
    _q("pj_trustworthiness", "agreement_5", "The police can be trusted to do what is right for my neighbourhood.",
       "Se puede confiar en que la policía hará lo correcto para mi barrio.",
       choices=AGREEMENT, module="procedural_justice"),
]

WEIGHTING_VARIABLES = ("age_band", "gender", "race_ethnicity")
TRUST_ITEMS = ("respect", "listen")
