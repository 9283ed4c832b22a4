"""Record refused requests, so that someone probing for other services' pages shows up in the log; clean what every
request brings before a view reads it; and keep what a person typed when their session ran out before they saved."""

import logging
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParser
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve

from workflow.http import client_ip

logger = logging.getLogger("accreditation.security")


class DeniedAccessLogMiddleware:
    """Logs every 403 and every 404 for a signed-in person (a 404 is how the app refuses objects it hides)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 or (response.status_code == 404 and request.user.is_authenticated):
            logger.warning(
                "Refused %s %s with %s for user %s from %s",
                request.method,
                request.path,
                response.status_code,
                getattr(request.user, "pk", None),
                client_ip(request) or "?",
            )
        return response


class KeepOddlyNamedFiles(MultiPartParser):
    """Django drops a file whose name sanitises to nothing ("..", ".", "/"), and the evidence form then saw no file at
    all: the person was told a note was added. Such a file is kept under the name "file"; evidence is stored under a
    generated name and downloaded under one made from its content type in any case."""

    def sanitize_file_name(self, file_name):
        return super().sanitize_file_name(file_name) or "file"


# C0 control characters but tab, line feed and carriage return: PostgreSQL refuses NUL in text, and none of the others
# is anything a person types. Removed from every query string and form before any view or form sees them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _without_control_characters(query: QueryDict) -> QueryDict:
    if not any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for key, values in query.lists()
    ):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(CONTROL_CHARACTERS.sub("", key), [CONTROL_CHARACTERS.sub("", value) for value in values])
    cleaned._mutable = False
    return cleaned


class RequestHygieneMiddleware:
    """Every query string and form arrives without control characters, and a form too large to read gets a page that
    says so (the typed text is still in the page the person came from) instead of Django's bare 400.

    It reads the form before any view, as CsrfViewMiddleware does for every form it protects: a view that needs its
    own upload handlers or parser must set them in FILE_UPLOAD_HANDLERS or here, not on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The parser must be chosen before the body is read, and this is the first thing that reads it.
        request.multipart_parser_class = KeepOddlyNamedFiles
        request.GET = _without_control_characters(request.GET)
        if request.method == "POST":
            try:
                request.POST = _without_control_characters(request.POST)
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as error:
                logger.warning("Refused an oversized form on %s: %s", request.path, error)
                return render(
                    request,
                    "413.html",
                    {"limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024},
                    status=413,
                )
        return self.get_response(request)


class PageGZipMiddleware(GZipMiddleware):
    """Django's gzip for pages (with its random padding against BREACH), but not for file downloads: evidence and
    award reports are PDFs, images and Office files that gzip cannot shrink, and a download keeps its length so the
    browser can show its progress."""

    def process_response(self, request, response):
        if response.has_header("Content-Disposition"):
            return response
        return super().process_response(request, response)


# Text posted by someone whose session had run out, kept in their new (signed-out) session until they sign in again:
# {page path: {"at": seconds since 1970, "fields": {name: [values]}}}.
KEPT_DRAFTS = "kept_drafts"
KEPT_DRAFT_SECONDS = 24 * 60 * 60
KEPT_DRAFT_PAGES = 5
KEPT_DRAFT_MAX_CHARACTERS = 100_000
# Never kept: the form's CSRF token (a new one comes with the page) and anything that looks like a secret.
NOT_KEPT = re.compile(r"csrfmiddlewaretoken|password|token|secret", re.IGNORECASE)
KEPT_MESSAGE = "We kept what you typed before you were signed out. Check it and save."
SIGNED_OUT_MESSAGE = (
    "You were signed out, so what you typed has not been saved yet. Sign in again and it will be back in the form."
)


# The pages that offer kept text back (their views call take_kept_draft): only for these is text kept, so nobody is
# told their text will be back where it would not be.
PAGES_THAT_KEEP_DRAFTS = {
    "portfolio:standard",
    "evidence:add",
    "reviews:score_value",
    "reviews:consensus",
    "reviews:report",
}


def _offers_drafts(path: str) -> bool:
    try:
        return resolve(path).view_name in PAGES_THAT_KEEP_DRAFTS
    except Resolver404:
        return False


def _page_typed_on(request) -> tuple[str, str]:
    """The page the form was on, as (path, path with its query string): where the browser says it came from (a button
    such as "Link" posts to an action's URL from the standard's page), if that is this site; else the URL posted to."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path.startswith("/"):
        return referer.path, f"{referer.path}?{referer.query}" if referer.query else referer.path
    return request.path, request.get_full_path()


def _text_fields(request) -> dict[str, list[str]] | None:
    """The posted text fields worth keeping (no files, tokens or passwords), or None if there are none or they are
    too large to keep in a session."""
    fields = {
        name: values for name, values in request.POST.lists() if not NOT_KEPT.search(name) and any(v for v in values)
    }
    size = sum(len(name) + sum(len(value) for value in values) for name, values in fields.items())
    if not fields or size > KEPT_DRAFT_MAX_CHARACTERS:
        return None
    return fields


class KeepTypedTextMiddleware:
    """A form posted by someone whose session has run out (or who signed out in another tab) is not lost: the page
    that needs sign-in sends them to sign in, and this keeps the form's text in their new session, bound to the page
    it was typed on, and sends them back to that page after signing in. Django's login() keeps session data when it
    changes the session key. The page then offers the text again (`take_kept_draft`) only if the person who signed in
    may edit it; it is shown once and forgotten.

    Only a POST that the app's own sign-in check turned away is kept: one refused by the CSRF check (a post from
    another site) never reaches it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (
            request.method == "POST"
            and not request.user.is_authenticated
            and response.status_code == 302
            and urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)
        ):
            return response
        page, back_to = _page_typed_on(request)
        if _offers_drafts(page) and (fields := _text_fields(request)) is not None:
            drafts = request.session.get(KEPT_DRAFTS, {})
            drafts[page] = {"at": int(time.time()), "fields": fields}
            newest = sorted(drafts.items(), key=lambda item: item[1]["at"], reverse=True)[:KEPT_DRAFT_PAGES]
            request.session[KEPT_DRAFTS] = dict(newest)
            messages.info(request, SIGNED_OUT_MESSAGE)
            response = redirect_to_login(back_to)
        if request.headers.get("HX-Request") == "true":
            # htmx would put the sign-in page inside the part it replaces: the whole page goes there instead.
            whole_page = HttpResponse(headers={"HX-Redirect": response["Location"]})
            whole_page.status_code = 204
            return whole_page
        return response


def take_kept_draft(request, *, message: str = KEPT_MESSAGE) -> dict[str, str] | None:
    """What this person typed on this page before their session ran out (each field's last value), once: the view
    calls this only where the signed-in person may edit the page, puts the text in its form, and the page says so."""
    drafts = request.session.get(KEPT_DRAFTS)
    if not drafts or request.path not in drafts:
        return None
    kept = drafts.pop(request.path)
    request.session[KEPT_DRAFTS] = drafts
    if time.time() - kept.get("at", 0) > KEPT_DRAFT_SECONDS:
        return None
    messages.info(request, message)
    return {name: values[-1] for name, values in kept.get("fields", {}).items()}
