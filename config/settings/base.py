"""Base settings, driven by environment variables (see README, "Configuration").

Used as is by ``make run`` (one machine, SQLite, plain HTTP on 127.0.0.1); ``production``
tightens transport security on top; ``test`` makes the suite fast and hermetic.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _local_secret_key() -> str:
    """A random key kept in var/ so that `make run` sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "smartkampung.core",
    "smartkampung.regions",
    "smartkampung.accounts",
    "smartkampung.audit",
    "smartkampung.population",
    "smartkampung.budgets",
    "smartkampung.letters",
    "smartkampung.welfare",
    "smartkampung.projects",
    "smartkampung.health",
    "smartkampung.economy",
    "smartkampung.field",
    "smartkampung.dashboards",
    "smartkampung.portal",
    "smartkampung.ops",
]

MIDDLEWARE = [
    # Times the whole request (docs/operations.md, /metrics).
    "smartkampung.ops.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Lag-tolerant pages read from the replica when one is configured (config/db_router.py).
    "config.db_router.ReplicaReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what the middleware below and the views produce (HTML, JSON, CSV).
    "smartkampung.core.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartkampung.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "smartkampung.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "smartkampung.core.context_processors.shell",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------------------
# SQLite (WAL, immediate transactions so that SELECT ... FOR UPDATE paths serialise) by default;
# PostgreSQL through DATABASE_URL=postgres://user@host:5432/name.
# A Patroni cluster: DATABASE_URL=postgres://user@node1:6432,node2:6432/name?target_session_attrs=
# read-write (libpq's host list, config/database.py); SK_DATABASE_REPLICA_URL adds the replica for
# lag-tolerant reads (config/db_router.py, docs/operations.md).
DATABASES = {
    "default": database_config(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'smartkampung.sqlite3'}",
        conn_max_age=60,
    )
}
if os.environ.get("SK_DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_config(os.environ["SK_DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# GET/HEAD requests under these prefixes may read from the replica (a few moments behind).
SK_REPLICA_READ_PATHS = env_list(
    "SK_REPLICA_READ_PATHS",
    ["/portal/", "/dashboards/", "/api/v1/portal/", "/api/v1/dashboards/"],
)
# Apps whose rows are always read on the primary (sessions, logins and the task queue must see
# their own writes at once).
SK_REPLICA_EXCLUDED_APPS = env_list(
    "SK_REPLICA_EXCLUDED_APPS",
    ["sessions", "auth", "accounts", "contenttypes", "django_tasks_db", "audit"],
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sk_cache",
    }
}

