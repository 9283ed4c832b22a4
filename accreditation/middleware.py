"""Record refused requests, so that someone probing for other services' pages shows up in the log; and clean what
every request brings before a view reads it."""

import logging
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render

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
