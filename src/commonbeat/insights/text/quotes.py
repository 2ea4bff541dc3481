"""Review of theme quotes before publication. Staff who may review redactions read the automatic redaction,
correct the text to publish, and approve or reject it; a quote is shown to the public only once approved, and
only as staff approved it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency
from commonbeat.core.tenancy import scoped

from . import redaction

MAX_PUBLISHED_CHARACTERS = 400


class QuoteReviewError(Exception):
    """A decision on a quote that cannot be made, with a message a person can read."""


@dataclass
class StillPersonal(Exception):  # noqa: N818 - it is a finding, raised to stop an approval
    """The text typed for publication still looks as if it holds personal details."""

    found: list[redaction.Found]
    text: str

    def excerpts(self) -> list[tuple[str, str]]:
        """(kind label, the words found) for each detail, to show the reviewer what to look at."""
        return [(str(redaction.LABELS.get(span.kind, redaction.LABELS["contact"])), self.text[span.start:span.end])
                for span in self.found]


def _check(actor, agency: Agency) -> None:
    if not can(actor, agency, Action.REVIEW_REDACTIONS):
        raise PermissionDenied


def pending(agency: Agency):
    """The quotes waiting for review, newest run first."""
    from ..models import ThemeQuote

    return scoped(ThemeQuote, agency).filter(status=ThemeQuote.Status.PENDING).select_related(
        "theme", "theme__run", "analysis").order_by("-theme__run__started_at", "theme__position", "position")


def _pending_quote(agency: Agency, quote_id: int):
    from ..models import ThemeQuote

    quote = scoped(ThemeQuote, agency).select_for_update().filter(pk=quote_id).first()
    if quote is None:
        raise QuoteReviewError(_("This quote does not exist."))
    if quote.status != ThemeQuote.Status.PENDING:
        raise QuoteReviewError(_("This quote has already been reviewed."))
    return quote


def approve_quote(actor, agency: Agency, quote_id: int, text: str, *, confirmed: bool = False):
    """Publish `text` as the quote. The text is checked again for personal details: when something still looks
    personal, the approval stops (StillPersonal) unless the reviewer has confirmed it is not."""
    from ..models import ThemeQuote

    _check(actor, agency)
    text = " ".join((text or "").split())
    if not text:
        raise QuoteReviewError(_("Enter the text to publish, or reject the quote."))
    if len(text) > MAX_PUBLISHED_CHARACTERS:
        raise QuoteReviewError(_("A quote is at most %(count)s characters.") % {"count": MAX_PUBLISHED_CHARACTERS})
    found = redaction.find(text, "", agency=agency)
    if found and not confirmed:
        raise StillPersonal(found, text)
    with transaction.atomic():
        quote = _pending_quote(agency, quote_id)
        quote.published_text, quote.status = text, ThemeQuote.Status.APPROVED
        quote.reviewed_by, quote.reviewed_at = actor, timezone.now()
        quote.save(update_fields=["published_text", "status", "reviewed_by", "reviewed_at"])
        audit.record("insights.quote_approved", actor=actor, agency=agency, target=quote,
                     changes={"edited": text != quote.proposed_text,
                              "confirmed_despite": sorted({span.kind for span in found})})
    return quote


def reject_quote(actor, agency: Agency, quote_id: int):
    """Keep the quote from publication."""
    from ..models import ThemeQuote

    _check(actor, agency)
    with transaction.atomic():
        quote = _pending_quote(agency, quote_id)
        quote.status, quote.published_text = ThemeQuote.Status.REJECTED, ""
        quote.reviewed_by, quote.reviewed_at = actor, timezone.now()
        quote.save(update_fields=["published_text", "status", "reviewed_by", "reviewed_at"])
        audit.record("insights.quote_rejected", actor=actor, agency=agency, target=quote)
    return quote
