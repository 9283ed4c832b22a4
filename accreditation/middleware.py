"""Record refused requests, so that someone probing for other services' pages shows up in the log."""

import logging

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
