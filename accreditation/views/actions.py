"""The one way a view calls a service: call it, show what went wrong where the person will see it, or say it worked.

Views in every app use these, so none of them writes its own try/except around a service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.shortcuts import redirect


def errors_onto_form(form: BaseForm, error: ValidationError, *, field: str | None = None) -> None:
    """A service's problems on the form: each on its own field where the form has it, the rest on `field` (a
    problem that can only be about one field, such as an upload's file) or at the top."""
    default = field if field in form.fields else None
    if hasattr(error, "error_dict"):
        for name, field_errors in error.error_dict.items():
            for message in ValidationError(field_errors).messages:
                form.add_error(name if name in form.fields else default, message)
    else:
        for message in error.messages:
            form.add_error(default, message)


def attempt[T](
    request,
    call: Callable[[], T],
    *,
    form: BaseForm | None = None,
    field: str | None = None,
    success: str | Callable[[T], str] = "",
) -> tuple[bool, T | None]:
    """Call a service. If it refuses (ValidationError), its messages go on `form` (those naming no field of the form
    on `field`, or at the top) or, without one, into the page's messages, and nothing is lost: the caller shows the
    same page again. If it succeeds, `success` is shown. Returns (done, what the service returned). PermissionDenied
    is not caught: it is a 403."""
    try:
        result = call()
    except ValidationError as error:
        if form is not None:
            errors_onto_form(form, error, field=field)
        else:
            for message in error.messages:
                messages.error(request, message)
        return False, None
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return True, result


def act(request, call: Callable[[], object], *, success: str | Callable[[object], str], then: str, **then_kwargs):
    """A button's action: call the service, say what happened (or what stopped it), and go to `then` either way."""
    attempt(request, call, success=success)
    return redirect(then, **then_kwargs)


def form_problems_to_messages(request, form: BaseForm) -> None:
    """For an action posted from a page that does not show the form itself: its errors as messages."""
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, message)


def act_on_form(
    request,
    form: BaseForm,
    call: Callable[[dict], object],
    *,
    success: str | Callable[[object], str],
    then: str,
    **then_kwargs,
):
    """A small form posted from a page that does not show it again (a reason, a note): if it is valid, call the
    service with its data; either way say what happened (or what stopped it) and go to `then`."""
    if form.is_valid():
        attempt(request, lambda: call(form.cleaned_data), success=success)
    else:
        form_problems_to_messages(request, form)
    return redirect(then, **then_kwargs)
