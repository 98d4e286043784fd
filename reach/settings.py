"""Django settings for Reach.

Everything that differs between a laptop demo and production comes from the environment
(the table in docs/deploy.md): DATABASE_URL (default: the embedded SQLite database under var/),
REACH_SECRET_KEY, REACH_ALLOWED_HOSTS, REACH_HTTPS, REACH_SESSION_HOURS, REACH_DEBUG, REACH_DEMO.

Production is the default: DEBUG is off, and Reach refuses to serve without its own secret key
and the host names it answers to. `make demo` and the test suite say they are a demo
(REACH_DEMO=1, REACH_TESTING=1), which lets them start with the built-in key on local names.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("REACH_VAR_DIR", BASE_DIR.parent / "var"))


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = _env_flag("REACH_DEBUG")
# The test suite (set by reach.testing, a pytest plugin) reads static files from the apps'
# folders, so it needs no collectstatic.
TESTING = _env_flag("REACH_TESTING")
# A laptop demo or the test suite: never a server that holds real people's data.
DEMO = DEBUG or TESTING or _env_flag("REACH_DEMO")

DEMO_SECRET_KEY = "reach-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("REACH_SECRET_KEY", "").strip() or DEMO_SECRET_KEY
ALLOWED_HOSTS = _env_list("REACH_ALLOWED_HOSTS")
# What a production server may not start without (`reach.common.production`): `reach serve`
# and the WSGI application refuse to start while this lists anything, and `reach check
# --deploy` reports it. Other commands (migrate, makemigrations, import ...) hold no session and
# serve no one, so they run without it.
UNSAFE_START: list[str] = []
if DEMO:
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
else:
    if SECRET_KEY == DEMO_SECRET_KEY:
        UNSAFE_START.append(
            "REACH_SECRET_KEY is not set: Reach refuses to start in production with the "
            "built-in key. Set REACH_SECRET_KEY to a random string of 50 characters or more "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set "
            "REACH_DEMO=1 for a laptop demo."
        )
    if not ALLOWED_HOSTS:
        UNSAFE_START.append(
            "REACH_ALLOWED_HOSTS is not set: Reach refuses to start in production without the "
            "host names it answers to. Set REACH_ALLOWED_HOSTS to a comma-separated list "
            "(e.g. reach.example.edu.vn,10.0.0.5), or set REACH_DEMO=1 for a laptop demo."
        )
CSRF_TRUSTED_ORIGINS = _env_list("REACH_CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy (nginx, Caddy) that sets X-Forwarded-Proto: cookies only over
# HTTPS, HSTS, and plain HTTP redirected. HSTS preload is a promise to the browsers' list that
# only a public domain can make, so it stays off unless asked for.
HTTPS = _env_flag("REACH_HTTPS")
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("REACH_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_flag("REACH_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Office machines are shared: a session ends when the browser closes, and after a working day.
SESSION_COOKIE_AGE = int(float(os.environ.get("REACH_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "reach.common",
    "reach.accounts",
    "reach.geo",
    "reach.registry",
    "reach.policy",
    "reach.entitlements",
    "reach.payments",
    "reach.studentfile",
    "reach.indicators",
    "reach.casework",
    "reach.funds",
    "reach.plans",
    "reach.learning",
    "reach.intake",
    "reach.schoolsupport",
    "reach.reports",
    "reach.crosscheck",
    "reach.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reach.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "reach.urls"
WSGI_APPLICATION = "reach.wsgi.application"

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

_default_sqlite = f"sqlite:///{VAR_DIR / 'reach.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web UI read while an import or a run writes. 16 KiB pages (taken only by
        # a new database file) halve the pages a run of a district's lines writes and checks in.
        # The temporary tables of a run are private to its connection and go with it: zeroing
        # their pages as they are dropped (secure delete, on in Debian's SQLite) only costs
        # time; the database file itself keeps zeroing what is deleted.
        "init_command": (
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA temp.secure_delete=OFF;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A user who has not chosen a language reads the language of the country of their unit (the
# first code of its path).
REACH_COUNTRY_LANGUAGES = {"VN": "vi", "CN": "zh-hans"}
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# `reach serve` collects the static files; whitenoise serves them from the web server with
# hashed names (cached for a year) and gzip / brotli variants. The tests read them in place.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background jobs (entitlement runs) wait in the database for `reach db_worker`; `reach serve`
# (what `make demo` runs) starts one beside the web server.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("REACH_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

REACH_IMPORT_BATCH_SIZE = 2000
REACH_PAGE_SIZE = 25
REACH_VERBOSE_NAME = _("Reach")

# --- Content-security policy (django-csp) ---
# Pages load script, style and images from Reach itself only: no inline script or style (htmx's
# indicator styles are in the stylesheet, see the htmx-config meta tag of base.html), no
# plugins, no framing by other sites, forms post back to Reach.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Bounded uploads and background imports ---
# Household and payment-result files: refused past these limits before anything is read
# (`reach/common/uploads.py`); a household file of more rows than REACH_IMPORT_BACKGROUND_ROWS
# is checked by the background worker. Uploads above 2.5 MB go to a temporary file, not memory.
REACH_UPLOAD_MAX_MB = int(os.environ.get("REACH_UPLOAD_MAX_MB", "20"))
REACH_UPLOAD_MAX_UNZIPPED_MB = int(os.environ.get("REACH_UPLOAD_MAX_UNZIPPED_MB", "200"))
REACH_UPLOAD_MAX_RATIO = 100
REACH_UPLOAD_MAX_ROWS = int(os.environ.get("REACH_UPLOAD_MAX_ROWS", "200000"))
REACH_UPLOAD_MAX_COLUMNS = int(os.environ.get("REACH_UPLOAD_MAX_COLUMNS", "100"))
REACH_IMPORT_BACKGROUND_ROWS = int(os.environ.get("REACH_IMPORT_BACKGROUND_ROWS", "2000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Logins and tokens (django-axes) ---
# Five wrong passwords for one username from one address lock that pair out for 15 minutes
# (each further try restarts the 15 minutes), on the login page and on POST /api/v1/auth/token.
# Attempts are kept in the database, so tests roll them back with everything else.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("REACH_LOGIN_FAILURES", "5"))
REACH_LOGIN_COOLOFF_MINUTES = int(os.environ.get("REACH_LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = REACH_LOGIN_COOLOFF_MINUTES / 60  # axes reads a float as hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "reach.accounts.views.locked_out"
# A bearer token lives this many days unless revoked sooner.
REACH_TOKEN_DAYS = int(os.environ.get("REACH_TOKEN_DAYS", "30"))

# --- Production safety: uploads refused as they arrive (issue 17) ---
# A file is counted as it arrives and skipped once past REACH_UPLOAD_MAX_MB, before the
# default handlers write it anywhere (`reach.common.uploads.LimitedUploadHandler`); the page or
# the API then answers 413 naming the limit. Forms and JSON bodies, which carry no file, stay
# under Django's default 2.5 MB (the largest, a policy or a long note, is a few KB).
FILE_UPLOAD_HANDLERS = [
    "reach.common.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Funds (issue 19) ---------------------------------------------------------------------
# A ledger account gets a balance checkpoint once this many entries follow its last one: a
# balance is the latest checkpoint plus the sum of the entries after it (reach/funds).
REACH_FUNDS_CHECKPOINT_EVERY = int(os.environ.get("REACH_FUNDS_CHECKPOINT_EVERY", "10000"))
# --- Plans and tasks (issue 20, app `plans`) ---
# `reach plan_reminders` lists the tasks due within this many days.
REACH_PLAN_REMINDER_DAYS = int(os.environ.get("REACH_PLAN_REMINDER_DAYS", "7"))

# --- targets (issue 20: plan targets and charts) ---
# The figures a plan's target is measured by (numerator, denominator, source, confidence) and
# the thresholds of its lights: reach/plans/data/figures.yaml unless this names another file.
REACH_FIGURE_DEFINITIONS = os.environ.get("REACH_FIGURE_DEFINITIONS") or None

# --- intake (issue 22: universal education, intake planning, streaming) ---
# The universal-education rates (age groups, what counts as completed, the standard's levels and
# thresholds) and the entry grades of intake planning: reach/intake/data/universal.yaml unless
# this names another file.
REACH_UNIVERSAL_DEFINITIONS = os.environ.get("REACH_UNIVERSAL_DEFINITIONS") or None

# --- Periodic reports (issue 20, app `reports`) ---
# The report templates and reporting calendar: reach/reports/data/templates.yaml unless this
# names another file.
REACH_REPORT_TEMPLATES = os.environ.get("REACH_REPORT_TEMPLATES") or None
# The DHIS2 mapping of report figures and units (codes "to confirm" until a server's are known):
# reach/reports/data/dhis2.yaml unless this names another file.
REACH_DHIS2_MAPPING = os.environ.get("REACH_DHIS2_MAPPING") or None
