"""Every change to partner organisations, agreements, joint initiatives and referrals.

Each service takes the acting user and the agency explicitly, checks the role, runs in one transaction and
writes its audit event there. The audit log never holds a referred person's name or contact.

Other apps (crisis) refer people through `refer(...)` and read back what they referred with
`referrals_for_source(agency, source)`.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Action, Role, can, roles_of
from commonbeat.core import audit
from commonbeat.core.models import Agency
from commonbeat.core.tenancy import scoped

from .models import (
    OUTCOME_EXPECTED_DAYS,
    REFERRAL_RESPONSE_DAYS,
    Agreement,
    ConsentMethod,
    Initiative,
    InitiativeMeasure,
    InitiativeMilestone,
    InitiativeStatus,
    Partner,
    PartnerKind,
    PartnerService,
    PartnerUser,
    ReasonCategory,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)

REMINDER_DAYS = (60, 14)
EXPIRING_SOON_DAYS = 60


class PartnerError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


# ---------------------------------------------------------------- who is who

def partner_of(user, agency: Agency) -> Partner | None:
    """The organisation a partner user works for, if they have the PARTNER role and a link to one."""
    if Role.PARTNER not in roles_of(user, agency):
        return None
    link = scoped(PartnerUser, agency).select_related("partner").filter(user=user).first()
    return link.partner if link else None


def can_see_person(user, referral: Referral) -> bool:
    """The person's first name and contact are for the referrer, the partner's own staff and agency admins."""
    return person_visible_to(user, referral.agency)(referral)


def person_visible_to(user, agency: Agency) -> Callable[[Referral], bool]:
    """`can_see_person` for any number of the agency's referrals, reading the user's roles and organisation once
    (for lists)."""
    if Role.AGENCY_ADMIN in roles_of(user, agency):
        return lambda referral: True
    referrer = getattr(user, "pk", None) if can(user, agency, Action.MAKE_REFERRALS) else None
    partner = partner_of(user, agency)
    partner_pk = partner.pk if partner is not None else None
    return lambda referral: ((referrer is not None and referral.referred_by_id == referrer)
                             or (partner_pk is not None and referral.partner_id == partner_pk))


# ---------------------------------------------------------------- directory

@transaction.atomic
def add_partner(actor, agency: Agency, *, slug: str, name: str, kind: str, description: dict | None = None,
                languages: str = "", neighbourhoods=(), phone: str = "", email: str = "", website: str = "",
                is_public: bool = True) -> Partner:
    """Add an organisation to the directory. Short names are unique within the agency."""
    _require(actor, agency, Action.MANAGE_PARTNERS)
    if kind not in PartnerKind.values:
        raise PartnerError(_("Choose what kind of organisation this is."))
    if scoped(Partner, agency).filter(slug=slug).exists():
        raise PartnerError(_("Another partner already uses this short name."))
    partner = Partner.objects.create(agency=agency, slug=slug, name=name.strip(), kind=kind,
                                     description=_texts(description), languages=languages.strip(),
                                     phone=phone, email=email, website=website, is_public=is_public)
    partner.neighbourhoods.set([n for n in neighbourhoods if n.agency_id == agency.pk])
    audit.record("partners.partner_added", actor=actor, agency=agency, target=partner, changes={"name": name})
    return partner


@transaction.atomic
def update_partner(actor, partner: Partner, *, name: str, kind: str, description: dict | None = None,
                   languages: str = "", neighbourhoods=(), phone: str = "", email: str = "", website: str = "",
                   is_public: bool = True) -> Partner:
    _require(actor, partner.agency, Action.MANAGE_PARTNERS)
    if kind not in PartnerKind.values:
        raise PartnerError(_("Choose what kind of organisation this is."))
    partner.name, partner.kind, partner.description = name.strip(), kind, _texts(description)
    partner.languages, partner.phone, partner.email, partner.website = languages.strip(), phone, email, website
    partner.is_public = is_public
    partner.save()
    partner.neighbourhoods.set([n for n in neighbourhoods if n.agency_id == partner.agency_id])
    audit.record("partners.partner_updated", actor=actor, agency=partner.agency, target=partner,
                 changes={"name": partner.name, "is_public": is_public})
    return partner


@transaction.atomic
def add_service(actor, partner: Partner, *, name: dict, description: dict | None = None) -> PartnerService:
    _require(actor, partner.agency, Action.MANAGE_PARTNERS)
    if not _texts(name):
        raise PartnerError(_("Give the service a name."))
    service = PartnerService.objects.create(agency=partner.agency, partner=partner, name=_texts(name),
                                            description=_texts(description))
    audit.record("partners.service_added", actor=actor, agency=partner.agency, target=service,
                 changes={"partner": partner.pk})
    return service


@transaction.atomic
def link_partner_user(actor, partner: Partner, user) -> PartnerUser:
    """Let a user with the PARTNER role handle this organisation's referrals (one organisation per user)."""
    _require(actor, partner.agency, Action.MANAGE_PARTNERS)
    if Role.PARTNER not in roles_of(user, partner.agency):
        raise PartnerError(_("Only a user with the partner role can handle an organisation's referrals."))
    link, _created = PartnerUser.objects.update_or_create(agency=partner.agency, user=user,
                                                          defaults={"partner": partner})
    audit.record("partners.user_linked", actor=actor, agency=partner.agency, target=link,
                 changes={"partner": partner.pk, "user": user.pk})
    return link


