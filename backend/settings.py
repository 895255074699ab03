"""Django settings for Yizhan. Every deployment knob is an environment variable (see README)."""

from pathlib import Path

import dj_database_url

from backend.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The default key is only for local runs; the stations.W001 check warns when it is used with DEBUG off.
INSECURE_DEFAULT_SECRET_KEY = "django-insecure-yizhan-local-only"
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "stations",
]

# Sessions, auth and messages are the admin's: the backend.middleware subclasses skip them for the
# stateless API under /api/ and are Django's own elsewhere. CSRF is Django's own class, everywhere:
# the admin's session logins need it, `check --deploy` recognises only it (security.W003, W016),
# and on the API it costs ~4 µs (ninja's views are csrf_exempt; the bearer tokens need no token).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a request body: uploads too large for their endpoint are refused unread.
    "backend.middleware.UploadBodyLimit",
    # Static files (admin, planner page) served by the app itself, DEBUG or not: `make run` and
    # a lone gunicorn need no web server in front.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "backend.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "backend.middleware.AuthenticationMiddleware",
    "backend.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.middleware.JsonMethodNotAllowed",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# SQLite by default (zero set-up); DATABASE_URL=postgres://... switches to PostgreSQL.
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "yizhan.sqlite3")))
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side binding lets psycopg prepare the hot search statement once per connection.
        # Behind PgBouncer in transaction mode it needs PgBouncer >= 1.21 (max_prepared_statements).
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Reuse the connection across requests: opening one and running the PRAGMAs below
            # costs more than a whole nearest-station search.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 600),
            "OPTIONS": {
                # WAL lets readers run while an import writes; IMMEDIATE avoids lock-upgrade deadlocks.
                # Memory-mapped reads and a 64 MB page cache keep index seeks off the read()
                # syscall path (the OS page cache is shared between processes).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    f" PRAGMA mmap_size={env_int('SQLITE_MMAP_BYTES', 1 << 30)};"
                    f" PRAGMA cache_size=-{env_int('SQLITE_CACHE_KIB', 65536)};"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file too (not Django's shared-cache in-memory database, whose table
            # locks fail at once instead of waiting), so concurrency tests see real locking.
            "TEST": {"NAME": str(SQLITE_PATH.with_name(f"test_{SQLITE_PATH.stem}.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the riders' abuse-limit counters, which every worker must share: set
# REDIS_URL (redis://127.0.0.1:6379/0) when running more than one process; the default
# in-process cache only suits a single process.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "yizhan")}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Riders' reports (stations.reports): days the owning union has to handle one (urgent types:
# closed, gone, unsafe_or_dirty), and the abuse limits (writes per rider and per client address
# an hour, reports per rider on one station a day, new rider keys per address an hour).
REPORT_DUE_DAYS_URGENT = env_int("REPORT_DUE_DAYS_URGENT", 2)
REPORT_DUE_DAYS = env_int("REPORT_DUE_DAYS", 7)
RIDER_WRITES_PER_HOUR = env_int("RIDER_WRITES_PER_HOUR", 30)
ADDRESS_WRITES_PER_HOUR = env_int("ADDRESS_WRITES_PER_HOUR", 120)
RIDER_REPORTS_PER_STATION_PER_DAY = env_int("RIDER_REPORTS_PER_STATION_PER_DAY", 5)
RIDER_KEYS_PER_ADDRESS_PER_HOUR = env_int("RIDER_KEYS_PER_ADDRESS_PER_HOUR", 10)
# Webhooks: seconds to wait for an endpoint, attempts before giving up (back-off doubles from 30 s).
WEBHOOK_TIMEOUT_S = env_int("WEBHOOK_TIMEOUT_S", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Serve straight from the apps' static folders (no collectstatic step needed); collectstatic into
# STATIC_ROOT still works for a web server or CDN in front.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up if it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Serve uploaded photos from MEDIA_ROOT through Django (fine for one small deployment; behind
# a web server or with S3-compatible storage, set SERVE_MEDIA=false and serve them there).
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

# The largest file POST /api/v1/manage/imports accepts (backend.middleware refuses a larger
# request before reading it).
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# The most rows an upload may hold: more stop its import (nothing written). Memory of an import
# grows with its rows (its duplicate checks, ~0.2 KB a row), so this bounds it.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_000_000)
# Uploads up to this size are imported within the request (200); larger ones become background
# jobs (202, run by `manage.py run_import_jobs`). At 256 KB the slowest format (an .xlsx with a
# formula, ~6,000 rows) still imports in a few seconds, far from gunicorn's 30 s worker timeout
# (bench/bench_uploads.py --parts sync); a district's own table is usually a few dozen KB.
IMPORT_SYNC_MAX_BYTES = env_int("IMPORT_SYNC_MAX_BYTES", 256 * 1024)
# Where queued uploads wait for their job: a folder every app server and worker can read (the
# "imports" storage below; any Django storage backend works).
IMPORT_UPLOAD_ROOT = Path(env_str("IMPORT_UPLOAD_ROOT", str(BASE_DIR / "var" / "imports")))
# A running job whose worker has not written for this long is marked failed (its worker died;
# nothing was written). Workers write every second on PostgreSQL.
IMPORT_JOB_LOST_AFTER_S = env_int("IMPORT_JOB_LOST_AFTER_S", 600)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},  # photos, under MEDIA_ROOT
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Not under MEDIA_ROOT, which may be served to anyone: uploads hold the unions' phone lists.
    "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": IMPORT_UPLOAD_ROOT}},
}

# Photos a station may have (a manager deletes one to add another: 409 past it).
MAX_PHOTOS_PER_STATION = env_int("MAX_PHOTOS_PER_STATION", 20)

# Seconds each process reuses its station-density grid, which only tunes where nearest searches
# start (results are exact either way); rebuilding reads the search index once.
NEAREST_DENSITY_TTL_S = env_int("NEAREST_DENSITY_TTL_S", 600)

# Seconds the health endpoint may reuse its station count (keeps /health O(1) per request).
HEALTH_COUNT_CACHE_S = env_int("HEALTH_COUNT_CACHE_S", 10)

# Behind a proxy that terminates TLS the site is HTTPS-only: trust the proxy's X-Forwarded-Proto
# (so its HTTPS requests are not redirected again: no loop), redirect plain HTTP, send HSTS and
# keep the admin's cookies off plain HTTP. Each knob can be set on its own.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_TLS_PROXY)
# A load balancer checks each app server over plain HTTP, bypassing the proxy: never redirected.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", BEHIND_TLS_PROXY)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", BEHIND_TLS_PROXY)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", BEHIND_TLS_PROXY)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", BEHIND_TLS_PROXY)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
