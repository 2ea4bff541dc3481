"""Whole calendar months, the period every published figure is counted over."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

DEFAULT_MONTHS = 24


def add_months(first_of_month: date, months: int) -> date:
    """The first day of the month `months` after (or before, when negative) `first_of_month`."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole calendar months: from the first day of `first_month`, `months` months long."""

    first_month: date
    months: int

    @classmethod
    def last_full_months(cls, today: date, months: int = DEFAULT_MONTHS) -> "Period":
        """The `months` months that ended before the current month began."""
        return cls(add_months(today.replace(day=1), -months), months)

    @property
    def month_starts(self) -> list[date]:
        return [add_months(self.first_month, step) for step in range(self.months)]

    @property
    def end(self) -> date:
        """The first day after the period."""
        return add_months(self.first_month, self.months)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def bounds(self, tz: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes at midnight in the agency's time zone."""
        return (timezone.make_aware(datetime.combine(self.first_month, time.min), tz),
                timezone.make_aware(datetime.combine(self.end, time.min), tz))