@transaction.atomic
def add_agreement(actor, partner: Partner, *, title: str, signed_on: date, expires_on: date,
                  document=None) -> Agreement:
    """Record a memorandum of understanding. It must expire after it was signed."""
    _require(actor, partner.agency, Action.MANAGE_PARTNERS)
    if expires_on <= signed_on:
        raise PartnerError(_("An agreement must expire after the day it was signed."))
    agreement = Agreement(agency=partner.agency, partner=partner, title=title.strip(), signed_on=signed_on,
                          expires_on=expires_on)
    if document:
        agreement.document = document
    agreement.save()
    audit.record("partners.agreement_added", actor=actor, agency=partner.agency, target=agreement,
                 changes={"partner": partner.pk, "expires_on": expires_on.isoformat()})
    return agreement


def _reminder_recipients(agency: Agency) -> list[str]:
    memberships = (Membership.objects.filter(agency=agency, role__in=[Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN],
                                             user__is_active=True)
                   .exclude(user__email="").values_list("user__email", flat=True))
    return sorted(set(memberships))


def send_agreement_reminders(today: date | None = None) -> int:
    """E-mail engagement staff and admins 60 and 14 days before an agreement expires, once each. Each agency's
    days are counted on its own calendar unless `today` is given."""
    return sum(_send_agreement_reminders(agency, today or agency.today())
               for agency in Agency.objects.filter(pk__in=Agreement.objects.values("agency")))


def _send_agreement_reminders(agency: Agency, today: date) -> int:
    sent = 0
    for days in REMINDER_DAYS:
        field = f"reminded_{days}_at"
        due = (Agreement.objects.select_related("partner", "agency")
               .filter(**{f"{field}__isnull": True}, agency=agency, expires_on__gt=today,
                       expires_on__lte=today + timedelta(days=days)))
        if days == 60:
            # An agreement already inside 14 days gets the 14-day reminder only.
            due = due.filter(expires_on__gt=today + timedelta(days=14))
        for agreement in due:
            with transaction.atomic():
                claimed = Agreement.objects.filter(pk=agreement.pk, **{f"{field}__isnull": True}).update(
                    **{field: timezone.now()})
                if claimed:
                    audit.record("partners.agreement_reminded", agency=agreement.agency, target=agreement,
                                 changes={"days": days})
            if not claimed:
                continue
            # Sent after the claim is committed: a failure to send never un-claims, so no one gets it twice.
            recipients = _reminder_recipients(agreement.agency)
            if recipients:
                left = (agreement.expires_on - today).days
                subject = _("Agreement with %(partner)s expires in %(days)s days") % {
                    "partner": agreement.partner.name, "days": left}
                body = _("“%(title)s” with %(partner)s expires on %(day)s. Renew it or let the partner know.") % {
                    "title": agreement.title, "partner": agreement.partner.name,
                    "day": agreement.expires_on.isoformat()}
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
                sent += 1
    return sent


# ---------------------------------------------------------------- initiatives

