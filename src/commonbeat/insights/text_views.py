"""Staff pages of text intelligence: the themes of residents' words with exact counts, and the review of quotes
before any is published."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core.tenancy import scoped

from .models import ThemeQuote
from .text import quotes as review
from .text import topics

QUEUE_PAGE = 100


class QuoteReviewForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Text to publish"), required=False,
                           max_length=review.MAX_PUBLISHED_CHARACTERS,
                           widget=forms.Textarea(attrs={"rows": 4, "class": "usa-textarea"}),
                           help_text=gettext_lazy("Correct the redaction if anything personal is left: a name, a "
                                                  "place that points to one home, a phone number, a plate."))
    confirmed = forms.BooleanField(label=gettext_lazy("I have read it: nothing in it identifies anyone"),
                                   required=False)


@staff_required(Action.VIEW_THEMES)
@require_safe
def themes(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/text/themes.html", {"overview": topics.overview(request.agency)})


@staff_required(Action.REVIEW_REDACTIONS)
@require_safe
def quote_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/text/quotes.html", {
        "quotes": review.pending(request.agency)[:QUEUE_PAGE], "waiting": review.pending(request.agency).count()})


@staff_required(Action.REVIEW_REDACTIONS)
def quote_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One quote: approve the text typed (checked again for personal details) or reject it."""
    quote = scoped(ThemeQuote, request.agency).select_related("theme", "analysis").filter(pk=pk).first()
    if quote is None:
        raise Http404(_("This quote does not exist."))
    form = QuoteReviewForm(request.POST or None, initial={"text": quote.proposed_text})
    still_personal = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("decision") == "reject":
                review.reject_quote(request.user, request.agency, quote.pk)
                messages.success(request, _("The quote will not be published."))
            else:
                review.approve_quote(request.user, request.agency, quote.pk, form.cleaned_data["text"],
                                     confirmed=form.cleaned_data["confirmed"])
                messages.success(request, _("The quote is approved and may be published."))
            return redirect("insights:theme_quotes")
        except review.StillPersonal as found:
            still_personal, status = found.excerpts(), 400
        except review.QuoteReviewError as error:
            form.add_error("text", str(error))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "insights/text/quote.html", {
        "quote": quote, "form": form, "still_personal": still_personal}, status=status)


urlpatterns = [
    path("console/themes/", themes, name="themes"),
    path("console/themes/quotes/", quote_queue, name="theme_quotes"),
    path("console/themes/quotes/<int:pk>/", quote_review, name="theme_quote"),
]
