"""The test suite: fast hashing, tasks run at once, in-memory e-mail."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret-2f6b8c0d4e1a9f7b3c5d8e0a2b4c6d8e"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / ".test-media"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Static files come from the finders in tests; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
# Login throttling is tested on its own, with AXES_ENABLED switched on.
AXES_ENABLED = False
# Each test process keeps its own cache; the shared one is tested where it matters.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test sees /readyz/ check what it has just set up; the reuse of answers is tested on its own.
READYZ_REUSE_SECONDS = 0
