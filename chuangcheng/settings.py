"""ChuangCheng settings: everything configurable comes from the environment.

Defaults give a working laptop demo on SQLite when ``DEBUG=1`` (the Makefile sets it). With
``DEBUG`` off the application refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``,
and ``manage.py check --deploy --fail-level WARNING`` passes. See README "Configuration".
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chuangcheng.utils.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-8c1f3e6a"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # ours first so our templates (login, admin overrides) win
    "chuangcheng.core",
    "chuangcheng.org",
    "chuangcheng.indicators",
    "chuangcheng.points",
    "chuangcheng.inspections",
    "chuangcheng.notifications",
    "chuangcheng.problems",
    "chuangcheng.scoring",
    "chuangcheng.citizens",
    "chuangcheng.open311",
    "chuangcheng.documents",
    "chuangcheng.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chuangcheng.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chuangcheng.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chuangcheng.core.middleware.SessionTimeoutMiddleware",
    "chuangcheng.core.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # axes last, as its documentation asks: it turns lockouts into responses
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chuangcheng.urls"
WSGI_APPLICATION = "chuangcheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chuangcheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chuangcheng.navigation.context",
                "chuangcheng.notifications.context.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ by default (embedded, zero set-up); PostgreSQL through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "chuangcheng.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: writers take the lock at BEGIN, so two transitions queue instead of
                # failing with "database is locked" half-way through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

# --- Cache, Celery ----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
# No broker: run tasks in-process, so a laptop needs no Redis and no worker.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # tasks are written to be safe to run twice
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "core.clear_expired_sessions", "schedule": 6 * 3600},
    # reveal the seeds of plans whose period has ended; mark assignments past their window missed
    "inspections-housekeeping": {"task": "inspections.housekeeping", "schedule": 3600},
    # deadline reminders, overdue escalation, embargoes lifted, stage lateness
    "problems-housekeeping": {"task": "problems.housekeeping", "schedule": 15 * 60},
    # reporters' phone numbers past their retention removed (PIPL)
    "citizens-housekeeping": {"task": "citizens.housekeeping", "schedule": 6 * 3600},
}
# the monthly evaluation is started by the office (page, command or task), never by the clock:
# the office decides when a month's data is complete

# --- Inspections (督查) -------------------------------------------------------------------------
# Pass line of an inspection score (the campaign's; stored with each inspection when scored).
INSPECTION_PASS_LINE = env_int("INSPECTION_PASS_LINE", 90)
# How early before its window an assignment may be submitted (phone clocks drift), in minutes.
INSPECTION_EARLY_MINUTES = env_int("INSPECTION_EARLY_MINUTES", 10)
# How long after its window an inspection made on a bad network may still be uploaded, in hours.
INSPECTION_SUBMIT_GRACE_HOURS = env_int("INSPECTION_SUBMIT_GRACE_HOURS", 24)
# Starting farther than this from the point (metres) is flagged on the inspection.
INSPECTION_FAR_METRES = env_int("INSPECTION_FAR_METRES", 300)
INSPECTION_MAX_PHOTOS_PER_ITEM = env_int("INSPECTION_MAX_PHOTOS_PER_ITEM", 4)
# A font with Chinese glyphs for the stamp burned into evidence photos (found automatically
# among the usual Noto CJK / WenQuanYi paths when empty; without one the stamp is ASCII only).
STAMP_FONT_PATH = env("STAMP_FONT_PATH", "")

# --- Problems (问题整改) ---------------------------------------------------------------------
# Working hours on working days, for deadlines given in working hours (工作时): periods, comma-separated.
WORK_HOURS = env("WORK_HOURS", "08:30-12:00,14:00-17:30")
# A new problem at the same point for the same check item within this many days of a closed one
# is a rebound (反弹).
PROBLEM_REBOUND_DAYS = env_int("PROBLEM_REBOUND_DAYS", 90)
# Time limits when neither the category nor a campaign rule gives one, by severity (working days).
PROBLEM_DEFAULT_WORKDAYS = {
    "general": env_int("PROBLEM_DEFAULT_WORKDAYS_GENERAL", 5),
    "major": env_int("PROBLEM_DEFAULT_WORKDAYS_MAJOR", 3),
    "critical": env_int("PROBLEM_DEFAULT_WORKDAYS_CRITICAL", 1),
}
# A unit accepts (签收) an assigned problem within this many working hours; the office verifies a
# submitted fix within this many working days. Each stage's on-time result is kept for statistics.
PROBLEM_ACCEPT_WORK_HOURS = env_int("PROBLEM_ACCEPT_WORK_HOURS", 4)
PROBLEM_VERIFY_WORKDAYS = env_int("PROBLEM_VERIFY_WORKDAYS", 2)
# The time-limit light turns yellow once this share of the time allowed is used (red past it).
PROBLEM_WARN_SHARE = float(env("PROBLEM_WARN_SHARE", "0.8"))
# A fix is submitted with at least this many after-photos (at most PROBLEM_MAX_PHOTOS).
PROBLEM_MIN_AFTER_PHOTOS = env_int("PROBLEM_MIN_AFTER_PHOTOS", 1)
PROBLEM_MAX_PHOTOS = env_int("PROBLEM_MAX_PHOTOS", 9)

# --- citizens (群众参与) -----------------------------------------------------------------------
CITIZEN_MAX_PHOTOS = env_int("CITIZEN_MAX_PHOTOS", 4)
# Open problems within this distance of a new report are offered to join (a category may set
# its own radius; this is the fallback).
CITIZEN_DUPLICATE_RADIUS_M = env_int("CITIZEN_DUPLICATE_RADIUS_M", 250)
# A reporter's phone number is removed this many days after the problem is closed (PIPL §19).
CITIZEN_PHONE_RETENTION_DAYS = env_int("CITIZEN_PHONE_RETENTION_DAYS", 180)
# Reports per IP address and per device: (window in seconds, most reports in it).
CITIZEN_RATE_LIMITS = [
    (3600, env_int("CITIZEN_REPORTS_PER_HOUR", 5)),
    (86400, env_int("CITIZEN_REPORTS_PER_DAY", 20)),
]
# Outbound notification channels besides the in-app inbox: "email", "sms" (comma-separated).
NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", [])
# The SMS gateway (dotted path to a class with send(phone, text)); the console one only logs.
SMS_GATEWAY = env("SMS_GATEWAY", "chuangcheng.notifications.channels.ConsoleSmsGateway")

# --- Authentication and sessions (reference/security.md 8–12) --------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 practice: 3 of the 4 character classes (ASVS disagrees; we follow 等保, see docs/security.md)
    {"NAME": "chuangcheng.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout (minutes) and absolute session lifetime (hours).
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_ABSOLUTE_TIMEOUT_HOURS = env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lock a username after 5 failures for 30 minutes; the count lives in the database, so it
# survives restarts. By default an IP address is locked too (security.md 9); a county whose
# staff all sit behind one NAT address may set LOGIN_LOCKOUT_BY_IP=0.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = (
    ["username", "ip_address"] if env_bool("LOGIN_LOCKOUT_BY_IP", True) else ["username"]
)
AXES_RESET_ON_SUCCESS = True
# The lock lasts 30 minutes from the 5th failure; tries during the lock do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "chuangcheng.core.views.lockout"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# build/static holds the front-end libraries `make assets` copies from node_modules.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Media is never served from a public URL: views check visibility, then stream the file.
MEDIA_URL = "/media/"

S3_BUCKET = env("S3_BUCKET")
if S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "access_key": env("S3_ACCESS_KEY"),
            "secret_key": env("S3_SECRET_KEY"),
            "region_name": env("S3_REGION"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: images are checked by content and re-encoded (core.uploads); these caps refuse
# oversized ones with a clear message before any decoding.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_MEGAPIXELS", 40) * 1_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A multipart request may carry a checklist with photos for many items.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("UPLOAD_MAX_FILES", 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # deny by default (DRF's own default is AllowAny); querysets are scoped with visible_to
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ChuangCheng API",
    "DESCRIPTION": "创城 — 四城同创 campaign platform",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Security headers (security.md 11) -------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy, QR codes and other absolute links use the public host name.
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
if env("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # the directive alone submits nothing; a site joins the preload list only when its owner applies
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging: no passwords, tokens, session ids or phone numbers (security.md 20) ------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "chuangcheng.utils.requestid.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Product settings -------------------------------------------------------------------------
SITE_NAME = env("SITE_NAME", "四城同创工作平台")
# Map tiles: none by default (county intranets have no internet); set to the county's own tile
# server, e.g. "https://tiles.example.gov.cn/{z}/{x}/{y}.png".
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
MAP_MAX_ZOOM = env_int("MAP_MAX_ZOOM", 18)
if MAP_TILE_URL:
    # the county's own tile server is the one other host pages may load images from
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
