"""The shared cache's table exists wherever migrate has run, and the certificate-check limit is kept in it."""

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_entries"}}


def test_migrate_makes_the_database_cache_table(db, settings):
    settings.CACHES = DATABASE_CACHE
    assert "cache_entries" not in connection.introspection.table_names()  # tests use a local cache
    call_command("migrate", verbosity=0)
    assert "cache_entries" in connection.introspection.table_names()
    call_command("migrate", verbosity=0)  # and a second migrate leaves it be


def test_the_certificate_check_limit_is_kept_where_every_process_reads_it(db, client, settings):
    settings.CACHES = DATABASE_CACHE
    settings.VERIFY_RATE_PER_MINUTE = 2
    call_command("migrate", verbosity=0)
    url = reverse("public:verify", args=["NOSUCHCODE01"])
    for _ in range(2):
        assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 404
    # Another process has its own cache object over the same table, and sees the same count.
    another_process = DatabaseCache("cache_entries", {})
    assert another_process.get("verify:203.0.113.9") == 2
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 429


def test_the_database_cache_keeps_many_counters_before_it_culls(db, settings):
    """Django's default (300 entries, then a third culled) would throw live rate-limit counters away under load."""
    from accreditation.settings import base

    options = base.CACHES["default"].get("OPTIONS", {})
    if base.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("REDIS_URL is set where the tests run: Redis evicts by memory, not by count")
    assert options["MAX_ENTRIES"] >= 100_000
    settings.CACHES = DATABASE_CACHE
    call_command("migrate", verbosity=0)
    cache = DatabaseCache("cache_entries", base.CACHES["default"])
    cache.set("verify:198.51.100.1", 1, timeout=60)
    cache.set_many({f"verify:203.0.113.{n}": 1 for n in range(400)}, timeout=60)
    cache.set("verify:198.51.100.2", 1, timeout=60)  # with 400 rows already there, Django's default would cull
    assert cache.get("verify:198.51.100.1") == 1
