"""Our own error pages, not Django's."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import include, path

pytestmark = pytest.mark.django_db


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("forbidden/", forbidden), path("broken/", broken), path("", include("accreditation.urls"))]


def test_the_404_page_is_ours(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "Skip to main content" in page


@override_settings(ROOT_URLCONF=__name__)
def test_the_403_page_is_ours(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_the_500_page_is_ours():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, something went wrong" in page
    assert "boom" not in page
