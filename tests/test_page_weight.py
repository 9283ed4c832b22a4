"""What every page downloads: one small stylesheet (the Bootstrap rules we use and app.css, built by `make css`),
deferred scripts only, htmx only where a page uses it, and HTML compressed for browsers that ask."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from audit import build_css
from tests.files import ALLOWED, upload

ROOT = Path(settings.BASE_DIR)

SITE_CSS = ROOT / "static" / "css" / "site.min.css"
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
# classList.add("a", "b"), classList.toggle("a", …), classList.remove("a"), className = "a b"
JS_CLASSES = re.compile(r"classList\.(?:add|toggle|remove|replace|contains)\(([^)]*)\)|className\s*=\s*([\"'][^\"']*)")
QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def classes_in(css: str) -> set[str]:
    return set(build_css.CLASS.findall(css))


def classes_used_by_our_files() -> dict[str, str]:
    """Every class named in a template's class="…" (template code taken out) or added by our JavaScript: where."""
    used = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for value in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            for name in TEMPLATE_CODE.sub(" ", value).split():
                used.setdefault(name, str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        for arguments, assigned in JS_CLASSES.findall(path.read_text(encoding="utf-8")):
            for quoted in [*QUOTED.findall(arguments), assigned.strip("\"'")]:
                for name in quoted.split():
                    used.setdefault(name, str(path.relative_to(ROOT)))
    return used


def test_every_bootstrap_class_our_pages_use_is_in_the_built_stylesheet():
    bootstrap = classes_in(build_css.BOOTSTRAP.read_text(encoding="utf-8"))
    built = classes_in(SITE_CSS.read_text(encoding="utf-8"))
    missing = {
        name: where for name, where in classes_used_by_our_files().items() if name in bootstrap and name not in built
    }
    assert not missing, f"Bootstrap classes used but not in static/css/site.min.css: {missing}. Run `make css`."


def test_the_built_stylesheet_ends_with_the_current_app_css():
    app_css = build_css.minify(build_css.APP_CSS.read_text(encoding="utf-8"))
    assert SITE_CSS.read_text(encoding="utf-8").endswith(app_css + "\n"), (
        "static/css/app.css changed since static/css/site.min.css was built: run `make css`."
    )


def test_the_built_stylesheet_is_a_fraction_of_bootstrap():
    assert SITE_CSS.stat().st_size < build_css.BOOTSTRAP.stat().st_size / 3


def test_the_class_finder_sees_template_and_javascript_classes():
    """The coverage test above is only as good as its finder: it must see a class next to template code."""
    value = "btn btn-{{ move.style }}{% if compact %} btn-sm{% endif %} mt-1"
    assert TEMPLATE_CODE.sub(" ", value).split() == ["btn", "btn-", "btn-sm", "mt-1"]
    found = JS_CLASSES.findall('menu.classList.toggle("show"); el.classList.add("a", "b"); x.className = "c d";')
    assert found == [('"show"', ""), ('"a", "b"', ""), ("", '"c d')]


def test_the_build_keeps_a_rule_only_for_classes_in_use():
    words = {"btn", "btn-primary"}
    assert build_css.selector_is_used(".btn", words)
    assert build_css.selector_is_used(".btn-primary:not(.disabled)", words)
    assert not build_css.selector_is_used(".btn-group>.btn", words)
    assert build_css.selector_is_used("a", words)
    assert not build_css.selector_is_used("[data-bs-theme=dark]", words)
    assert "btn-primary" in build_css.used_words(['class="btn-{{ move.style }}"', 'style = "primary"'])


def render(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def head_links(html: str) -> tuple[list[str], list[str]]:
    outside_noscript = re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', outside_noscript)
    scripts = re.findall(r"<script[^>]*>", html)
    return stylesheets, scripts


@pytest.mark.django_db
def test_a_page_links_exactly_one_stylesheet_and_only_deferred_scripts(client):
    stylesheets, scripts = head_links(render(client, "/"))
    assert stylesheets == ["/static/css/site.min.css"]
    assert scripts == ['<script src="/static/js/app.js" defer>']


def test_base_html_links_one_stylesheet():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    outside_noscript = re.sub(r"<noscript>.*?</noscript>", "", base, flags=re.S)
    assert len(re.findall(r'rel="stylesheet"', outside_noscript)) == 1
    assert "vendor/bootstrap" not in base


HTMX = '<script src="/static/vendor/htmx-2.0.11/htmx.min.js" defer>'


def test_only_a_page_that_uses_htmx_loads_it(client, awarded, team_lead):
    """The award page refreshes its report's state with htmx while the report is being made, and only then."""
    client.force_login(team_lead)
    assert "htmx" not in render(client, "/")
    assert awarded.reports.get().status == "ready"
    assert HTMX not in head_links(render(client, f"/awards/{awarded.reference}/"))[1]
    awarded.reports.update(status="queued")  # as if just requested again
    award = render(client, f"/awards/{awarded.reference}/")
    assert HTMX in head_links(award)[1]
    assert 'hx-trigger="every 2s"' in award


def test_every_template_with_htmx_attributes_is_on_a_page_that_loads_htmx():
    """hx-* attributes do nothing without htmx: a template using them is the page (or is included by the page) that
    fills the scripts block with includes/htmx.html."""
    templates = ROOT / "templates"
    loads_htmx = {
        path for path in templates.rglob("*.html") if 'include "includes/htmx.html"' in path.read_text(encoding="utf-8")
    }
    for path in templates.rglob("*.html"):
        if not re.search(r"\shx-(get|post|put|patch|delete|trigger|swap|target)=", path.read_text(encoding="utf-8")):
            continue
        name = str(path.relative_to(templates))
        includers = {page for page in loads_htmx if name in page.read_text(encoding="utf-8")}
        assert path in loads_htmx or includers, f"{name} uses htmx but no page that shows it loads htmx"


@pytest.mark.django_db
def test_pages_are_compressed_for_browsers_that_ask(client):
    page = client.get("/account/sign-in/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert b"<h1" in gzip.decompress(page.content)
    plain = client.get("/account/sign-in/")
    assert not plain.has_header("Content-Encoding")
    assert b"<h1" in plain.content


@pytest.mark.django_db
def test_compressed_pages_differ_in_length_from_request_to_request(client):
    """Django pads each compressed response with random bytes (against BREACH): the same page, many lengths."""
    lengths = {len(client.get("/", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(8)}
    assert len(lengths) > 1


def test_file_downloads_are_not_compressed(client, make_evidence, team_member):
    evidence = make_evidence(upload=upload("minutes.pdf"))
    client.force_login(team_member)
    response = client.get(reverse("evidence:download", args=[evidence.pk]), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == ALLOWED["minutes.pdf"][0]


def test_gzip_sits_after_whitenoise_and_before_the_rest():
    middleware = settings.MIDDLEWARE
    gzip_at = middleware.index("accreditation.middleware.PageGZipMiddleware")
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == gzip_at - 1
    assert gzip_at == 2


def test_no_template_relies_on_bootstraps_javascript():
    """Bootstrap's JavaScript is not shipped: static/js/app.js opens and closes a collapse (the phone menu), and
    nothing else Bootstrap's data-bs-* attributes ask for (dropdowns, tabs, modals, dismissible alerts) would work."""
    handled = {"collapse"}
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        asked = set(re.findall(r'data-bs-toggle="([^"]+)"', text)) | set(re.findall(r"data-bs-(dismiss)=", text))
        assert asked <= handled, f"{path.relative_to(ROOT)} needs Bootstrap's JavaScript for {asked - handled}"
