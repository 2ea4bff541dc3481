"""Beta's themes and a quote waiting for review, for tests/core/test_isolation.py: Alpha's admin must never reach
them. Made without the embedding model, so the isolation test stays quick."""

from datetime import date

from django.utils import timezone

from commonbeat.insights.models import TextAnalysis, TextSource, Theme, ThemeCount, ThemeQuote, ThemeRun


def beta_themes(other_agency) -> None:
    now = timezone.now()
    run = ThemeRun.objects.create(agency=other_agency, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                                  texts=12, model_version="beta", started_at=now, finished_at=now)
    theme = Theme.objects.create(agency=other_agency, run=run, keywords=["beta"], label="Beta theme", texts=12)
    ThemeCount.objects.create(agency=other_agency, theme=theme, month=date(2026, 3, 1), texts=12)
    analysis = TextAnalysis.objects.create(agency=other_agency, source=TextSource.CONCERN, source_id=1,
                                           written_on=date(2026, 3, 1), redacted_text="Beta concern",
                                           model_version="beta", analysed_at=now)
    ThemeQuote.objects.create(agency=other_agency, theme=theme, analysis=analysis, proposed_text="Beta concern")


def themes_routes(beta_agency) -> dict:
    quote = ThemeQuote.objects.get(agency=beta_agency)
    return {"console/themes/quotes/<int:pk>/": f"/console/themes/quotes/{quote.pk}/"}
