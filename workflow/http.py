"""Who is on the other end of a request, for the sign-in throttle, the certificate-check limit and the security log."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of the person making the request, or None when the server was not told one.

    With no proxy in front (TRUSTED_PROXY_HOPS = 0) that is the peer of the connection. Behind proxies, each one
    appends the address it was connected from to X-Forwarded-For, so the entry the outermost trusted proxy added is
    the `hops`-th from the right; anything further left came from the client and proves nothing. A header shorter
    than the trusted chain means the request did not come through it, and the peer is all we know."""
    peer = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return peer
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return peer
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
