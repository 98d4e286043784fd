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

# --- Bounded uploads and background imports ---
# Household and payment-result files: refused past these limits before anything is read
# (`reach/common/uploads.py`); a household file of more rows than REACH_IMPORT_BACKGROUND_ROWS
# is checked by the background worker. Uploads above 2.5 MB go to a temporary file, not memory;
# a request's other fields (forms, JSON bodies) stay small.
REACH_UPLOAD_MAX_MB = int(os.environ.get("REACH_UPLOAD_MAX_MB", "20"))
REACH_UPLOAD_MAX_UNZIPPED_MB = int(os.environ.get("REACH_UPLOAD_MAX_UNZIPPED_MB", "200"))
REACH_UPLOAD_MAX_RATIO = 100
REACH_UPLOAD_MAX_ROWS = int(os.environ.get("REACH_UPLOAD_MAX_ROWS", "200000"))
REACH_UPLOAD_MAX_COLUMNS = int(os.environ.get("REACH_UPLOAD_MAX_COLUMNS", "100"))
REACH_IMPORT_BACKGROUND_ROWS = int(os.environ.get("REACH_IMPORT_BACKGROUND_ROWS", "2000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
