"""The shared cache's table exists wherever migrate has run, and the certificate-check limit is kept in it."""

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