# --- accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["smartkampung.accounts.backends.UsernameBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (ADR 0004): an account locks after SK_LOCKOUT_ACCOUNT_FAILURES failures within the window,
# an address after SK_LOCKOUT_ADDRESS_FAILURES (higher: a village office shares one NAT address).
SK_LOCKOUT_ACCOUNT_FAILURES = int(os.environ.get("SK_LOCKOUT_ACCOUNT_FAILURES", "5"))
SK_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("SK_LOCKOUT_ADDRESS_FAILURES", "30"))
SK_LOCKOUT_WINDOW_MINUTES = int(os.environ.get("SK_LOCKOUT_WINDOW_MINUTES", "15"))
# Number of proxies in front of the app whose X-Forwarded-For entries are trusted (0: none).
SK_TRUSTED_PROXIES = int(os.environ.get("SK_TRUSTED_PROXIES", "0"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- content security policy: no inline script, no third-party script -------------------------
SK_MAP_TILE_URL = os.environ.get(
    "SK_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
SK_MAP_TILE_ATTRIBUTION = os.environ.get(
    "SK_MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""


_TILE_ORIGIN = _origin(SK_MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"] + ([_TILE_ORIGIN] if _TILE_ORIGIN else []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- i18n: Indonesian first, English complete --------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "sk_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")

# --- static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("SK_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are never served straight from storage: views stream them with a checked
# content type, `nosniff` and `Content-Disposition`, after a scope check.
MEDIA_URL = "/media-not-served/"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("SK_STORAGE") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("SK_S3_BUCKET", "smartkampung"),
            "endpoint_url": os.environ.get("SK_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("SK_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Hard cap on any single uploaded file (imports, attachments, photos); apps may set lower limits.
SK_MAX_UPLOAD_BYTES = int(os.environ.get("SK_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024)))

# --- background work ---------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- API ---------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- platform ----------------------------------------------------------------------------------
# Functions that `manage.py demo_seed` runs in order; each app adds its own demo data.
SK_DEMO_SEEDERS = [
    "smartkampung.accounts.demo.seed",
    "smartkampung.budgets.demo.seed",
    "smartkampung.population.demo.seed",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "smartkampung.ops.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
# Structured logs: SK_LOG_FORMAT=json writes one JSON object per line (docs/operations.md).
SK_LOG_FORMAT = os.environ.get("SK_LOG_FORMAT", "text")
if SK_LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"  # type: ignore[index]
# Where "/" sends a visitor who is not logged in (the public portal once it exists).
SK_ANONYMOUS_HOME_URL = os.environ.get("SK_ANONYMOUS_HOME_URL", "/accounts/login/")
# Key for secrets at rest (TOTP seeds, letter-signing keys); derived from SECRET_KEY if unset.
SK_ENCRYPTION_KEY = os.environ.get("SK_ENCRYPTION_KEY", "")
# Signed audit checkpoints are appended here too (outside the database; keep it in the backups).
SK_AUDIT_CHECKPOINT_FILE = os.environ.get(
    "SK_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# audit_verify warns when events are older than this without a checkpoint (cron runs hourly).
SK_AUDIT_CHECKPOINT_MAX_AGE_HOURS = float(os.environ.get("SK_AUDIT_CHECKPOINT_MAX_AGE_HOURS", "2"))


# --- projects ---
# e-Village Monitoring (README "e-Village Monitoring"): stages, geometry and red-flag thresholds.
# Every threshold may be set in the environment under the same name.
def _env_number(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


# Progress stages (percent) at which villages report with photos: a regency setting.
SK_PROJECTS_STAGES = [int(s) for s in env_list("SK_PROJECTS_STAGES", ["0", "50", "100"])]
# Village boundaries are simplified: a project or photo this close outside still counts as inside.
SK_PROJECTS_BOUNDARY_TOLERANCE_M = _env_number("SK_PROJECTS_BOUNDARY_TOLERANCE_M", 300)
# H3 resolution of the indexed grid cells for the nearby search (9: cells of ~0.1 km²).
SK_PROJECTS_H3_RESOLUTION = int(_env_number("SK_PROJECTS_H3_RESOLUTION", 9))
# DUPLICATE_PROJECT: another project within D metres with a similar title (rapidfuzz
# token_set_ratio, 0-100) or the same work type, whose period overlaps or lies within GAP days;
# a very similar title is flagged across the last YEARS years even without close periods.
SK_PROJECTS_DUPLICATE_DISTANCE_M = _env_number("SK_PROJECTS_DUPLICATE_DISTANCE_M", 150)
SK_PROJECTS_DUPLICATE_TITLE_SIMILARITY = _env_number("SK_PROJECTS_DUPLICATE_TITLE_SIMILARITY", 85)
SK_PROJECTS_DUPLICATE_PERIOD_GAP_DAYS = int(
    _env_number("SK_PROJECTS_DUPLICATE_PERIOD_GAP_DAYS", 90)
)
SK_PROJECTS_DUPLICATE_YEARS = int(_env_number("SK_PROJECTS_DUPLICATE_YEARS", 3))
# DUPLICATE_PROJECT, title-independent (ADR 0037): the same durable work type at the same place
# (at least OVERLAP of the smaller work within DISTANCE m of the other) within YEARS years.
SK_PROJECTS_REBUILD_DISTANCE_M = _env_number("SK_PROJECTS_REBUILD_DISTANCE_M", 50)
SK_PROJECTS_REBUILD_OVERLAP = _env_number("SK_PROJECTS_REBUILD_OVERLAP", 0.5)
SK_PROJECTS_REBUILD_YEARS = int(_env_number("SK_PROJECTS_REBUILD_YEARS", 5))
SK_PROJECTS_DURABLE_WORK_TYPES = env_list(
    "SK_PROJECTS_DURABLE_WORK_TYPES",
    [
        "road",
        "bridge",
        "culvert",
        "retaining_wall",
        "drain",
        "irrigation",
        "building",
        "reservoir",
        "street_lighting",
        "jetty",
        "sports_field",
    ],
)
# PHOTO_REUSE: perceptual hashes (64 bits) at most this many bits apart are near-identical.
SK_PROJECTS_PHASH_MAX_DISTANCE = int(_env_number("SK_PROJECTS_PHASH_MAX_DISTANCE", 6))
# PHOTO_REUSE, corroborated (ADR 0038): pHash within this many bits AND the independent dHash
# within DHASH bits, on any pair of regions (whole, central and corner crops).
SK_PROJECTS_PHASH_CORROBORATED_DISTANCE = int(
    _env_number("SK_PROJECTS_PHASH_CORROBORATED_DISTANCE", 12)
)
SK_PROJECTS_DHASH_MAX_DISTANCE = int(_env_number("SK_PROJECTS_DHASH_MAX_DISTANCE", 12))
# GEOTAG_FAR_FROM_SITE: photo location farther than this from the project's geometry (metres,
# after subtracting the device's reported accuracy, capped at the same distance).
SK_PROJECTS_SITE_DISTANCE_M = _env_number("SK_PROJECTS_SITE_DISTANCE_M", 250)
# PHOTO_TIME_INCONSISTENT: captured more than N days before the planned start, or more than
# M minutes in the future (device clocks drift).
SK_PROJECTS_PHOTO_EARLY_DAYS = int(_env_number("SK_PROJECTS_PHOTO_EARLY_DAYS", 30))
SK_PROJECTS_PHOTO_FUTURE_MINUTES = int(_env_number("SK_PROJECTS_PHOTO_FUTURE_MINUTES", 60))
# PROGRESS_WITHOUT_EVIDENCE: a progress report still without photos after this many hours.
SK_PROJECTS_EVIDENCE_GRACE_HOURS = int(_env_number("SK_PROJECTS_EVIDENCE_GRACE_HOURS", 72))
# STALLED: past the planned end by more than this many days and below 100 %.
SK_PROJECTS_STALLED_GRACE_DAYS = int(_env_number("SK_PROJECTS_STALLED_GRACE_DAYS", 30))
# UNIT_COST_OUTLIER: Q3 + FACTOR x IQR over the regency's projects of the same work type and
# unit, once at least MIN_SAMPLES of them exist.
SK_PROJECTS_UNIT_COST_IQR_FACTOR = _env_number("SK_PROJECTS_UNIT_COST_IQR_FACTOR", 1.5)
SK_PROJECTS_UNIT_COST_MIN_SAMPLES = int(_env_number("SK_PROJECTS_UNIT_COST_MIN_SAMPLES", 8))
# Dotted path of a callable (*, village_code, activity_code, work_type, unit, year) ->
# Decimal | None giving the SSH unit-price ceiling; None until budgets' SSH table is plugged in.
# Budgets' SSH: composite work items whose category is the work type (ADR 0034); "" disables.
SK_UNIT_PRICE_CEILING_LOOKUP = (
    os.environ.get(
        "SK_UNIT_PRICE_CEILING_LOOKUP", "smartkampung.budgets.selectors.linking.unit_price_ceiling"
    )
    or None
)
# DISBURSED_AHEAD_OF_PROGRESS and the disbursement check: money released for a budget activity
# may reach its projects' evidenced stage plus this advance (percent of the activity's budget).
SK_PROJECTS_DISBURSEMENT_ADVANCE_PERCENT = _env_number(
    "SK_PROJECTS_DISBURSEMENT_ADVANCE_PERCENT", 30
)
# Photos: size limit, resumable-upload chunk limit and expiry, where partial uploads wait.
SK_PROJECTS_MAX_PHOTO_BYTES = int(_env_number("SK_PROJECTS_MAX_PHOTO_BYTES", 20 * 1024 * 1024))
SK_PROJECTS_UPLOAD_CHUNK_BYTES = int(_env_number("SK_PROJECTS_UPLOAD_CHUNK_BYTES", 4 * 1024 * 1024))
SK_PROJECTS_UPLOAD_EXPIRY_HOURS = int(_env_number("SK_PROJECTS_UPLOAD_EXPIRY_HOURS", 48))
SK_PROJECTS_PARTIAL_UPLOAD_DIR = os.environ.get("SK_PROJECTS_PARTIAL_UPLOAD_DIR", "")
SK_DEMO_SEEDERS.append("smartkampung.projects.demo.seed")

# --- budgets ------------------------------------------------------------------------------------
# "No money ahead of evidence": dotted paths to callables ``check(*, item, amount, actor)`` that
# return a refusal message (str) or None. The disbursement approval service calls each in order,
# the way Django calls its authentication backends; the first message refuses the approval and
# nothing changes. The projects app appends its progress check here (docs/budgets.md).
SK_DISBURSEMENT_CHECKS: list[str] = [
    # e-Village Monitoring: no release beyond the linked projects' photographed progress.
    "smartkampung.projects.checks.progress_check_for_disbursement",
]

# --- population ---------------------------------------------------------------------------------
# Citizens log in with their NIK (smartkampung.population.backends, ADR 0013).
AUTHENTICATION_BACKENDS = [
    *AUTHENTICATION_BACKENDS,
    "smartkampung.population.backends.NikBackend",
]
# Hours an activation code from the village office stays valid.
SK_POPULATION_ACTIVATION_HOURS = int(os.environ.get("SK_POPULATION_ACTIVATION_HOURS", "72"))
# Largest resident import file (CSV or XLSX) and most rows in one file.
SK_POPULATION_IMPORT_MAX_BYTES = int(
    os.environ.get("SK_POPULATION_IMPORT_MAX_BYTES", str(20 * 1024 * 1024))
)
SK_POPULATION_IMPORT_MAX_ROWS = int(os.environ.get("SK_POPULATION_IMPORT_MAX_ROWS", "200000"))

# --- letters ------------------------------------------------------------------------------------
# Letter numbers run per letter type ("per_type") or as one sequence for all types ("single"),
# per village and year. Change it only at the start of a year.
SK_LETTER_NUMBERING = os.environ.get("SK_LETTER_NUMBERING", "per_type")
# Where the QR code on a letter points (https://…/v/<token>): the public address of this site.
SK_PUBLIC_BASE_URL = os.environ.get(
    "SK_PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
)
# Signing backend (ADR 0043): the platform's own regency CA by default; a remote service
# (e.g. BSrE) is another class with the same interface.
SK_LETTERS_SIGNING_BACKEND = os.environ.get(
    "SK_LETTERS_SIGNING_BACKEND", "smartkampung.letters.signing.local.LocalSigningBackend"
)
# Key type of the local CA and signers: "rsa" (RSA-2048/3072, every PDF reader) or "ec" (P-256).
SK_LETTERS_KEY_ALGORITHM = os.environ.get("SK_LETTERS_KEY_ALGORITHM", "rsa")
# Step-up confirmation before signing, SPP approval and budget locking (ADR 0112): how long a
# confirmation holds, and whether village heads must use their authenticator code (production).
SK_STEPUP_SECONDS = int(os.environ.get("SK_STEPUP_SECONDS", "300"))
SK_STEPUP_TOTP_FOR_VILLAGE_HEADS = env_bool("SK_STEPUP_TOTP_FOR_VILLAGE_HEADS", False)
# RFC 3161 timestamps (ADR 0110): empty = the platform's own TSA under the regency CA; or the
# URL of an external TSA, with its root certificate(s) in a PEM file.
SK_LETTERS_TSA_URL = os.environ.get("SK_LETTERS_TSA_URL", "")
SK_LETTERS_TSA_TRUST_PEM = os.environ.get("SK_LETTERS_TSA_TRUST_PEM", "")
SK_LETTERS_TSA_TIMEOUT = int(os.environ.get("SK_LETTERS_TSA_TIMEOUT", "10"))
# Notifications to citizens: console (log), file (JSON lines) or an SMS/WhatsApp gateway class.
SK_LETTERS_NOTIFICATION_BACKEND = os.environ.get(
    "SK_LETTERS_NOTIFICATION_BACKEND", "smartkampung.letters.notifications.ConsoleBackend"
)
SK_LETTERS_NOTIFICATION_FILE = os.environ.get("SK_LETTERS_NOTIFICATION_FILE", "")
# The regency's emblem on the letterhead (an SVG file); a neutral emblem is used if unset.
SK_LETTERS_LOGO_SVG = os.environ.get("SK_LETTERS_LOGO_SVG", "")
# Attachments to a request: size cap per file and number of files.
SK_LETTERS_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("SK_LETTERS_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024))
)
SK_LETTERS_MAX_ATTACHMENTS = 10
# Public verification: requests per minute and address (page / PDF check).
SK_LETTERS_VERIFY_PER_MINUTE = int(os.environ.get("SK_LETTERS_VERIFY_PER_MINUTE", "60"))
SK_LETTERS_CHECK_PER_MINUTE = int(os.environ.get("SK_LETTERS_CHECK_PER_MINUTE", "10"))
# Runs after the population seeder (its demo letters need the demo residents).
SK_DEMO_SEEDERS.append("smartkampung.letters.demo.seed")

# --- dashboards ---------------------------------------------------------------------------------
# Regency dashboard (docs/portal.md). A village "runs Smart Kampung" when every criterion in
# SK_ROLLOUT_CRITERIA holds: "operator_login" — a village staff account with a role in
# SK_ROLLOUT_STAFF_ROLES logged in within SK_ROLLOUT_LOGIN_DAYS days; "services_issued" — at
# least SK_ROLLOUT_MIN_SERVICES letters issued in the last SK_ROLLOUT_SERVICE_DAYS days.
SK_ROLLOUT_CRITERIA = env_list("SK_ROLLOUT_CRITERIA", ["operator_login", "services_issued"])
SK_ROLLOUT_STAFF_ROLES = env_list("SK_ROLLOUT_STAFF_ROLES", ["village_operator"])
SK_ROLLOUT_LOGIN_DAYS = int(os.environ.get("SK_ROLLOUT_LOGIN_DAYS", "14"))
SK_ROLLOUT_SERVICE_DAYS = int(os.environ.get("SK_ROLLOUT_SERVICE_DAYS", "30"))
SK_ROLLOUT_MIN_SERVICES = int(os.environ.get("SK_ROLLOUT_MIN_SERVICES", "1"))
# The regency's target: how many villages should run Smart Kampung (Banyuwangi: 80, then all).
SK_ROLLOUT_TARGET = int(os.environ.get("SK_ROLLOUT_TARGET", "80"))
# Days of daily rollout snapshots shown in the trend.
SK_ROLLOUT_TREND_DAYS = int(os.environ.get("SK_ROLLOUT_TREND_DAYS", "90"))
# Precomputed figures older than this are refreshed in the background when someone looks
# (run `manage.py dashboard_refresh` from cron as well, see docs/portal.md).
SK_DASHBOARD_MAX_AGE_MINUTES = int(os.environ.get("SK_DASHBOARD_MAX_AGE_MINUTES", "15"))
SK_DEMO_SEEDERS.append("smartkampung.dashboards.demo.seed")

# --- portal -------------------------------------------------------------------------------------
# The public transparency portal (docs/portal.md). Visitors who are not logged in land on it.
SK_ANONYMOUS_HOME_URL = os.environ.get("SK_ANONYMOUS_HOME_URL", "/portal/")
# Small-cell suppression: population counts from 1 to THRESHOLD - 1 are hidden, plus the
# complementary cells that would let someone work them out (docs/portal.md).
SK_PORTAL_SUPPRESSION_THRESHOLD = int(os.environ.get("SK_PORTAL_SUPPRESSION_THRESHOLD", "5"))
# How long public pages and open-data files are cached (seconds).
SK_PORTAL_CACHE_SECONDS = int(os.environ.get("SK_PORTAL_CACHE_SECONDS", "600"))
# Projects shown to the public (with their EXIF-free progress photos): work that has started.
SK_PORTAL_PROJECT_STATUSES = env_list("SK_PORTAL_PROJECT_STATUSES", ["ongoing", "completed"])
# Licence of the open data (an SPDX identifier).
SK_PORTAL_DATA_LICENSE = os.environ.get("SK_PORTAL_DATA_LICENSE", "CC-BY-4.0")
# The public pages of 217 villages in two languages and a few years are more entries than
# Django's default cache limit (300, beyond which the database cache culls a third of them).
CACHES["default"]["OPTIONS"] = {  # type: ignore[assignment]  # (inferred as dict[str, str])
    "MAX_ENTRIES": int(os.environ.get("SK_CACHE_MAX_ENTRIES", "20000"))
}

# --- welfare ------------------------------------------------------------------------------------
# Checks the letters app runs when a village head approves a request: dotted paths to
# ``check(*, request, actor, reason)`` returning a refusal message or None (like
# SK_DISBURSEMENT_CHECKS). Welfare's refuses an SPM for a household outside the welfare register
# unless a reason is given, and records it (docs/welfare.md).
SK_LETTER_APPROVAL_CHECKS: list[str] = ["smartkampung.welfare.checks.spm_register_check"]
# Most rows in one DTKS/DTSEN file (one row per member).
SK_WELFARE_IMPORT_MAX_ROWS = int(os.environ.get("SK_WELFARE_IMPORT_MAX_ROWS", "2500000"))
# Largest DTKS/DTSEN file for the command line (the web upload keeps SK_MAX_UPLOAD_BYTES).
SK_WELFARE_IMPORT_MAX_BYTES = int(
    os.environ.get("SK_WELFARE_IMPORT_MAX_BYTES", str(400 * 1024 * 1024))
)
# Name similarity (rapidfuzz, 0–100) above which a row without NIK is a likely duplicate.
SK_WELFARE_DUPLICATE_NAME_SIMILARITY = int(
    os.environ.get("SK_WELFARE_DUPLICATE_NAME_SIMILARITY", "90")
)
# Seconds a process keeps the programmes and their rules (saving a programme forgets them).
SK_WELFARE_RULES_CACHE_SECONDS = int(os.environ.get("SK_WELFARE_RULES_CACHE_SECONDS", "30"))
# Households of deciles 1..N receiving nothing count as exclusion errors in the reports.
SK_WELFARE_EXCLUSION_DECILE = int(os.environ.get("SK_WELFARE_EXCLUSION_DECILE", "2"))
# The welfare register before the letters demo, whose SPMs need their households in it.
SK_DEMO_SEEDERS.insert(
    SK_DEMO_SEEDERS.index("smartkampung.letters.demo.seed"), "smartkampung.welfare.demo.seed"
)
# Health (issue 14). The welfare register's household status, named by a dotted path to
# ``(*, actor, household_ids) -> dict[int, WelfareStatus]``; empty: shown as unknown ("—").
SK_HEALTH_WELFARE_STATUS = os.environ.get(
    "SK_HEALTH_WELFARE_STATUS", "smartkampung.welfare.selectors.welfare_status_for_households"
)
# Logs the view of a household's welfare status shown on a health page or export (ADR 0082).
SK_HEALTH_WELFARE_VIEW_LOG = os.environ.get(
    "SK_HEALTH_WELFARE_VIEW_LOG", "smartkampung.welfare.services.welfare_view_log"
)
SK_DEMO_SEEDERS.append("smartkampung.health.demo.seed")
# The village economy (issue 18): after budgets, whose approved APBDes places the capital.
SK_DEMO_SEEDERS.append("smartkampung.economy.demo.seed")

# --- field ---
# The installable offline field app (README "Field app", docs/field.md): device sessions of
# field staff, and the kinds of record a device can queue (kind -> handler class; a new form
# adds its kind here).
SK_FIELD_DEVICE_SESSION_DAYS = int(os.environ.get("SK_FIELD_DEVICE_SESSION_DAYS", "180"))
SK_FIELD_RECORD_KINDS = {
    "progress_report": "smartkampung.field.kinds.progress.ProgressReportKind",
    "letter_request": "smartkampung.field.kinds.letters.LetterRequestKind",
    "posyandu_visit": "smartkampung.field.kinds.posyandu.PosyanduVisitKind",
}
# --- operations (docs/operations.md) ------------------------------------------------------------
# /metrics (Prometheus text format) answers a matching "Authorization: Bearer <token>" or a
# client address in the list (CIDR allowed); anyone else gets a 404.
SK_METRICS_TOKEN = os.environ.get("SK_METRICS_TOKEN", "")
SK_METRICS_ALLOWED_ADDRESSES = env_list("SK_METRICS_ALLOWED_ADDRESSES", ["127.0.0.1/32", "::1/128"])
# Where each app process leaves its request counts for /metrics to add up ("" = this process).
SK_METRICS_DIR = os.environ.get("SK_METRICS_DIR", str(VAR_DIR / "metrics"))
