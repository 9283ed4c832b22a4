"""Production settings: safe by default, and nothing secret has a default."""

import os
import subprocess
import sys

from django.conf import settings

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "accreditation.settings.prod",
    "SECRET_KEY": "k7#Qv9!mZ2@xL4$wP8^nR1&tY6*bC3(dF5)hJ0_gS-uE+aW=oI",
    "ALLOWED_HOSTS": "ee.example.org",
}


# Set for the browser tests in this process; a production check must not inherit it.
NOT_INHERITED = {*PROD_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_reports_no_issues():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PROD_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", env={**PROD_ENV, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_static_files_collect_with_the_production_storage(tmp_path):
    """The manifest storage fails on a CSS file that points at something missing; find that in CI, not on deploy."""
    result = manage("collectstatic", "--noinput", env={**PROD_ENV, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("css/site.min.*.css"))


PROBE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="ee.example.org")
secure = client.get("/account/sign-in/", secure=True)
plain = client.get("/account/sign-in/")
cookie = secure.cookies["__Host-csrftoken"]
print(json.dumps({
    "csp": secure["Content-Security-Policy"],
    "hsts": secure.get("Strict-Transport-Security", ""),
    "cookie_secure": bool(cookie["secure"]),
    "cookie_samesite": cookie["samesite"],
    "redirect": [plain.status_code, plain.get("Location", "")],
}))
"""


def test_production_responses_carry_csp_hsts_secure_cookies_and_https_redirect(tmp_path):
    import json

    environment = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**environment, **PROD_ENV, "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "script-src 'self'" in seen["csp"] and "unsafe-inline" not in seen["csp"]
    assert "max-age=31536000" in seen["hsts"] and "includeSubDomains" in seen["hsts"]
    assert seen["cookie_secure"] is True
    assert seen["redirect"] == [301, "https://ee.example.org/account/sign-in/"]


def test_gunicorn_runs_one_worker_per_core_unless_told_otherwise(monkeypatch):
    import runpy

    config = settings.BASE_DIR / "gunicorn.conf.py"
    for name in ("WEB_CONCURRENCY", "BIND", "ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    values = runpy.run_path(str(config))
    assert values["workers"] == values["usable_cores"]() <= os.cpu_count()
    assert values["bind"] == "127.0.0.1:8000"
    assert values["accesslog"] is None
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("ACCESS_LOG", "-")
    values = runpy.run_path(str(config))
    assert (values["workers"], values["accesslog"]) == (5, "-")
