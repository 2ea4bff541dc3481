"""Themes: texts grouped by what they say, counted by neighbourhood and month, shown to staff with exact counts
and to the public with small counts hidden; quotes proposed only from short texts that are not report
narratives."""

import re
from datetime import date

import numpy as np
import pytest
from django.core.management import call_command

from commonbeat.accounts.roles import Role
from commonbeat.core.audit import AuditEvent
from commonbeat.insights.models import TextSource, Theme, ThemeCount, ThemeQuote, ThemeRun
from commonbeat.insights.text import analysis, embeddings, topics

from ..factories import signed_in_client
from .helpers import at
from .theme_helpers import (
    BREAK_INS,
    LIGHTING,
    SPEEDING,
    concern,
    north,
    policy_comment,
    report,
    south,
    survey_for,
    top_issues,
)

pytestmark = pytest.mark.django_db
PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture(scope="module", autouse=True)
def model():
    """The real sentence-embedding model, loaded once for the module."""
    assert embeddings.available(), embeddings.failure()


MARKS = {"speeding": ("speed", "drivers", "traffic"), "break-ins": ("break", "theft", "burglar", "thie"),
         "lighting": ("light", "lamp", "dark")}


def topic_of(text: str) -> str:
    return next(name for name, texts in (("speeding", SPEEDING), ("break-ins", BREAK_INS), ("lighting", LIGHTING))
                if text in texts)


def themes_of(run) -> dict[str, list[Theme]]:
    """{"speeding" | "break-ins" | "lighting": the themes whose keywords are about it}."""
    found: dict[str, list[Theme]] = {name: [] for name in MARKS}
    for theme in run.themes.all():
        words = " ".join(theme.keywords)
        name = next((name for name, marks in MARKS.items() if any(mark in words for mark in marks)), None)
        if name:
            found[name].append(theme)
    return found


@pytest.fixture
def city(agency, cast):
    """North writes mostly about speeding, South mostly about street lighting; both about break-ins."""
    survey = survey_for(agency, cast)
    top_issues(survey, north(agency), at(2026, 3), SPEEDING * 4 + LIGHTING)
    top_issues(survey, south(agency), at(2026, 3), LIGHTING * 4 + SPEEDING)
    top_issues(survey, north(agency), at(2026, 4), BREAK_INS * 2)
    top_issues(survey, south(agency), at(2026, 4), BREAK_INS * 2)
    analysis.analyse_texts(agency)
    return survey


def test_group_puts_texts_that_say_the_same_thing_together():
    texts = SPEEDING * 2 + BREAK_INS * 2 + LIGHTING * 2
    grouping = topics.group(texts, embeddings.encode(texts), ["en"] * len(texts))
    topics_in = {}
    for text, label in zip(texts, grouping.labels.tolist(), strict=True):
        topics_in.setdefault(label, set()).add(topic_of(text))
    assert all(len(found) == 1 for found in topics_in.values())  # no theme mixes two subjects
    assert 3 <= len(topics_in) <= topics.MAX_THEMES
    assert -1 <= grouping.silhouette <= 1 and grouping.silhouette > 0.1
    keywords = " ".join(" ".join(words) for words in grouping.keywords)
    assert "speed" in keywords and "light" in keywords


def test_group_is_repeatable_and_names_themes_without_stopwords():
    texts = SPEEDING + BREAK_INS + LIGHTING + ["Speeding cars", "Exceso de velocidad en nuestra calle"]
    vectors = embeddings.encode(texts)
    first, second = topics.group(texts, vectors, ["en"] * len(texts)), topics.group(texts, vectors, ["en"] * len(texts))
    assert np.array_equal(first.labels, second.labels) and first.keywords == second.keywords
    every = {word for words in first.keywords for phrase in words for word in phrase.split()}
    assert every and not every & {"the", "our", "de", "en", "la", "please", "name"}


def test_keywords_leave_out_redaction_labels():
    keywords = topics.keywords_of(["[name] speeding [phone number]", "speeding cars [name]"], np.array([0, 0]))
    assert "name" not in " ".join(keywords[0]) and "speeding" in keywords[0]


def test_a_run_counts_each_theme_by_neighbourhood_and_month(agency, city):
    run = topics.build_themes(agency, *PERIOD)
    assert run.status == ThemeRun.Status.FINISHED and run.texts == 84 and run.finished_at
    found = themes_of(run)
    assert all(found.values()) and sum(len(themes) for themes in found.values()) == run.themes.count()
    counts = {}
    for row in ThemeCount.objects.filter(theme__in=found["speeding"]):
        counts[(row.neighbourhood_id, row.month)] = counts.get((row.neighbourhood_id, row.month), 0) + row.texts
    assert counts == {(north(agency).id, date(2026, 3, 1)): 24, (south(agency).id, date(2026, 3, 1)): 6,
                      (None, date(2026, 3, 1)): 30}
    assert sum(theme.texts for theme in run.themes.all()) == 84
    city_rows = ThemeCount.objects.filter(theme__run=run, neighbourhood__isnull=True)
    assert sum(row.texts for row in city_rows) == 84
    assert all(row.sentiment is None or -1 <= row.sentiment <= 1 for row in city_rows)
    event = AuditEvent.objects.get(agency=agency, action="insights.themes_built")
    assert event.changes["texts"] == 84


