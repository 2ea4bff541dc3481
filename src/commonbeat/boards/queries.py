"""What other apps and the public pages read from boards: published meetings (also as iCalendar entries), and
the board's make-up compared with the community's.

`meeting_entries` is the public query other apps use to put board meetings in their own feeds.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from commonbeat.core import ical
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import text_in
from commonbeat.surveys.instrument import AGE_BANDS, GENDERS, RACES

from .models import Board, Meeting, MemberStatus

# A board is small: its make-up is shown (as shares, never counts or names) only when at least this many
# serving members declared the characteristic, so that no single member's answer stands out.
MIN_DECLARED = 5
GROUPS = {"age_band": AGE_BANDS, "gender": GENDERS, "race_ethnicity": RACES}


def public_meetings(agency: Agency) -> QuerySet:
    """Meetings whose notice has been published, newest last."""
    return scoped(Meeting, agency).filter(notice_published_at__isnull=False).select_related("board")


def meeting_entry(meeting: Meeting, language: str) -> ical.CalendarEntry:
    agency = meeting.agency
    with translation.override(language):
        page = agency.absolute_url(reverse("boards:meeting", args=[meeting.pk]))
        title = _("%(board)s meeting") % {"board": meeting.board.name_in(language)}
    return ical.CalendarEntry(
        uid=ical.uid(agency, f"board-meeting-{meeting.pk}"), starts_at=meeting.starts_at, ends_at=meeting.ends_at,
        title=title, description=meeting.agenda_in(language), location=meeting.place, url=page,
        categories=(meeting.board.name_in(language),), cancelled=meeting.is_cancelled,
        updated_at=meeting.updated_at)


def meeting_entries(agency: Agency, since: datetime, language: str,
                    board: Board | None = None) -> list[ical.CalendarEntry]:
    """Published meetings ending after `since` as calendar entries (cancelled ones included, marked so)."""
    meetings = public_meetings(agency).filter(ends_at__gte=since).select_related("agency")
    if board is not None:
        meetings = meetings.filter(board=board)
    return [meeting_entry(meeting, language) for meeting in meetings]


@dataclass
class GroupShare:
    code: str
    label: str
    board_percent: int | None
    community_percent: int | None


@dataclass
class Characteristic:
    key: str
    title: str
    declared: int
    shown: bool
    groups: list[GroupShare] = field(default_factory=list)


def community_census(agency: Agency) -> dict[str, dict[str, int]]:
    """The census make-up of all the agency's neighbourhoods, added up."""
    totals: dict[str, dict[str, int]] = {key: {} for key in GROUPS}
    for census in scoped(Neighbourhood, agency).values_list("census", flat=True):
        for key in GROUPS:
            for code, count in (census or {}).get(key, {}).items():
                totals[key][code] = totals[key].get(code, 0) + int(count)
    return totals


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def make_up(board: Board, language: str) -> list[Characteristic]:
    """For each characteristic (age, gender, race or ethnicity): the share of serving members in each group
    among those who declared it, beside the community's share from the census. Shares only, and only when at
    least MIN_DECLARED members declared, so nobody's answer can be told apart."""
    census = community_census(board.agency)
    members = list(board.members.filter(status=MemberStatus.ACTIVE).values("age_band", "gender", "race_ethnicity"))
    titles = {"age_band": _("Age"), "gender": _("Gender"), "race_ethnicity": _("Race or ethnicity")}
    result = []
    for key, rows in GROUPS.items():
        declared = [member[key] for member in members if member[key]]
        shown = len(declared) >= MIN_DECLARED
        community_total = sum(census[key].values())
        groups = [GroupShare(code=code, label=text_in({"en": en, "es": es}, language),
                             board_percent=_percent(declared.count(code), len(declared)) if shown else None,
                             community_percent=_percent(census[key].get(code, 0), community_total))
                  for code, en, es in rows]
        result.append(Characteristic(key=key, title=titles[key], declared=len(declared), shown=shown, groups=groups))
    return result
