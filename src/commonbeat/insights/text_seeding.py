"""The demo's themes: every app's residents' texts analysed, grouped into themes over the last 12 full months,
and a few quotes approved by the demo engagement staff member. It runs after every other app's seeding step, on
the texts they seeded."""

import time

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Action, Role, can
from commonbeat.core.seeding import SeedContext

from .models import ThemeRun
from .text import analysis, quotes, topics

ORDER = 100
MONTHS = 12
APPROVED_THEMES = 6  # themes that get one approved quote each


def _reviewer(agency):
    # The engagement staff member reviews, as in a real department; an admin only when there is none.
    memberships = Membership.objects.filter(agency=agency).select_related("user")
    for membership in sorted(memberships, key=lambda m: (m.role != Role.ENGAGEMENT_STAFF, m.pk)):
        if can(membership.user, agency, Action.REVIEW_REDACTIONS):
            return membership.user
    return None


def seed(context: SeedContext) -> None:
    started = time.perf_counter()
    agency = context.agency
    analysed = analysis.analyse_texts(agency)
    run = topics.build_themes(agency, *topics.last_full_months(agency, MONTHS))
    if run.status == ThemeRun.Status.UNAVAILABLE:
        context.log.append(f"{agency.name}: {analysed} texts analysed; no themes, the model could not be loaded "
                           f"({run.message})")
        return
    approved = 0
    reviewer = _reviewer(agency)
    if reviewer is not None:
        for theme in run.themes.order_by("position")[:APPROVED_THEMES]:
            for quote in theme.quotes.filter(status="pending").order_by("position"):
                try:
                    quotes.approve_quote(reviewer, agency, quote.pk, quote.proposed_text)
                except quotes.StillPersonal:
                    continue
                approved += 1
                break
    context.log.append(f"{agency.name}: {analysed} texts analysed, {run.themes.count()} themes from {run.texts} "
                       f"texts, {approved} quotes approved ({time.perf_counter() - started:.1f} s)")
