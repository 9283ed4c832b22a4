"""Settings shared by every environment; each value that differs between machines comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's own widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "axes",
    # Our apps, lowest layer first: each imports only those above it in this list, and registers its part of the
    # workflow tables in this order (README: How the code is laid out).
    "workflow.apps.WorkflowConfig",
    "standards.apps.StandardsConfig",
    "accreditation.apps.AccreditationConfig",
    "reviews.apps.ReviewsConfig",
    "awards.apps.AwardsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed here (not file downloads); static files come compressed from whitenoise above, which
    # answers them first. Against BREACH: Django's gzip pads each response with random bytes, and the CSRF token is
    # masked anew on every request.
    "accreditation.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sessions, authentication and messages: it keeps a signed-out person's posted text in their session.
    "accreditation.middleware.KeepTypedTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accreditation.middleware.RequestHygieneMiddleware",
    "accreditation.middleware.DeniedAccessLogMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into our own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "accreditation.urls"
WSGI_APPLICATION = "accreditation.wsgi.application"
ASGI_APPLICATION = "accreditation.asgi.application"

# Widgets render through the project's template engine, so a widget's template can live in templates/widgets/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL says otherwise, so `make run` needs no server.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker share the file: wait for locks rather than fail, and let readers
    # carry on while one process writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accreditation.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out person is refused before their password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's checks, worded to say what to do (accreditation/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accreditation.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "accreditation.passwords.MinimumLengthValidator"},
    {"NAME": "accreditation.passwords.CommonPasswordValidator"},
    {"NAME": "accreditation.passwords.NumericPasswordValidator"},
]
# Login throttling (django-axes): five failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["password"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day: long enough for a shift worker to get to the e-mail

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False  # English only, nothing is translated: this skips the translation machinery on every request
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence files: under MEDIA_ROOT, which no URL serves; any Django storage (S3-compatible) works here.
    "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence and reports are private: this folder is never served by URL, only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "private-media"))

# Evidence files and award reports on an S3-compatible object store (AWS S3, MinIO, …) when EVIDENCE_S3_BUCKET is
# set, so that every web node and task worker sees the same files. Credentials come from the standard AWS_*
# variables (or the machine's role). Objects are private and the app never hands out their URLs: files leave
# only through the permission-checked download views. A name is never reused, so nothing is overwritten.
if EVIDENCE_S3_BUCKET := os.environ.get("EVIDENCE_S3_BUCKET", ""):
    EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_DEFAULT_REGION") or None,
            "location": os.environ.get("EVIDENCE_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    EVIDENCE_STORAGE = STORAGES["evidence"]
STORAGES["evidence"] = EVIDENCE_STORAGE

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailer(backend: str) -> dict:
    """A MAILERS entry; the SMTP server's details come from EMAIL_HOST, EMAIL_PORT, … in the environment."""
    if backend != SMTP_BACKEND:
        return {"BACKEND": backend}
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": env_int("EMAIL_TIMEOUT", 30),
        },
    }


MAILERS = {"default": mailer(os.environ.get("EMAIL_BACKEND", SMTP_BACKEND))}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Enabling Environments <no-reply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Everything the pages need is served from our own origin; no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12  # one working day

# Evidence uploads: per file, and all of one service's files together.
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_BYTES", 20 * 1024 * 1024)
EVIDENCE_MAX_SERVICE_BYTES = env_int("EVIDENCE_MAX_SERVICE_BYTES", 500 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640
# A form's text (files apart). The largest form with limits, the consensus page of a 45-standard edition with every
# reason at its 3,000 characters, is 1.6 MB as a browser sends it in the widest characters (tests/accreditation/
# test_request_hygiene.py measures it); 10 MB leaves room for editions four times that size and for the review
# report's long texts. Over it, RequestHygieneMiddleware shows a page saying the text is still in the page before.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Awards (PRODUCT.md §2 step 9): how long they last, when the interim review falls, how long appeals stay open.
AWARD_VALID_MONTHS = env_int("AWARD_VALID_MONTHS", 36)
AWARD_INTERIM_MONTHS = env_int("AWARD_INTERIM_MONTHS", 18)
APPEAL_WINDOW_DAYS = env_int("APPEAL_WINDOW_DAYS", 28)
# A service with a valid award may start its renewal portfolio this many months before the award expires, and not
# before: earlier, a renewal would be judged on work the award has only just recognised.
RENEWAL_WINDOW_MONTHS = env_int("RENEWAL_WINDOW_MONTHS", 6)
# The team has this many days from the release of the draft review report to send factual-accuracy comments; past
# it, the lead reviewer may finalise the report without them (PRODUCT.md §8).
REPORT_COMMENTS_DAYS = env_int("REPORT_COMMENTS_DAYS", 14)
# Public certificate checks per visitor (IP address) per minute, against guessing codes.
VERIFY_RATE_PER_MINUTE = env_int("VERIFY_RATE_PER_MINUTE", 20)

PROGRAMME_NAME = "Enabling Environments"
# Where people reach the site; e-mails link here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A service's portfolio is due this many months after it joins the programme (PRODUCT.md §2).
PORTFOLIO_DUE_MONTHS = 12

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own "django" handlers, which would print every message a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Failed sign-ins (axes) and refused pages (our middleware) go to the log for the security team.
        "axes": {"level": "WARNING"},
        "accreditation.security": {"level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Running it for real (README): several processes on one database share a cache, see the real client behind the
# load balancer, and one task-worker command also runs the periodic jobs.
# A cache every process shares, so limits add up across them: a table in the database (created after every migrate)
# unless REDIS_URL names a Redis or Valkey server.
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
else:
    # Django culls a third of the table once it holds MAX_ENTRIES (300 by default): under load that would throw away
    # live rate-limit counters. Expired rows are culled all the same; this only raises the ceiling.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# How many proxies (load balancer, CDN) stand in front of the app and append to X-Forwarded-For; 0: none, and the
# header is ignored. Too high a number lets a client choose its own address; too low sees the proxy's.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
AXES_CLIENT_IP_CALLABLE = "workflow.http.client_ip"
# Failed sign-ins are counted in the database (a row per account and address, incremented in the row under a lock),
# which every process shares already; the cache handler would count no better and lose them on a cache flush.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Jobs the task worker enqueues on a clock: dotted task path → every so many seconds. Each runs once per slot however
# many workers run (slots start at whole multiples of the interval since 1970, so a daily job runs after midnight UTC).
PERIODIC_TASKS = {
    "workflow.tasks.tidy_up": 24 * 60 * 60,
    # Orphan evidence/report files (a crash between writing a file and committing its row) go to quarantine; sizes
    # only, as reading every file hourly would cost a large library its disk time (manage.py storage_check hashes).
    "awards.tasks.storage_check": 60 * 60,
    # Award reports whose worker died (its lease ran out) are queued again once, then failed with "Try again".
    "awards.tasks.recover_stuck_reports": 5 * 60,
    # Task rows of any kind left RUNNING by a killed worker (no heartbeat for WORKER_STALE_SECONDS) are failed.
    "workflow.tasks.recover_abandoned_tasks": 5 * 60,
}
# The worker says it is alive this often; /readyz/ fails when none has for WORKER_STALE_SECONDS.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 60)
# /readyz/ runs its checks at most this often in each process and gives the last answer in between.
READYZ_REUSE_SECONDS = 5
