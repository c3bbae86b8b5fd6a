"""Settings, read from the environment (django-environ).

Production differs from development only by variables; see README.md "Settings".
The defaults run on SQLite under ``var/`` with no Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)  # on only when set: `make run` and the tests set DEBUG=1
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crm",
    "customers",
    "credit",
    "archives",
    "analytics",
    "imports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.middleware.AccessRefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["OPTIONS"] = {
        # Short OLTP queries: JIT compilation costs more than it saves (300 ms on a search of 100,000 rows).
        "options": "-c jit=off",
        # libpq's TCP keepalives: a database host or network that vanishes while a request waits for an answer (a
        # COMMIT; the second connection of a bulk batch, crm/beside.py) is noticed within a minute, not the kernel's
        # two hours, and the wait ends in an error. Socket options of this side only: nothing is sent at startup
        # (PgBouncer-safe).
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        **DATABASES["default"].get("OPTIONS", {}),  # what DATABASE_URL's query string sets wins
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# Several machines (issue 15 §4, README "Running on several machines"). Behind PgBouncer in transaction mode set
# DISABLE_SERVER_SIDE_CURSORS=1: no named cursor outlives a statement, and no startup option is sent (PgBouncer
# refuses them; set `ALTER DATABASE … SET jit = off` on the server instead). DATABASE_REPLICA_URL: a streaming replica
# of DATABASE_URL; list, search, analysis and report reads go there (crm/replicas.py), except a user's reads for
# CRM_READ_YOUR_WRITES_SECONDS after they write. In tests the alias mirrors default: no test database is created on
# it, it follows the primary's physically (tests/crm/test_replica.py).
if env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].get("OPTIONS", {}).pop("options", None)
CRM_READ_YOUR_WRITES_SECONDS = env.int("CRM_READ_YOUR_WRITES_SECONDS", default=5)
CRM_DATABASE_REPLICAS = ["replica"] if env.str("DATABASE_REPLICA_URL", default="") else []
if CRM_DATABASE_REPLICAS:
    DATABASES["replica"] = {
        **DATABASES["default"],
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {})},
        **env.db("DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["crm.replicas.ReplicaRouter"]
_after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE.insert(_after_auth, "crm.replicas.ReplicaReadsMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
# Dates ISO (YYYY-MM-DD) in English and Chinese alike: the locale formats win over DATE_FORMAT, so both are set
DATE_FORMAT, DATETIME_FORMAT = "Y-m-d", "Y-m-d H:i"
FORMAT_MODULE_PATH = ["crm.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Scans of archive originals (DOMAIN §9): outside MEDIA_ROOT, no URL; only access-checked views serve them.
    "archives": {
        "BACKEND": "crm.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env.path("CRM_ARCHIVE_ROOT", default=VAR_DIR / "archives")},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Unconfigured, e-mails (the reminder digests) are written as files under var/mail/, one per message, instead of
# flooding the console of `make run`; set EMAIL_BACKEND (and EMAIL_HOST, …) to send them.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: secure by default when DEBUG is off (manage.py check --deploy stays silent).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Celery: Redis when REDIS_URL is set, else the embedded filesystem transport under var/.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
# Results only for the tasks that ask for them: the ends of the nightly jobs spread over the workers as chords (the
# credit recompute, the staleness scan, the segmentation: crm/chunks.py), on Redis; without it a job runs in one
# process.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Several worker hosts (README "Running on several machines"): every task is acks_late, so a task whose worker dies is
# delivered again — on Redis after CELERY_VISIBILITY_TIMEOUT seconds, which must exceed the longest task (and any
# retry countdown), or a task still running is delivered a second time. CRM_TASK_QUEUES sends tasks by name pattern
# to named queues (e.g. {"imports.tasks.*": "imports"}) that workers consume with -Q; the rest go to "celery".
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_TASK_ROUTES = {pattern: {"queue": queue} for pattern, queue in env.json("CRM_TASK_QUEUES", default={}).items()}
# DOMAIN §7 jobs: the nightly hour (local time), and whether a starting worker runs today's jobs at once.
CRM_JOBS_HOUR = env.int("CRM_JOBS_HOUR", default=2)
CRM_JOBS_ON_START = env.bool("CRM_JOBS_ON_START", default=DEBUG)

# DOMAIN §2 completeness: the required fields of a dossier per customer kind.
# Names are "<section>.<field>"; "contacts" means at least one contact.
CRM_COMPLETENESS_REQUIRED = env.json(
    "CRM_COMPLETENESS_REQUIRED",
    default={
        "intermediate": [
            "customer.name",
            "customer.address",
            "customer.phone",
            "customer.region",
            "customer.industry",
            "customer.unified_social_credit_code",
            "basic.legal_representative",
            "basic.owner_names",
            "basic.relationship_since",
            "basic.business_types",
            "characteristics.market_area",
            "characteristics.sales_capability",
            "characteristics.development_potential",
            "sales_status.sales_performance",
            "sales_status.cooperation",
            "operating_status.financial_status",
            "operating_status.credit_status",
            "contacts",
        ],
        "end": [
            "customer.name",
            "customer.address",
            "customer.phone",
            "customer.region",
            "basic.gender",
            "basic.birth_date",
            "basic.occupation",
            "basic.education",
            "characteristics.regional_culture",
            "characteristics.development_potential",
            "sales_status.competitors_nearby",
            "contacts",
        ],
    },
)
# Every DOMAIN number (review intervals, reminder horizons, …) is a field of the versioned credit policy
# (credit.models.CreditPolicyVersion, edited on /credit/policy/), never an environment variable.
CRM_CUSTOMERS_PER_PAGE = 50

# Archives (DOMAIN §9): archive number pattern, the largest upload accepted, the longest loan of an original.
CRM_ARCHIVE_NUMBER_PATTERN = env.str("CRM_ARCHIVE_NUMBER_PATTERN", default="ARC-{year}-{number:06d}")
CRM_UPLOAD_MAX_MB = env.int("CRM_UPLOAD_MAX_MB", default=20)
CRM_BORROWING_MAX_DAYS = env.int("CRM_BORROWING_MAX_DAYS", default=30)

# Imports (DOMAIN §2.3): the largest spreadsheet accepted, and from how many rows a check or an import runs as a
# Celery task with a progress bar instead of inside the request.
CRM_IMPORT_MAX_MB = env.int("CRM_IMPORT_MAX_MB", default=50)
CRM_IMPORT_SYNC_ROWS = env.int("CRM_IMPORT_SYNC_ROWS", default=2000)

# Policy back-test (DOMAIN §11): up to this many orders in the year it replays, it runs inside the request; above,
# a Celery worker runs it and the policy page shows its progress.
CRM_BACKTEST_SYNC_ORDERS = env.int("CRM_BACKTEST_SYNC_ORDERS", default=20_000)

# REST API (API.md): knox tokens (hashed, expiring, several per user, revocable) and sessions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "crm.api.pagination.CodeCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="20000/hour"),
        "anon": env.str("API_THROTTLE_ANON", default="600/hour"),
        "auth": env.str("API_THROTTLE_AUTH", default="30/minute"),
    },
    "EXCEPTION_HANDLER": "crm.api.exceptions.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dossier CRM API",
    "DESCRIPTION": "Customer dossiers and trade credit. Contract: shared/API.md (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,  # masked customers omit everything but code, name, owner, contacts
    "ENUM_NAME_OVERRIDES": {
        "PaymentGradeEnum": "credit.models.PaymentGrade",
        "AssessmentMethodEnum": "credit.models.Assessment.Method",
        "ForecastMethodEnum": ["holt_winters", "holt"],
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "crm.api.schema.document_errors"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_without_traceback": {"()": "crm.log_filters.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every step of every PDF at INFO (the credit file); its warnings still show.
    # A 403 logs one line, no traceback (the refusal is in the access log).
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.request": {"filters": ["forbidden_without_traceback"]},
    },
}

# --- Robustness and response headers (issue 16 §3 no 500, §8 Redis down, §10 headers) ---
# The API parses JSON with a nesting bound (a 1,000-deep body is a 400, not a RecursionError).
# Bodies are JSON; the few endpoints that take a file say so themselves (multipart), so the schema names one
# content type per body and generated clients can send it.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["crm.api.parsers.BoundedJSONParser"]
# Redis down: the cache fails open (logged), so the API throttle lets requests through; /healthz reports it.
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "crm.cache.FailOpenRedisCache"
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
# /healthz answers 503 when one of these is down (database, storage, cache, broker, jobs); the others only degrade.
HEALTH_CHECK_REQUIRED = env.list("HEALTH_CHECK_REQUIRED", default=["database", "storage"])
# Response headers: a Content-Security-Policy (django-csp) with no inline script or style on our pages (the admin
# and the API docs get inline styles, crm/middleware.py), and Cache-Control: no-store on every /api/ response.
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE[_after_security:_after_security] = [
    "crm.middleware.PathCSPMiddleware",
    "crm.middleware.ApiNoStoreMiddleware",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap's form controls draw their icons as data: SVG
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The OpenAPI schema and the docs pages are for signed-in users (crm/urls.py).
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["rest_framework.permissions.IsAuthenticated"]

# Sign-in protection (issue 16 point 4), kept in one block that extends the lists above.
# django-axes locks out an account, and separately a client address, after CRM_LOGIN_FAILURE_LIMIT failed sign-ins
# (browser, admin and API token endpoint alike) until CRM_LOGIN_COOLOFF_MINUTES pass without one (0: until an admin
# lifts it). The client address is REMOTE_ADDR unless CRM_TRUSTED_PROXY_COUNT proxies we run append X-Forwarded-For;
# the API throttles count the same address. A saved new password revokes the account's API tokens.
CRM_TRUSTED_PROXY_COUNT = env.int("CRM_TRUSTED_PROXY_COUNT", default=0)
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last: turns a lockout into the 429 page
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AUTH_PASSWORD_VALIDATORS += [{"NAME": "crm.signin.ApiTokensRevokedOnPasswordChange"}]
AXES_FAILURE_LIMIT = env.int("CRM_LOGIN_FAILURE_LIMIT", default=10)
_LOGIN_COOLOFF_MINUTES = env.int("CRM_LOGIN_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_LOGIN_COOLOFF_MINUTES) if _LOGIN_COOLOFF_MINUTES > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "crm.signin.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = False  # a success does not wipe the failures counted against an address
REST_FRAMEWORK["NUM_PROXIES"] = CRM_TRUSTED_PROXY_COUNT
