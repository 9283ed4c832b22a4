"""Local development: `make run`. Never used in production."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list, mailer

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-8d1c0f5e9a7b4e2f9c3d6a1b0e7f2c4d")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# E-mails (password resets, notifications) are printed in the terminal unless EMAIL_BACKEND says otherwise.
MAILERS = {"default": mailer(os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"))}