@transaction.atomic
def create_initiative(actor, agency: Agency, *, slug: str, title: dict, goal: dict | None = None, partners=(),
                      neighbourhood=None, status: str = InitiativeStatus.ACTIVE, is_public: bool = True) -> Initiative:
    _require(actor, agency, Action.MANAGE_PARTNERS)
    if not _texts(title):
        raise PartnerError(_("Give the initiative a title."))
    if scoped(Initiative, agency).filter(slug=slug).exists():
        raise PartnerError(_("Another initiative already uses this short name."))
    initiative = Initiative.objects.create(agency=agency, slug=slug, title=_texts(title), goal=_texts(goal),
                                           neighbourhood=neighbourhood, status=status, is_public=is_public)
    initiative.partners.set([p for p in partners if p.agency_id == agency.pk])
    audit.record("partners.initiative_created", actor=actor, agency=agency, target=initiative,
                 changes={"slug": slug})
    return initiative


@transaction.atomic
def add_measure(actor, initiative: Initiative, *, name: dict, target, current=0) -> InitiativeMeasure:
    _require(actor, initiative.agency, Action.MANAGE_PARTNERS)
    if target is None or target <= 0:
        raise PartnerError(_("A measure needs a target above zero."))
    measure = InitiativeMeasure.objects.create(agency=initiative.agency, initiative=initiative, name=_texts(name),
                                               target=target, current=current or 0)
    audit.record("partners.measure_added", actor=actor, agency=initiative.agency, target=measure)
    return measure


@transaction.atomic
def update_measure(actor, measure: InitiativeMeasure, *, current) -> InitiativeMeasure:
    _require(actor, measure.agency, Action.MANAGE_PARTNERS)
    if current is None or current < 0:
        raise PartnerError(_("The current value cannot be below zero."))
    measure.current = current
    measure.save(update_fields=["current"])
    audit.record("partners.measure_updated", actor=actor, agency=measure.agency, target=measure,
                 changes={"current": str(current)})
    return measure


@transaction.atomic
def add_milestone(actor, initiative: Initiative, *, title: dict, due_on: date | None = None) -> InitiativeMilestone:
    _require(actor, initiative.agency, Action.MANAGE_PARTNERS)
    if not _texts(title):
        raise PartnerError(_("Give the milestone a title."))
    milestone = InitiativeMilestone.objects.create(agency=initiative.agency, initiative=initiative,
                                                   title=_texts(title), due_on=due_on)
    audit.record("partners.milestone_added", actor=actor, agency=initiative.agency, target=milestone)
    return milestone


@transaction.atomic
def complete_milestone(actor, milestone: InitiativeMilestone, *, done_on: date | None = None) -> InitiativeMilestone:
    _require(actor, milestone.agency, Action.MANAGE_PARTNERS)
    if milestone.done_on:
        raise PartnerError(_("This milestone is already done."))
    milestone.done_on = done_on or milestone.agency.today()
    milestone.save(update_fields=["done_on"])
    audit.record("partners.milestone_done", actor=actor, agency=milestone.agency, target=milestone)
    return milestone


# ---------------------------------------------------------------- referrals

def refer(actor, agency: Agency, details: dict) -> Referral:
    """Refer a person to a partner's service. Refused without the person's recorded consent.

    `details`: partner (Partner), service (PartnerService or None), first_name, contact, consent_recorded (must
    be True), consent_method, reason (ReasonCategory), note (short, optional), source (optional opaque link such
    as "crisis-response:12"). The partner is asked to answer within seven days."""
    _require(actor, agency, Action.MAKE_REFERRALS)
    if details.get("consent_recorded") is not True:
        raise PartnerError(_("A person can only be referred once they have agreed to it and their consent "
                             "is recorded."))
    if details.get("consent_method") not in ConsentMethod.values:
        raise PartnerError(_("Record how the person gave their consent."))
    partner = details.get("partner")
    if not isinstance(partner, Partner) or partner.agency_id != agency.pk:
        raise PartnerError(_("Choose a partner organisation."))
    service = details.get("service")
    if service is not None and service.partner_id != partner.pk:
        raise PartnerError(_("This service is not offered by the chosen partner."))
    if service is not None and not service.accepts_referrals:
        raise PartnerError(_("This service does not take referrals. Choose another one."))
    if details.get("reason") not in ReasonCategory.values:
        raise PartnerError(_("Choose the reason for the referral."))
    first_name = (details.get("first_name") or "").strip()
    contact = (details.get("contact") or "").strip()
    if not first_name or not contact:
        raise PartnerError(_("Give the person's first name and one way to reach them."))
    note = (details.get("note") or "").strip()
    if len(note) > 280:
        raise PartnerError(_("Keep the note short (280 characters at most)."))
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            agency=agency, partner=partner, service=service, referred_by=actor, person_first_name=first_name,
            person_contact=contact, consent_recorded=True, consent_method=details["consent_method"],
            reason=details["reason"], note=note, created_at=now,
            due_on=timezone.localdate(now, timezone=agency.zone) + timedelta(days=REFERRAL_RESPONSE_DAYS),
            source=(details.get("source") or "")[:100])
        audit.record("partners.referral_made", actor=actor, agency=agency, target=referral,
                     changes={"partner": partner.pk, "reason": referral.reason, "source": referral.source})
    return referral


