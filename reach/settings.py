"""Django settings for Reach.

Everything that differs between a laptop demo and production comes from the environment:
DATABASE_URL (default: the embedded SQLite database under var/), REACH_SECRET_KEY, REACH_DEBUG,
REACH_ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("REACH_VAR_DIR", BASE_DIR.parent / "var"))

DEBUG = os.environ.get("REACH_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("REACH_SECRET_KEY", "reach-insecure-development-key-change-me")
ALLOWED_HOSTS = os.environ.get("REACH_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

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
    "reach.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
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

DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

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
