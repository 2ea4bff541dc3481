"""The demo city's policy library: eight policies of a real department in two or three versions each, the
body-worn camera policy's new draft open for public comment (comments published and answered, waiting and
rejected), the use-of-force policy's draft whose comment period closed and whose final version says what
changed, and officers' acknowledgements with a realistic share still missing on the newest versions.

Every active officer gets a user account (sign-in disabled) so acknowledgements can be tracked; the demo
officer keeps her own."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from commonbeat.accounts.models import Membership, User
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.core.seeding import SeedContext
from commonbeat.core.tenancy import scoped
from commonbeat.insights.text.redaction import redact

from ..models import (
    Acknowledgement,
    CommentStatus,
    Policy,
    PolicyCategory,
    PolicyComment,
    PolicyVersion,
    VersionStatus,
)

C = PolicyCategory

# (number, category, title en, title es, summaries per version, first version's paragraphs, changes)
# Version n applies the first n-1 changes: ("replace", index, (en, es)) or ("add", (en, es)).
POLICIES = [
    ("GO-300", C.USE_OF_FORCE, "Use of force", "Uso de la fuerza",
     [("When and how officers may use force, and how every use is reported and reviewed.",
       "Cuándo y cómo pueden los agentes usar la fuerza, y cómo se informa y revisa cada uso."),
      ("Adds a duty to intervene and to give medical aid after any use of force.",
       "Añade el deber de intervenir y de prestar ayuda médica tras cualquier uso de la fuerza."),
      ("Makes de-escalation a requirement whenever it is safe, and bans neck restraints.",
       "Exige la desescalada siempre que sea seguro y prohíbe las sujeciones del cuello.")],
     [("Officers use only the force that is objectively reasonable, necessary and proportional to the threat.",
       "Los agentes usan solo la fuerza objetivamente razonable, necesaria y proporcional a la amenaza."),
      ("Deadly force is a last resort, used only to protect life against an imminent threat.",
       "La fuerza letal es el último recurso, solo para proteger la vida ante una amenaza inminente."),
      ("Every use of force is reported before the end of the shift and reviewed by a supervisor.",
       "Todo uso de la fuerza se informa antes del fin del turno y lo revisa un supervisor.")],
     [("add", ("An officer who sees excessive force must intervene and report it. Officers give or call for "
               "medical aid as soon as it is safe.",
               "Un agente que vea fuerza excesiva debe intervenir e informarlo. Los agentes prestan o piden "
               "ayuda médica en cuanto sea seguro.")),
      ("add", ("Officers use de-escalation whenever it is safe: time, distance, cover and calm communication. "
               "Neck restraints and chokeholds are prohibited.",
               "Los agentes usan la desescalada siempre que sea seguro: tiempo, distancia, protección y "
               "comunicación calmada. Se prohíben las sujeciones y estrangulamientos del cuello.")),
      ("replace", 2, ("Every use of force is reported before the end of the shift, reviewed by a supervisor, and "
                      "counted in the public use-of-force figures each quarter.",
                      "Todo uso de la fuerza se informa antes del fin del turno, lo revisa un supervisor y se "
                      "cuenta en las cifras públicas de uso de la fuerza cada trimestre."))]),
    ("GO-310", C.EQUIPMENT, "Body-worn cameras", "Cámaras corporales",
     [("When cameras are switched on, how long recordings are kept and how residents can request footage.",
       "Cuándo se encienden las cámaras, cuánto se guardan las grabaciones y cómo pedirlas."),
      ("Requires activation before arrival at every call and sets retention periods by kind of recording.",
       "Exige encender la cámara antes de llegar a cada llamada y fija plazos de conservación."),
      ("Proposes releasing footage of critical incidents within 45 days and telling residents they are "
       "being recorded.",
       "Propone publicar las grabaciones de incidentes críticos en 45 días y avisar a los residentes de que "
       "se les graba.")],
     [("Officers in uniform wear a body-worn camera and switch it on for every enforcement contact.",
       "Los agentes uniformados llevan una cámara corporal y la encienden en cada intervención."),
      ("Recordings are evidence. They are uploaded at the end of each shift and cannot be edited or deleted by "
       "the officer.",
       "Las grabaciones son pruebas. Se suben al final de cada turno y el agente no puede editarlas ni borrarlas."),
      ("Residents may request footage through the public records process.",
       "Los residentes pueden pedir grabaciones por el procedimiento de registros públicos.")],
     [("replace", 0, ("Officers in uniform wear a body-worn camera and switch it on before arriving at every "
                      "call for service and for every enforcement contact.",
                      "Los agentes uniformados llevan una cámara corporal y la encienden antes de llegar a cada "
                      "llamada y en cada intervención.")),
      ("add", ("Footage of a critical incident is released to the public within 45 days, with faces and "
               "private details blurred. Officers tell people they are being recorded when it is safe.",
               "Las grabaciones de un incidente crítico se publican en 45 días, con rostros y datos privados "
               "difuminados. Los agentes avisan de que graban cuando es seguro."))]),
    ("GO-320", C.CONDUCT, "Bias-free policing", "Actuación policial sin prejuicios",
     [("Officers may not stop, search or arrest anyone because of who they are.",
       "Los agentes no pueden detener, registrar ni arrestar a nadie por quién es."),
      ("Adds the collection and publication of stop data by neighbourhood and demographic group.",
       "Añade la recogida y publicación de datos de paradas por barrio y grupo demográfico.")],
     [("Race, ethnicity, national origin, religion, gender, gender identity, sexual orientation, disability or "
       "housing status are never a reason for police action.",
       "La raza, el origen, la religión, el género, la identidad de género, la orientación sexual, la "
       "discapacidad o la situación de vivienda nunca son motivo de una actuación policial."),
      ("Supervisors review complaints of biased policing and officers complete bias-reduction training "
       "every year.",
       "Los supervisores revisan las quejas por prejuicios y los agentes reciben formación anual contra "
       "los prejuicios.")],
     [("add", ("Officers record every stop: the reason, the outcome and the person's perceived demographics. "
               "The figures are published every quarter.",
               "Los agentes registran cada parada: el motivo, el resultado y los datos demográficos "
               "percibidos. Las cifras se publican cada trimestre."))]),
    ("GO-330", C.FIELD_OPERATIONS, "Crisis intervention", "Intervención en crisis",
     [("How officers respond to people in a mental-health crisis.",
       "Cómo responden los agentes a personas en crisis de salud mental."),
      ("Sends a clinician with officers to crisis calls whenever one is available.",
       "Envía a un profesional clínico con los agentes a las llamadas de crisis siempre que haya uno.")],
     [("Officers trained in crisis intervention are sent to calls involving a person in a mental-health crisis.",
       "A las llamadas con una persona en crisis de salud mental se envía a agentes formados en intervención "
       "en crisis."),
      ("Officers slow the situation down, speak calmly and connect the person with care instead of jail "
       "where possible.",
       "Los agentes bajan el ritmo, hablan con calma y, cuando es posible, conectan a la persona con atención "
       "en lugar de la cárcel.")],
     [("add", ("A clinician from the co-responder team rides with officers to crisis calls at any hour, and "
               "every call is followed up within 72 hours.",
               "Un profesional del equipo de respuesta conjunta acompaña a los agentes a las llamadas de crisis "
               "a cualquier hora, y se hace seguimiento de cada llamada en 72 horas."))]),
    ("GO-340", C.FIELD_OPERATIONS, "Vehicle pursuits", "Persecuciones de vehículos",
     [("When officers may chase a vehicle, and when they must stop.",
       "Cuándo pueden los agentes perseguir un vehículo y cuándo deben parar."),
      ("Limits pursuits to violent felonies and makes supervisors end pursuits that endanger the public.",
       "Limita las persecuciones a delitos graves violentos y obliga a los supervisores a terminarlas si "
       "ponen en peligro al público.")],
     [("Officers may pursue a vehicle when the need to catch the driver outweighs the danger to the public.",
       "Los agentes pueden perseguir un vehículo cuando la necesidad de detener al conductor supera el "
       "peligro para el público."),
      ("A supervisor monitors every pursuit by radio.",
       "Un supervisor sigue cada persecución por radio.")],
     [("replace", 0, ("Officers may pursue a vehicle only for a violent felony and when the need to catch the "
                      "driver clearly outweighs the danger to the public. No pursuits for traffic offences or "
                      "stolen property alone.",
                      "Los agentes solo pueden perseguir un vehículo por un delito grave violento y cuando la "
                      "necesidad de detener al conductor supera claramente el peligro. No se persigue por "
                      "infracciones de tráfico ni solo por bienes robados."))]),
    ("GO-350", C.CONDUCT, "Complaints and commendations", "Quejas y felicitaciones",
     [("How anyone can file a complaint or a commendation, and how it is investigated.",
       "Cómo cualquiera puede presentar una queja o una felicitación, y cómo se investiga."),
      ("Accepts anonymous complaints online and sets a 90-day target for investigations.",
       "Acepta quejas anónimas en línea y fija un plazo de 90 días para las investigaciones."),
      ("Lets complainants follow their case with a tracking code and shares findings with them.",
       "Permite seguir el caso con un código y comunica el resultado a quien se quejó.")],
     [("Anyone may complain about or commend an officer, in person, by phone or in writing, in any language.",
       "Cualquiera puede presentar una queja o felicitar a un agente, en persona, por teléfono o por escrito, "
       "en cualquier idioma."),
      ("Professional Standards investigates every complaint of misconduct.",
       "Asuntos Internos investiga cada queja por mala conducta.")],
     [("add", ("Complaints may be filed online and anonymously. Investigations are completed within 90 days "
               "unless the complainant is told why more time is needed.",
               "Las quejas pueden presentarse en línea y de forma anónima. Las investigaciones terminan en 90 "
               "días, salvo que se explique por qué se necesita más tiempo.")),
      ("add", ("Each complainant receives a tracking code to follow the case and is told the finding.",
               "Cada persona recibe un código para seguir su caso y se le comunica el resultado."))]),
    ("GO-360", C.COMMUNITY, "Interactions with young people", "Trato con menores",
     [("How officers treat young people, at school and in the street.",
       "Cómo tratan los agentes a los jóvenes, en la escuela y en la calle."),
      ("Requires a parent or guardian to be called before a young person is questioned.",
       "Exige llamar a un padre o tutor antes de interrogar a un menor.")],
     [("Officers speak to young people with respect, explain what is happening and why, and use the least "
       "restrictive option.",
       "Los agentes hablan con respeto a los jóvenes, explican qué ocurre y por qué, y usan la opción menos "
       "restrictiva."),
      ("School resource officers do not take part in school discipline.",
       "Los agentes escolares no participan en la disciplina escolar.")],
     [("add", ("Before questioning anyone under 18 about an offence, officers call a parent or guardian and "
               "explain the young person's rights in words they understand.",
               "Antes de interrogar a un menor de 18 años sobre un delito, los agentes llaman a un padre o "
               "tutor y le explican sus derechos con palabras que entienda."))]),
    ("GO-370", C.COMMUNITY, "Language access", "Acceso lingüístico",
     [("How the department serves people who speak little or no English.",
       "Cómo atiende el departamento a las personas que hablan poco o nada de inglés."),
      ("Adds phone interpreters on every shift and Spanish versions of every public form.",
       "Añade intérpretes telefónicos en cada turno y versiones en español de cada formulario público."),
      ("Bans the use of children as interpreters except in an emergency.",
       "Prohíbe usar a niños como intérpretes salvo en una emergencia.")],
     [("Officers offer a qualified interpreter to anyone who needs one, free of charge.",
       "Los agentes ofrecen un intérprete cualificado gratuito a quien lo necesite."),
      ("Important documents are translated into the languages most spoken in the city.",
       "Los documentos importantes se traducen a los idiomas más hablados de la ciudad.")],
     [("add", ("Phone interpreters are available on every shift, and every public form is offered in Spanish.",
               "Hay intérpretes telefónicos en cada turno y cada formulario público se ofrece en español.")),
      ("add", ("Family members, and never children, interpret only in an emergency and until a qualified "
               "interpreter is reached.",
               "Los familiares, y nunca los niños, interpretan solo en una emergencia y hasta contactar con un "
               "intérprete cualificado."))]),
]

# The open draft's comments: (text, first name, status, answer, rejection reason)
OPEN_DRAFT_COMMENTS = [
    ("Forty-five days is too long. Families should see the footage within two weeks.", "Rosa",
     CommentStatus.APPROVED, "Thank you. Reviewing and blurring footage takes time; we will report every "
                             "release date so the public can hold us to it.", ""),
    ("Me parece bien que avisen cuando están grabando. Pónganlo también en las patrullas.", "Jorge",
     CommentStatus.APPROVED, "Gracias. Pondremos un aviso en cada patrulla este año.", ""),
    ("Will the camera be on during a mental-health call inside someone's home?", "",
     CommentStatus.APPROVED, "", ""),
    ("Officer at 1420 Harbor Street filmed my kids. Call me at 555-201-4477, my name is Dana Whitfield.", "",
     CommentStatus.PENDING, "", ""),
    ("Please publish how often cameras were not switched on, by district.", "Mei",
     CommentStatus.PENDING, "", ""),
    ("Buy my security cameras instead! Best prices at cams.example.org", "",
     CommentStatus.REJECTED, "", "Advertising, not a comment on the draft."),
]
CLOSED_DRAFT_COMMENTS = [
    ("Neck restraints should be banned outright, not only discouraged.", "Andre",
     "Agreed: the final version prohibits them."),
    ("Add that officers must give first aid after using force, not just call for it.", "Ana",
     "The duty to give medical aid was already in version 2; the final version keeps it."),
    ("Publish the use-of-force numbers every quarter, by neighbourhood.", "Keisha",
     "The final version commits to quarterly public figures."),
    ("La desescalada debe ser obligatoria, no una recomendación.", "Luis",
     "Gracias. La versión final exige la desescalada siempre que sea seguro."),
]
CHANGES = {"en": "In response to 41 comments, the final version bans neck restraints outright, requires "
                 "de-escalation whenever it is safe, and commits to publishing use-of-force figures every quarter.",
           "es": "En respuesta a 41 comentarios, la versión final prohíbe del todo las sujeciones del cuello, "
                 "exige la desescalada siempre que sea seguro y se compromete a publicar cada trimestre las "
                 "cifras de uso de la fuerza."}


def _texts(paragraphs: list[tuple[str, str]]) -> dict:
    return {"en": "\n".join(en for en, _es in paragraphs), "es": "\n".join(es for _en, es in paragraphs)}


def _paragraphs_of(base: list, changes: list, number: int) -> list:
    paragraphs = list(base)
    for change in changes[:number - 1]:
        if change[0] == "add":
            paragraphs.append(change[1])
        else:
            paragraphs[change[1]] = change[2]
    return paragraphs


def _officer_accounts(context: SeedContext) -> list[Officer]:
    """Every active officer signs in to acknowledge policies; those without an account get one (no password and
    no e-mail address, so the demo never writes to them)."""
    agency, today = context.agency, context.today
    officers = list(scoped(Officer, agency).filter(active_from__lte=today).exclude(active_until__lt=today)
                    .order_by("id"))
    missing = [o for o in officers if o.user_id is None]
    users = []
    for officer in missing:
        username = f"{agency.slug}-officer-{officer.badge_number}"
        user = User(username=username, first_name=officer.first_name, last_name=officer.last_name,
                    is_demo_account=True)
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    by_username = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    Membership.objects.bulk_create([Membership(agency=agency, user=user, role=Role.OFFICER)
                                    for user in by_username.values()])
    for officer in missing:
        officer.user = by_username[f"{agency.slug}-officer-{officer.badge_number}"]
    Officer.objects.bulk_update(missing, ["user"], batch_size=500)
    return officers


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    zone = agency.zone

    def moment(days_ago: int, hour: int = 10) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour, rng.randint(0, 59)), tzinfo=zone)

    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("slug"))
    in_force: list[PolicyVersion] = []
    open_draft = closed_draft = None
    for index, (number, category, title_en, title_es, summaries, base, changes) in enumerate(POLICIES):
        policy = Policy.objects.create(agency=agency, number=number, category=category,
                                       title={"en": title_en, "es": title_es})
        count = len(summaries)
        for version_number in range(1, count + 1):
            paragraphs = _paragraphs_of(base, changes, version_number)
            summary = {"en": summaries[version_number - 1][0], "es": summaries[version_number - 1][1]}
            age = (count - version_number + 1) * 540 + index * 23  # the newest version a year and a half old
            version = PolicyVersion(agency=agency, policy=policy, number=version_number, summary=summary,
                                    body=_texts(paragraphs), status=VersionStatus.SUPERSEDED,
                                    effective_on=today - timedelta(days=age), published_at=moment(age + 7))
            if number == "GO-310" and version_number == count:
                # The new draft, open for comment for another three weeks.
                version.status, version.effective_on, version.published_at = VersionStatus.DRAFT, None, None
                version.comment_opens_on, version.comment_closes_on = (today - timedelta(days=9),
                                                                       today + timedelta(days=21))
                open_draft = version
            elif number == "GO-300" and version_number == count:
                # The draft residents commented on; its final version follows below.
                version.status, version.effective_on, version.published_at = (VersionStatus.COMMENT_DRAFT,
                                                                              None, None)
                version.comment_opens_on, version.comment_closes_on = (today - timedelta(days=75),
                                                                       today - timedelta(days=30))
                closed_draft = version
            elif version_number == count or (number == "GO-310" and version_number == count - 1):
                version.status = VersionStatus.IN_FORCE
                if number in ("GO-320", "GO-370"):  # two recent updates, still being acknowledged
                    version.effective_on, version.published_at = today - timedelta(days=12 + index), moment(
                        14 + index)
            version.save()
            if version.status == VersionStatus.IN_FORCE:
                in_force.append(version)
        if closed_draft is not None and closed_draft.policy_id == policy.pk:
            final = PolicyVersion.objects.create(
                agency=agency, policy=policy, number=count + 1, summary=closed_draft.summary,
                body=_texts(_paragraphs_of(base, changes, count + 1)), status=VersionStatus.IN_FORCE,
                comment_draft=closed_draft,
                changes_from_comments=CHANGES, effective_on=today - timedelta(days=14), published_at=moment(21))
            in_force.append(final)

    comments = []
    for offset, (text, first_name, status, answer, reason) in enumerate(OPEN_DRAFT_COMMENTS):
        sent = moment(8 - offset, 9 + offset)
        comments.append(PolicyComment(
            agency=agency, version=open_draft, original_text=text, published_text=redact(text, agency=agency),
            first_name=first_name, neighbourhood=rng.choice(neighbourhoods) if first_name else None,
            status=status, rejection_reason=reason, submitted_at=sent,
            moderated_at=sent + timedelta(hours=20) if status != CommentStatus.PENDING else None,
            answer=answer, answered_at=sent + timedelta(days=2) if answer else None))
    for offset, (text, first_name, answer) in enumerate(CLOSED_DRAFT_COMMENTS):
        sent = moment(70 - offset * 9, 11)
        comments.append(PolicyComment(
            agency=agency, version=closed_draft, original_text=text, published_text=redact(text, agency=agency),
            first_name=first_name, neighbourhood=rng.choice(neighbourhoods), status=CommentStatus.APPROVED,
            submitted_at=sent, moderated_at=sent + timedelta(days=1), answer=answer,
            answered_at=sent + timedelta(days=5), language="es" if text.startswith("La ") else "en"))
    PolicyComment.objects.bulk_create(comments)

    officers = _officer_accounts(context)
    now = timezone.now()
    acknowledgements = []
    for version in in_force:
        published = version.published_at or now
        days_out = (now - published).days
        share = 0.62 if days_out < 30 else 0.97  # the newest versions still have many officers to go
        for officer in officers:
            if rng.random() < share:
                when = published + timedelta(hours=rng.randint(2, max(3, min(days_out, 20) * 24)))
                acknowledgements.append(Acknowledgement(agency=agency, version=version, officer=officer,
                                                        acknowledged_at=min(when, now)))
    Acknowledgement.objects.bulk_create(acknowledgements, batch_size=1000)

    audit.record("transparency.policies_demo_loaded", agency=agency, changes={
        "policies": len(POLICIES), "acknowledgements": len(acknowledgements),
        "note": "Demo policies, versions, comments and acknowledgements, loaded in bulk."})
    expected = len(in_force) * len(officers)
    context.log.append(f"{agency.name}: {len(POLICIES)} policies, {len(in_force)} versions in force, 1 draft open "
                       f"for comment, {len(comments)} comments, {len(acknowledgements)} of {expected} "
                       f"acknowledgements")
