"""Settings for the benchmark: production-like (DEBUG off), on a database of its own."""

import os

import dj_database_url

from accreditation.settings.base import *  # noqa: F403
from accreditation.settings.base import BASE_DIR

DEBUG = False
SECRET_KEY = "bench-only-not-secret-5c2e8b1f7a9d4e6c0b3a8f2d1e7c9b4a"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
# Bench people sign in many times; a fast hash keeps seeding quick. Never used outside the benchmark.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
VERIFY_RATE_PER_MINUTE = 10**9
AXES_ENABLED = False
# Static files from the finders, indexed once at start as production's collected files are (no collectstatic for a
# benchmark); not AUTOREFRESH, which looks at the disk on every request and would not be production's cost.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
MEDIA_ROOT = BASE_DIR / "bench" / "media"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}

if os.environ.get("DATABASE_URL"):
    # The server and credentials of DATABASE_URL, but a database of the benchmark's own.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
    DATABASES["default"]["NAME"] = os.environ.get("BENCH_DATABASE_NAME", "enabling_bench")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "bench" / "bench.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
