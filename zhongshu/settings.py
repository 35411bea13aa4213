"""Zhongshu settings: one module, driven by the environment.

Every deployment-specific value comes from an environment variable; the defaults give a working
demo on SQLite (``make run``). See README.md for the table of variables.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZHONGSHU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Mode ---------------------------------------------------------------------------------
ZHONGSHU_MODE = os.environ.get("ZHONGSHU_MODE", "").strip().lower()
if not ZHONGSHU_MODE:
    # pytest runs the suite in test mode without anyone having to remember the variable.
    ZHONGSHU_MODE = "test" if "pytest" in sys.modules else "demo"
if ZHONGSHU_MODE not in {"demo", "production", "test"}:
    raise ImproperlyConfigured(
        f"ZHONGSHU_MODE must be 'demo' or 'production', not {ZHONGSHU_MODE!r}"
    )
DEMO_MODE = ZHONGSHU_MODE in {"demo", "test"}
PRODUCTION = ZHONGSHU_MODE == "production"
TESTING = ZHONGSHU_MODE == "test"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production mode.")

# --- Secret key: from the environment, else generated once into var/ (never committed) -----
SECRET_KEY_GENERATED = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode refuses a generated key: set SECRET_KEY "
            "to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()
    SECRET_KEY_GENERATED = True

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "zhongshu.core",
    "zhongshu.org",
    "zhongshu.search",
    "zhongshu.notify",
    "zhongshu.workflow",
    "zhongshu.documents",
    "zhongshu.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhongshu.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhongshu.org.middleware.SessionPolicyMiddleware",
    "zhongshu.org.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhongshu.urls"
WSGI_APPLICATION = "zhongshu.wsgi.application"
AUTH_USER_MODEL = "org.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhongshu.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
SQLITE_PATH = VAR_DIR / "zhongshu.sqlite3"
if DATABASE_URL:
    scheme = DATABASE_URL.split(":", 1)[0].lower()
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported: use postgres://… or sqlite:///…"
        )
    default_db = dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
else:
    default_db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(SQLITE_PATH)}

if default_db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and IMMEDIATE transactions: concurrent writers wait instead of failing.
    default_db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    default_db["CONN_MAX_AGE"] = 600
else:
    # The planner's price of a random read, for data on SSD or in memory (PostgreSQL's 4.0 is
    # for spinning disks): with 4.0 it hashes a whole table where a few hundred index lookups
    # do (an ordinary drafter's list at 1,000,000 documents: 7.4× → 4.2× the bare page;
    # bench/README.md). A DBA's own value: PG_RANDOM_PAGE_COST, or "" to leave the server's.
    page_cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1").strip()
    if page_cost:
        options = default_db.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c random_page_cost={float(page_cost)}"
        options["options"] = options["options"].strip()
DATABASES = {"default": default_db}
if TESTING:
    # Live-server threads must not keep connections open, or the test database can't be
    # dropped at the end of the run.
    default_db["CONN_MAX_AGE"] = 0
    # One test database per test process, so that parallel runs never share (or drop) one.
    if default_db["ENGINE"] == "django.db.backends.sqlite3":
        default_db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    else:
        default_db["TEST"] = {"NAME": f"test_{default_db['NAME']}_{os.getpid()}"}

# --- Queue (Huey): Redis when REDIS_URL is set, SQLite otherwise ---------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "zhongshu",
        "url": REDIS_URL,
        "immediate": TESTING,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "zhongshu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
QUEUE_HEARTBEAT_STALE_SECONDS = 180

# --- Caches -------------------------------------------------------------------------------
# Tests run in parallel processes (pytest-xdist): each worker gets its own Redis database and
# its own media directory, since the tests clear the cache (FLUSHDB) and share stored files.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "") if TESTING else ""
if REDIS_URL:
    cache_url = REDIS_URL
    if TEST_WORKER.removeprefix("gw").isdigit():
        parts = urlsplit(REDIS_URL)
        worker_db = 1 + int(TEST_WORKER.removeprefix("gw")) % 15
        cache_url = urlunsplit(parts._replace(path=f"/{worker_db}"))
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zhongshu.org.backends.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = max(8, env_int("PASSWORD_MIN_LENGTH", 12))
PASSWORD_HISTORY_COUNT = 5
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
PASSWORD_MAX_AGE_DAYS_CLASSIFIED = env_int("PASSWORD_MAX_AGE_DAYS_CLASSIFIED", 30)
INITIAL_PASSWORD_VALID_HOURS = 24
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "zhongshu.org.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "mobile")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zhongshu.org.validators.PasswordHistoryValidator"},
]
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "org:login"

# django-axes: 5 failures in 15 minutes lock username+IP for 15 minutes (等保 8.1.4.1b).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "zhongshu.org.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "zhongshu.org.signin.axes_lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Sessions: database rows so sign-out, disabling and password change can end them all.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_IDLE_MINUTES_ADMIN = env_int("SESSION_IDLE_MINUTES_ADMIN", 15)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

OTP_TOTP_ISSUER = "Zhongshu"
OTP_TOTP_TOLERANCE = 1

# API tokens (knox): hashed, expiring, revoked at sign-out, disable and password change.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_HOURS", 12)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}

REST_FRAMEWORK = {
    # Token first: an anonymous API call gets 401 with ``WWW-Authenticate: Token``. No Basic.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhongshu.api.authentication.TokenAuthentication",
        "zhongshu.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "zhongshu.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {"export": "60/min", "token": "30/min"},
    "EXCEPTION_HANDLER": "zhongshu.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhongshu API",
    "DESCRIPTION": "Zhongshu (中枢) office administration API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "ClassificationEnum": "zhongshu.core.models.Classification",
        "RoleEnum": "zhongshu.org.models.Role",
        "AdminRoleEnum": "zhongshu.org.models.AdminRole",
        "LanguageEnum": "zhongshu.org.models.Language",
        "MemoStateEnum": "zhongshu.documents.models_memo.MemoState",
    },
}

# --- Security headers ---------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-language"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhongshu" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_ROOT = Path(
    os.environ.get("MEDIA_ROOT", VAR_DIR / (f"media-{TEST_WORKER}" if TEST_WORKER else "media"))
)
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 5000

# --- E-mail -------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:  # kept as files, one per batch, so the terminal of `make run` stays readable
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zhongshu@localhost")

# --- Audit --------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < 184:
    raise ImproperlyConfigured(
        "AUDIT_RETENTION_DAYS must be at least 184 (six calendar months, 网络安全法 §21)."
    )

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SITE_NAME = _("Zhongshu")

AXES_SENSITIVE_PARAMETERS = ["password", "otp", "new_password1", "new_password2", "old_password"]

# --- Working days, files, notifications ---------------------------------------------------
OFFICE_DAY_END = os.environ.get("OFFICE_DAY_END", "17:30")
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 100) * 1024 * 1024
# The address people open the system at, for links in e-mails and IM robot messages.
SITE_URL = os.environ.get("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
NOTIFY_ROBOT_ALLOW_LOOPBACK = False  # tests only: robots at http://127.0.0.1 (notify.delivery)

# 「涉密不上网，上网不涉密」 (DESIGN.md §2): only a deployment on a certified classified network may
# draft or hold the text of anything marked 秘密 or above. Off: catalogue data only.
CLASSIFIED_NETWORK = env_bool("CLASSIFIED_NETWORK", False)

# 发文字号 (issue 4 item 5): 条例 §25 fixes the number at 登记, after 复核; an office may instead
# allocate it at 签发 (gongwen.md, corrections). True: the signing code calls
# documents.numbering.allocate at 签发, and 登记 keeps the number the document already has.
DOCUMENTS_NUMBER_AT_SIGNING = env_bool("DOCUMENTS_NUMBER_AT_SIGNING", False)

# --- Documents: fonts of the GB/T 9704 renderer (zhongshu/documents/render/fonts.py) ------
# Licensed faces dropped into DOCUMENT_FONTS_DIR win; then faces installed on the system, in the
# order of each list; Debian's free faces (fonts-noto-cjk, fonts-lxgw-wenkai) end every list.
# "Family:bold" asks for the bold face. Each list can be replaced by a comma-separated variable.
DOCUMENT_FONTS_DIR = Path(os.environ.get("DOCUMENT_FONTS_DIR", VAR_DIR / "fonts"))
DOCUMENT_FONTS = {
    "fangsong": env_list(
        "DOCUMENT_FONT_FANGSONG",
        ["仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"],
    ),
    "xiaobiaosong": env_list(
        "DOCUMENT_FONT_XIAOBIAOSONG",
        [
            "方正小标宋简体",
            "FZXiaoBiaoSong-B05S",
            "方正小标宋_GBK",
            "小标宋",
            "Noto Serif CJK SC:bold",
        ],
    ),
    "kaiti": env_list(
        "DOCUMENT_FONT_KAITI", ["楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "LXGW WenKai"]
    ),
    "heiti": env_list("DOCUMENT_FONT_HEITI", ["黑体", "SimHei", "Noto Sans CJK SC"]),
    "songti": env_list("DOCUMENT_FONT_SONGTI", ["宋体", "SimSun", "Noto Serif CJK SC"]),
}

if TESTING:
    # The test-only workflow subject (CONVENTIONS.md "Tests").
    INSTALLED_APPS.append("tests.testapp")