def test_quotes_come_from_short_answers_concerns_and_comments_never_reports(agency, cast, city):
    report(agency, "Speeding cars on our street", north(agency), at(2026, 3, 2))
    concern(agency, "Cars speeding near the school, Maria Lopez saw it", north(agency), at(2026, 3, 3))
    policy_comment(agency, cast, "Speeding drivers " * 30, north(agency))
    analysis.analyse_texts(agency)
    run = topics.build_themes(agency, *PERIOD)
    quotes = ThemeQuote.objects.filter(theme__run=run).select_related("analysis")
    assert quotes.exists()
    assert all(quote.analysis.source != TextSource.REPORT for quote in quotes)
    assert all(len(quote.proposed_text) <= topics.QUOTE_MAX_CHARACTERS for quote in quotes)
    assert all(quote.status == ThemeQuote.Status.PENDING and quote.published_text == "" for quote in quotes)
    assert all(quote.proposed_text == quote.analysis.redacted_text for quote in quotes)
    assert all(quotes.filter(theme=theme).count() <= topics.QUOTES_PER_THEME for theme in run.themes.all())
    assert not any("Maria" in quote.proposed_text for quote in quotes)
    wordings = [quote.proposed_text.lower() for quote in quotes.filter(theme__in=themes_of(run)["speeding"])]
    assert len(wordings) == len(set(wordings))


def test_without_the_model_the_run_says_why(agency, city, monkeypatch):
    monkeypatch.setattr(embeddings, "available", lambda: False)
    monkeypatch.setattr(embeddings, "failure", lambda: "OSError: no model files")
    run = topics.build_themes(agency, *PERIOD)
    assert run.status == ThemeRun.Status.UNAVAILABLE and "no model files" in run.message
    assert not run.themes.exists()
    assert AuditEvent.objects.filter(agency=agency, action="insights.themes_unavailable").exists()


def test_staff_see_exact_counts_and_the_model_status(agency, cast, city, monkeypatch):
    run = topics.build_themes(agency, *PERIOD)
    small = ThemeCount.objects.filter(theme__run=run, neighbourhood__isnull=False, texts__lt=11).first()
    assert small is not None  # South's six speeding answers
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    page = client.get("/console/themes/").content.decode()
    assert "is loaded" in page
    assert re.search(rf"<td[^>]*>\s*{small.texts}\s*</td>", page)  # exact, not hidden
    assert "Mar 2026" in page and "Mean sentiment" in page
    monkeypatch.setattr(embeddings, "available", lambda: False)
    monkeypatch.setattr(embeddings, "failure", lambda: "OSError: no model files")
    topics.build_themes(agency, *PERIOD)
    page = client.get("/console/themes/").content.decode()
    assert "could not be loaded" in page and "OSError: no model files" in page


def test_the_themes_page_is_for_roles_that_may_see_themes(agency, cast, client):
    assert client.get("/console/themes/").status_code == 302
    assert signed_in_client(cast[Role.OFFICER]).get("/console/themes/").status_code == 403
    assert signed_in_client(cast[Role.INVESTIGATOR]).get("/console/themes/").status_code == 200


def _worries(page: str) -> str:
    return page[page.index('id="worries"'):]


def _first_theme(section: str, heading_id: str) -> str:
    part = section[section.index(f'id="{heading_id}"'):]
    return re.search(r'<tbody>\s*<tr><th scope="row">([^<]+)</th>', part).group(1)


def test_the_dashboard_shows_each_neighbourhoods_own_themes(agency, city, client):
    run = topics.build_themes(agency, *PERIOD)
    found = themes_of(run)
    north_page = _worries(client.get(f"/trust/?neighbourhood={north(agency).slug}").content.decode())
    south_page = _worries(client.get(f"/trust/?neighbourhood={south(agency).slug}").content.decode())
    assert _first_theme(north_page, "worries-neighbourhood-heading") in {t.label for t in found["speeding"]}
    assert _first_theme(south_page, "worries-neighbourhood-heading") in {t.label for t in found["lighting"]}
    assert "What people are worried about" in north_page
    assert "figure-themes-city" in north_page and "figure-themes-neighbourhood" in north_page


def test_the_dashboard_hides_counts_from_one_to_ten(agency, city, client):
    topics.build_themes(agency, *PERIOD)
    section = _worries(client.get(f"/trust/?neighbourhood={south(agency).slug}").content.decode())
    place = section[section.index('id="worries-neighbourhood-heading"'):]
    table = place[:place.index("</table>")]
    shown = [int(value) for value in re.findall(r'<td class="text-right font-mono-xs">(\d+)</td>', table)]
    assert shown and all(value == 0 or value >= 11 for value in shown)
    assert "not shown" in table  # South's six speeding answers


def test_the_dashboard_says_plainly_when_there_are_no_themes(agency, client, monkeypatch):
    page = client.get("/trust/").content.decode()
    assert "have not been grouped into themes yet" in page
    monkeypatch.setattr(embeddings, "available", lambda: False)
    monkeypatch.setattr(embeddings, "failure", lambda: "OSError: no model files")
    topics.build_themes(agency, *PERIOD)
    page = client.get("/trust/").content.decode()
    assert "could not be loaded" in page


def test_the_dashboard_only_reads_the_agencys_own_themes(agency, other_agency, city, client):
    topics.build_themes(agency, *PERIOD)
    page = client.get("/trust/", HTTP_HOST="beta.test").content.decode()
    assert "have not been grouped into themes yet" in page


def test_the_command_builds_the_last_full_months(agency, city, capsys):
    call_command("build_themes", "--agency", agency.slug, "--months", "3")
    run = ThemeRun.objects.get(agency=agency)
    assert run.period_end.day != 1 and (run.period_end.replace(day=1) - run.period_start).days < 93
    assert "themes from" in capsys.readouterr().out

