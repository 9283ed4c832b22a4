"""Settings for `make audit`: production-like (DEBUG off, collected and compressed static files with long cache
headers, as whitenoise serves them in production) on a database of the audit's own in AUDIT_DIR."""

import os
from pathlib import Path

from accreditation.settings.base import *  # noqa: F403

AUDIT_DIR = Path(os.environ.get("AUDIT_DIR", "/tmp/enabling-audit"))

DEBUG = False
SECRET_KEY = "audit-only-not-secret-0f6b2d9e4c1a8b7f3e5d0c9a2b6e1f4d"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Demo people sign in many times; a fast hash keeps seeding quick. Never used outside the audit.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
AXES_ENABLED = False
STATIC_ROOT = AUDIT_DIR / "static"
MEDIA_ROOT = AUDIT_DIR / "media"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AUDIT_PLAIN_STATIC"):
    # `run.py --plain-static`: static files as `make run` serves them (the files as they are, uncompressed, not
    # hashed, briefly cached), to see what a page costs without production's static file handling.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": AUDIT_DIR / "audit.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
