"""One-time form tokens: each rendering of a form carries a fresh token, and the service stores what was sent
with it once, so a double click, a re-sent page or a retry after a lost connection never makes a duplicate."""

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def new_token() -> str:
    return uuid.uuid4().hex


def valid_token(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError):
        return False
    return True


def keep_token(form, field: str = "submission_token") -> None:
    """Give a new form a fresh token; a form sent without a valid one gets a fresh one too."""
    if not form.is_bound:
        form.initial.setdefault(field, new_token())
    elif not valid_token(form.data.get(field, "")):
        form.data = form.data.copy()
        form.data[field] = new_token()


SUBMISSION_TOKEN_SECONDS = 24 * 60 * 60


def create_once(request, form, scope: str, create, done: str, target, *, refused: type[Exception] | tuple = ()):
    """Run `create()` once per rendering of a creating form: the form's one-time token (`submission_token`) is
    claimed in the cache atomically, so a double click's second request creates nothing, and a repeat is sent to
    what the first request made (`target(pk)` is its address). A `refused` error is shown on the form, with what
    was typed, and frees the token for the corrected form.

    With a shared cache (REDIS_URL) this holds across processes; without one, within a process, and the redirect
    after each POST still keeps a reload from sending the form again. Returns a redirect, or None to show the
    form again."""
    key = f"commonbeat:{scope}:{request.agency.pk}:{form.cleaned_data['submission_token']}"
    if not cache.add(key, 0, SUBMISSION_TOKEN_SECONDS):
        earlier = cache.get(key)
        if earlier:
            messages.info(request, _("This was already saved; here it is."))
            return redirect(target(earlier))
        messages.info(request, _("This is being saved already; it appears in the list in a moment."))
        return None
    try:
        created = create()
    except refused as error:
        cache.delete(key)
        form.add_error(None, str(error))
        return None
    except BaseException:
        cache.delete(key)
        raise
    cache.set(key, created.pk, SUBMISSION_TOKEN_SECONDS)
    messages.success(request, done)
    return redirect(target(created.pk))


def run_form(request, form, perform, done: str, success_url: str, show_page, *,
             refused: type[Exception] | tuple = ()):
    """Run one service for one of the forms on a page (`perform(cleaned_data)`): on success, a message and a
    redirect to `success_url`; a mistake or a `refused` error shows the page again (`show_page()`) with the form
    as it was sent and the reason."""
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(success_url)
    return show_page()