def _require_partner_of(actor, referral: Referral) -> None:
    _require(actor, referral.agency, Action.HANDLE_REFERRALS)
    if Role.AGENCY_ADMIN in roles_of(actor, referral.agency):
        return
    partner = partner_of(actor, referral.agency)
    if partner is None or partner.pk != referral.partner_id:
        raise PermissionDenied(_("This referral was sent to another organisation."))


@transaction.atomic
def accept_referral(actor, referral: Referral) -> Referral:
    """The partner takes the person on. Only a referral still waiting can be accepted."""
    _require_partner_of(actor, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.SENT:
        raise PartnerError(_("This referral has already been answered."))
    referral.status, referral.responded_at = ReferralStatus.ACCEPTED, timezone.now()
    referral.save(update_fields=["status", "responded_at"])
    audit.record("partners.referral_accepted", actor=actor, agency=referral.agency, target=referral)
    return referral


@transaction.atomic
def decline_referral(actor, referral: Referral, *, reason: str) -> Referral:
    """The partner cannot take the person on, and says why (briefly), so the officer can look elsewhere."""
    _require_partner_of(actor, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.SENT:
        raise PartnerError(_("This referral has already been answered."))
    if not reason.strip():
        raise PartnerError(_("Say briefly why the referral is declined."))
    referral.status, referral.responded_at = ReferralStatus.DECLINED, timezone.now()
    referral.decline_reason = reason.strip()[:280]
    referral.save(update_fields=["status", "responded_at", "decline_reason"])
    audit.record("partners.referral_declined", actor=actor, agency=referral.agency, target=referral)
    return referral


@transaction.atomic
def report_outcome(actor, referral: Referral, *, outcome: str, note: str = "") -> Referral:
    """The partner reports what came of an accepted referral; the loop closes for the officer."""
    _require_partner_of(actor, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.ACCEPTED:
        raise PartnerError(_("An outcome can only be reported for a referral that was accepted."))
    if outcome not in ReferralOutcome.values:
        raise PartnerError(_("Choose the outcome."))
    referral.status, referral.outcome, referral.outcome_note = ReferralStatus.COMPLETED, outcome, note.strip()[:280]
    referral.completed_at = timezone.now()
    referral.save(update_fields=["status", "outcome", "outcome_note", "completed_at"])
    audit.record("partners.referral_outcome", actor=actor, agency=referral.agency, target=referral,
                 changes={"outcome": outcome})
    return referral


# ---------------------------------------------------------------- reading referrals

def overdue_filter(today: date) -> Q:
    """Still waiting after the due date, or accepted over 30 days ago without an outcome."""
    return (Q(status=ReferralStatus.SENT, due_on__lt=today)
            | Q(status=ReferralStatus.ACCEPTED,
                responded_at__lt=timezone.now() - timedelta(days=OUTCOME_EXPECTED_DAYS)))


def overdue_referrals(agency: Agency, today: date | None = None) -> QuerySet[Referral]:
    return scoped(Referral, agency).filter(overdue_filter(today or agency.today()))


def referrals_for_source(agency: Agency, source: str) -> QuerySet[Referral]:
    """The referrals made from one record of another app (e.g. source="crisis-response:12"), newest first.
    Callers show the person's details only where `can_see_person` allows."""
    if not source:
        return Referral.objects.none()
    return (scoped(Referral, agency).filter(source=source).select_related("partner", "service")
            .order_by("-created_at", "-id"))


def inbox(user, agency: Agency) -> QuerySet[Referral]:
    """The referrals a partner user handles: those to their own organisation (an admin sees all)."""
    listed = scoped(Referral, agency).select_related("partner", "service", "referred_by")
    if Role.AGENCY_ADMIN in roles_of(user, agency):
        return listed
    partner = partner_of(user, agency)
    return listed.filter(partner=partner) if partner else listed.none()


def made_by(user, agency: Agency) -> QuerySet[Referral]:
    return scoped(Referral, agency).filter(referred_by=user).select_related("partner", "service")
