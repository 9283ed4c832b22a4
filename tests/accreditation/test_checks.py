"""`manage.py check --deploy` warns about what would break the site only once it is running."""

import io

import pytest
from django.core.management import call_command

from accreditation.checks import check_evidence_storage_writable, check_shared_cache

from .test_settings import PROD_ENV, manage


def deploy_check_output() -> str:
    out = io.StringIO()
    call_command("check", "--deploy", "--fail-level", "CRITICAL", stdout=out, stderr=out)
    return out.getvalue()


def test_a_writable_evidence_folder_passes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media" / "not-yet-made"  # made on the first save: its parent counts
    assert check_evidence_storage_writable() == []


def test_an_evidence_folder_nobody_can_write_to_is_a_warning(settings, tmp_path, db):
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    [warning] = check_evidence_storage_writable()
    assert warning.id == "accreditation.W001"
    assert "accreditation.W001" in deploy_check_output()


def test_a_read_only_mount_is_a_warning_even_for_root(settings):
    settings.MEDIA_ROOT = "/proc/evidence"
    assert [warning.id for warning in check_evidence_storage_writable()] == ["accreditation.W001"]


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_a_cache_kept_in_one_process_or_machine_is_a_warning(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "/tmp/unused"}}
    [warning] = check_shared_cache()
    assert warning.id == "accreditation.W002"
    assert "REDIS_URL" in warning.hint


@pytest.mark.parametrize(
    "backend", ["django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache"]
)
def test_a_shared_cache_passes(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "cache_entries"}}
    assert check_shared_cache() == []


def test_the_checks_run_only_with_deploy(settings, db):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "accreditation.W002" not in out.getvalue()
    assert "accreditation.W002" in deploy_check_output()


def production_cache(**env) -> str:
    show = "from django.conf import settings; print(settings.CACHES['default'])"
    result = manage("shell", "-c", show, env={**PROD_ENV, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_shares_a_database_table_as_its_cache_unless_redis_is_named():
    assert "DatabaseCache" in production_cache(REDIS_URL="")
    redis = production_cache(REDIS_URL="redis://cache.internal:6379/0")
    assert "RedisCache" in redis and "redis://cache.internal:6379/0" in redis


def test_production_check_deploy_names_an_unwritable_evidence_folder():
    result = manage("check", "--deploy", env={**PROD_ENV, "MEDIA_ROOT": "/proc/evidence"})
    assert "accreditation.W001" in result.stdout + result.stderr
    assert "cannot write to the evidence folder" in result.stdout + result.stderr
