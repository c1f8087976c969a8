"""Settings shared by every environment.

Everything that differs between machines comes from the environment (or a `.env` file beside manage.py; real
environment variables win over it). `.env.example` documents each variable.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / "data"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

# One database per domain app, named after the app. `default` keeps Django's own tables (auth, admin, sessions).
DOMAIN_APPS = ["minicrm", "dvdrental", "hopify", "cardportfolio", "churnlab"]


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{DATA_DIR / f'{name}.sqlite3'}"


# A malformed URL must not stop every command with a traceback: it is recorded here, its alias gets Django's dummy
# backend (which refuses any use), and the commands and a system check (core.checks) report it in one line.
DATABASE_URL_ERRORS: dict[str, str] = {}


def _database(variable: str, default: str) -> dict:
    from core.options import OptionError, database_config

    try:
        return database_config(env(variable, default=default), variable=variable)
    except OptionError as exc:
        DATABASE_URL_ERRORS[variable] = str(exc)
        return {"ENGINE": "django.db.backends.dummy", "NAME": ""}


DATABASES = {"default": _database("DATABASE_URL", _sqlite_url("django"))}
for _domain in DOMAIN_APPS:
    DATABASES[_domain] = _database(f"{_domain.upper()}_DATABASE_URL", _sqlite_url(_domain))
DATABASE_ROUTERS = ["config.routers.DomainRouter"]
# MySQL/MariaDB clients may send LOAD DATA LOCAL INFILE (core.loader uses it where the server's @@local_infile is ON).
for _config in (c for c in DATABASES.values() if c["ENGINE"].endswith("mysql")):
    _config.setdefault("OPTIONS", {}).setdefault("local_infile", 1)
# Several domains have a `customers` table; each lives in its own database, which is what W035 asks to verify.
SILENCED_SYSTEM_CHECKS = ["models.W035"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # API_REQUIRE_AUTH covers downloads, the workbench and the pages too, not only the API's views.
    "core.security.RequireLoginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # API and admin pages of a dataset with no tables: 404 naming the seed command instead of a 500.
    "core.availability.UnbuiltDatasetMiddleware",
    # Query parameters an API view does not declare are a 400 (they also bypassed the analytics cache).
    "core.security.StrictQueryParametersMiddleware",
]
# Wrong passwords are counted per user name and address; past the limit, logins wait out the window.
AUTHENTICATION_BACKENDS = ["core.security.ThrottledModelBackend"]
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=300)
LOGIN_URL = "/admin/login/"
# Error pages (DEBUG and the production e-mails) mask database URLs and their passwords.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.api.errors.SecretsExceptionReporterFilter"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Generated timestamps are UTC; a fixed zone keeps SQL date functions identical on every backend.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Outside production whitenoise serves static files straight from the finders (no collectstatic needed, also with
# DEBUG off, e.g. under gunicorn in the load test); production collects them into STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfiles.PlotlyFinder",
]

API_REQUIRE_AUTH = env.bool("API_REQUIRE_AUTH", default=False)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.DomainAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # API reads are open by default (the data is synthetic); set API_REQUIRE_AUTH=True to require a login.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated" if API_REQUIRE_AUTH else "rest_framework.permissions.AllowAny"
    ],
    # Writes need a session (and its CSRF token); no HTTP Basic, which sends the password with every request.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    # Anonymous clients share a budget per address; the cache holds the counters.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_RATE", default="6000/minute")},
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "synthbiz API",
    "DESCRIPTION": "Analytics over realistic synthetic business databases, one section per domain.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc assets come from drf-spectacular-sidecar: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
    # Several components have a field named `status` with different choices; name each enum after its domain,
    # or drf-spectacular invents hashed names (Status1a5Enum) and warns, which fails `check --deploy`.
    "ENUM_NAME_OVERRIDES": {
        "MinicrmOrderStatusEnum": "minicrm.models.STATUS_CHOICES",
        "MinicrmHealthStatusEnum": ["healthy", "unhealthy"],
    },
}

# Analytics responses are cached until their domain's data changes (core.cache, core.api.cache). The cache must
# be shared by the web workers and the management commands, whose writes invalidate it: a file cache by default,
# or e.g. CACHE_URL=redis://127.0.0.1:6379/1 (needs the redis package).
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}")}
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
# How long a cached analytics response lives at most, seconds; 0 switches the cache off (e.g. while editing a
# database by hand with SQL, which the cache cannot see).
ANALYTICS_CACHE_SECONDS = env.int("ANALYTICS_CACHE_SECONDS", default=3600)

# Downloads (core.downloads) of any size: the SQLite copy, finished zips and dumps of each dataset version are
# kept here until the dataset changes.
DOWNLOAD_CACHE_DIR = env.path("DOWNLOAD_CACHE_DIR", default=str(DATA_DIR / "cache" / "downloads"))

# The SQL workbench (/workbench/<domain>/) runs read-only queries: each stops after WORKBENCH_TIMEOUT_MS and
# returns at most WORKBENCH_MAX_ROWS rows. Open to anonymous users while WORKBENCH_PUBLIC is on (production: off).
WORKBENCH_PUBLIC = env.bool("WORKBENCH_PUBLIC", default=True)
WORKBENCH_TIMEOUT_MS = env.int("WORKBENCH_TIMEOUT_MS", default=5000)
WORKBENCH_MAX_ROWS = env.int("WORKBENCH_MAX_ROWS", default=1000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
