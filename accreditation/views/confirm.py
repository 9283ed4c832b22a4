"""Check before doing what cannot be undone, and say what was done after it: the GOV.UK "check your answers" and
"confirmation" patterns, one mechanism for every such action (submitting a portfolio, releasing or finalising a
review report, recording the panel's decision, suspending, revoking or reinstating an award, recording its interim
review).

1. The person answers the action's form (or follows its link when there is nothing to type). A valid first POST (or
   the GET, when there is nothing to type) does nothing: it shows the check page, a summary list of what will happen
   in words, each answer with a "Change" that goes back to the form with the answers kept, and one primary button.
2. The check page posts every answer again in hidden fields, with `confirmed=yes`. The view validates them from
   scratch (the check step is never trusted) and calls the service once; a second confirm finds the work done and
   says so instead of doing it twice.
3. Success redirects (post/redirect/get) to a confirmation page: a panel with the reference, and what happens next.
   It is a GET URL, reachable again by the people who may see the object, and by nobody else (404).

Views in every app use these; the pages are templates/confirm/check.html and templates/confirm/done.html."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.shortcuts import render

from .actions import errors_onto_form

CONFIRMED = "confirmed"  # the check page's primary button: `confirmed=yes`
CHANGE = "change"  # a "Change" button: back to the form, with the answers, at this field
NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED, CHANGE}


def confirming(request) -> bool:
    """The person pressed the check page's primary button."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "yes"


def changing(request) -> bool:
    """The person pressed one of the check page's "Change" buttons: show the form again, filled in."""
    return request.method == "POST" and CHANGE in request.POST


def carried(request) -> list[tuple[str, str]]:
    """Everything the form posted (but the token and the step buttons), to go into the check page's hidden fields."""
    if request.method != "POST":
        return []
    return [(name, value) for name in request.POST if name not in NOT_CARRIED for value in request.POST.getlist(name)]


class _Rehearsal(Exception):
    """Raised at the end of a rehearsal, so that its transaction rolls back; it carries what the service returned."""

    def __init__(self, result):
        super().__init__()
        self.result = result


def rehearse[T](
    request, call: Callable[[], T], *, form: BaseForm | None = None, field: str | None = None
) -> tuple[bool, T | None]:
    """Would the service do it? Call it, then roll back everything it wrote (audit events, notices queued for the
    commit, the state), so that the check page shows a service's refusal on the form before the person confirms,
    and changes nothing. Returns (it would, what it returned: objects as they were before the rollback, for the
    check page to say what would follow, never to be saved). Its problems go on `form` as `actions.attempt` puts
    them. PermissionDenied is a 403."""
    try:
        with transaction.atomic():
            raise _Rehearsal(call())
    except _Rehearsal as rehearsal:
        return True, rehearsal.result
    except ValidationError as error:
        if form is not None:
            errors_onto_form(form, error, field=field)
        return False, None


@dataclass(frozen=True)
class Answer:
    """One row of the check page's summary list."""

    key: str
    value: str
    # "Change" as a link to where this is changed (saved elsewhere: the report, the portfolio) ...
    change_url: str = ""
    # ... or as a button posting the answers back to the form, which opens at the field with this id.
    change_field: str = ""
    change_words: str = ""  # what "Change" changes, for screen readers ("the reason")
    multiline: bool = False


@dataclass
class Check:
    """What the check page says: what will happen, and the one button that makes it happen."""

    title: str  # "Check before you suspend the award"
    caption: str  # what it is about: "Award EE-2026-0042 · Willow Ward"
    answers: list[Answer]
    happens: list[str]  # what will happen, in words, a paragraph each
    button: str  # "Confirm and suspend the award"
    action: str  # where the button posts
    back_url: str  # where "Cancel" goes: nothing is done
    change_action: str = ""  # where "Change" buttons post the answers (the form's page); defaults to `action`
    carry: list[tuple[str, str]] = field(default_factory=list)  # the answers, in hidden fields
    warning: str = ""  # "You cannot undo this."
    style: str = "primary"
    form: BaseForm | None = None  # a question answered on the check page itself (the interim review's date)
    problems: list[str] = field(default_factory=list)  # what stands in the way now: no button until they are done
    back_words: str = "Cancel"


@dataclass
class Done:
    """What the confirmation page says: the panel's title and reference, and what happens next."""

    title: str  # "Award suspended"
    reference_words: str  # "Award reference"
    reference: str
    happens_next: list[str]
    links: list[tuple[str, str]]  # (words, url): where to go on from here
    caption: str = ""
    details: list[Answer] = field(default_factory=list)  # a few facts under the panel (dates, the reason)


def check_page(request, check: Check, *, status: int = 200, **context):
    if not check.change_action:
        check.change_action = check.action
    return render(request, "confirm/check.html", {"check": check, "form": check.form, **context}, status=status)


def done_page(request, done: Done, **context):
    return render(request, "confirm/done.html", {"done": done, **context})
