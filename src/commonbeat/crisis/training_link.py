"""Which officers hold the 40-hour crisis intervention training (CIT-40), read from the training app.

The training app offers no query function for this yet, so its `TrainingRecord` is read here, read-only: the
latest completion of a course in the crisis-intervention category, per officer. Nothing here writes training data.
"""

from datetime import date

from django.db.models import Max

from commonbeat.core.models import Agency
from commonbeat.core.tenancy import scoped
from commonbeat.training.models import Category, TrainingRecord


def crisis_training_completions(agency: Agency, officer_ids) -> dict[int, date]:
    """{officer id: the day of their latest crisis intervention (CIT-40) completion}, for those who hold one."""
    officer_ids = [pk for pk in officer_ids if pk is not None]
    if not officer_ids:
        return {}
    rows = (scoped(TrainingRecord, agency)
            .filter(officer_id__in=officer_ids, course__category=Category.CRISIS_INTERVENTION)
            .values("officer_id").annotate(latest=Max("completed_on")).order_by())
    return {row["officer_id"]: row["latest"] for row in rows}
