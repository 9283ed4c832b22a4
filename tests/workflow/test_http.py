"""The real client address: from X-Forwarded-For only as far as TRUSTED_PROXY_HOPS trusts it, and used by every
limit and log that names a visitor."""

import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse

from workflow.http import client_ip


def request_from(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("hops", "peer", "forwarded", "expected"),
    [
        # No proxy: the header is the client's own words and is ignored.
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # One proxy (the load balancer at 10.0.0.2) appends the address it was connected from.
        (1, "10.0.0.2", "203.0.113.7", "203.0.113.7"),
        (1, "10.0.0.2", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client sent its own header first
        (1, "10.0.0.2", "1.1.1.1,2.2.2.2 ,  203.0.113.7", "203.0.113.7"),
        # Two proxies (CDN, then load balancer): the CDN's entry is second from the right.
        (2, "10.0.0.2", "203.0.113.7, 192.0.2.50", "203.0.113.7"),
        (2, "10.0.0.2", "198.51.100.1, 203.0.113.7, 192.0.2.50", "203.0.113.7"),
        (2, "10.0.0.2", "2001:db8::1, 192.0.2.50", "2001:db8::1"),
        # A request that did not pass through the whole chain, or a garbled entry: only the peer is known.
        (2, "10.0.0.2", "192.0.2.50", "10.0.0.2"),
        (1, "10.0.0.2", None, "10.0.0.2"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "203.0.113.7, not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "203.0.113.7, <script>", "10.0.0.2"),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_added(settings, hops, peer, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(request_from(peer, forwarded)) == expected


def test_no_peer_address_is_none(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) is None


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_HOPS = 1


def test_the_certificate_check_limit_counts_the_client_not_the_load_balancer(client, settings, behind_one_proxy, db):
    settings.VERIFY_RATE_PER_MINUTE = 3
    url = reverse("public:verify", args=["NOSUCHCODE01"])
    # Every request arrives from one of two load balancers; the limit follows the client behind them.
    for attempt in range(3):
        peer = f"10.0.0.{2 + attempt % 2}"
        assert client.get(url, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    spoofed = "198.51.100.77, 203.0.113.9"  # a header of its own does not make the client someone new
    assert client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=spoofed).status_code == 429
    assert client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 404


def test_the_sign_in_throttle_counts_the_client_not_the_load_balancer(client, settings, behind_one_proxy, team_member):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    wrong = {"username": "member@example.org", "password": "wrong"}
    for attempt in range(2):
        forwarded = f"198.51.100.{attempt}, 203.0.113.9"  # spoofed left-hand entries change nothing
        response = client.post(url, wrong, REMOTE_ADDR=f"10.0.0.{2 + attempt}", HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 200
    response = client.post(url, wrong, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_refused_pages_are_logged_with_the_client_address(client, settings, behind_one_proxy, team_member, caplog):
    client.force_login(team_member)
    with caplog.at_level(logging.WARNING, logger="accreditation.security"):
        client.get("/portfolio/999999/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert any(record.getMessage().endswith("from 203.0.113.9") for record in caplog.records)
