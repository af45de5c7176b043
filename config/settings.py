"""Pickframe settings: one module, read from the environment.

Every knob an operator may turn is an environment variable (see README.md,
"Deployment"). The defaults are for a developer's machine: SQLite, the
local-memory cache, debug off unless DJANGO_DEBUG=1.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent

# The design names CACHE_URL values "locmem://" and "dummy://"; django-environ
# only knows the longer spellings, so teach it ours.
environ.Env.CACHE_SCHEMES.update(
    {
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "dummy": "django.core.cache.backends.dummy.DummyCache",
        # Django's own Redis backend (never the django-redis package), made to
        # answer "not cached" instead of raising when Redis fails.
        "redis": "pagecache.backends.ResilientRedisCache",
    }
)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The development default is public on purpose: it only ever signs cookies of a
# local database. Production sets DJANGO_SECRET_KEY (check --deploy insists).
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-pickframe-development-only-key-do-not-use-in-production",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "simple_history",
    "axes",
    "csp",
    "editing",
    "comparisons",
    "recommender",
    "pagecache",
    "health",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request, sessions included: a NUL in the address or a
    # form is a 404 or a 400, and a cookie holding one is ignored.
    "pagecache.middleware.refuse_nul_bytes",
    # ETag from the body of every GET, so a repeat visit can get a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which signed-in user made each change (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: refuses sign-ins from locked-out clients.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "comparisons.context_processors.site",
            ],
        },
    },
]

# Plain widgets and error lists are written in Python (same HTML as Django's
# templates, several times faster): the editors' big pages hold hundreds.
FORM_RENDERER = "editing.renderers.FastRenderer"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: opening one costs more than most of our queries. The
# development server starts a thread per request, so there they would only pile up.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {"default": env.cache("CACHE_URL", default="locmem://")}
# Redis may fail: each cache call waits at most this long, and after a failure a
# process leaves Redis alone for CACHE_RETRY_AFTER seconds (pagecache.backends).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
CACHE_RETRY_AFTER = env.float("CACHE_RETRY_AFTER", default=5.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failures first, then refuses
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with content hashes in their names, served by whitenoise
    # with far-future cache headers. Needs `collectstatic` (make does it).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Request size limits: nothing a reader or an editor sends needs more.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A framework's admin page edits about 70 fact rows inline, each field sent
# twice (its value and the value the editor loaded): Django's default of 1000
# fields is too few. The size limit above still bounds every request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Markdown: one rendering function for pages and the editor's live preview.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "comparisons.markdown.render_markdown"
MARKDOWNX_MEDIA_PATH = "markdownx/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg"]
# Uploaded images may have at most this many pixels; the header says how many, so
# a larger image is refused before it is decoded (comparisons.views).
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=25_000_000)

LOGIN_URL = "admin:login"

# --- Security -------------------------------------------------------------------------
# Always on, whatever the deployment:
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # scripts read the token from the form, never the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# DJANGO_SECURE=1 is the switch for deployments served over HTTPS (behind a proxy
# that sets X-Forwarded-Proto): redirect to HTTPS, secure cookies, HSTS.
SECURE = env.bool("DJANGO_SECURE", default=False)
if SECURE:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Health checkers ask the app server over plain HTTP (health.views).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy on every response (django-csp). Scripts only from our
# own origin: no inline scripts, no eval. Inline styles stay allowed because the
# admin sets a few style attributes; they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Sign-in protection (django-axes, editing.signin): five failures within the
# cool-off time, either at one username or from one client address, lock that
# username (from anywhere) or that client (whichever account it tries) out of
# the admin until the cool-off has passed. A successful sign-in forgives only
# that client's failures at that same account.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "editing.signin.SignInHandler"
AXES_CLIENT_IP_CALLABLE = "editing.signin.client_address"
# How many proxies in front of the app servers append to X-Forwarded-For (the
# shipped nginx: 1). 0 trusts no header: the client is whoever connects.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

# How long readers' pages may be kept (pagecache.caching, docs/deploy.md). Our own
# cache is keyed by the content version, so it is fresh at once; a shared cache in
# front (nginx) may serve a page READER_SHARED_MAX_AGE seconds after a change, and
# a browser revalidates after READER_MAX_AGE.
READER_MAX_AGE = env.int("READER_MAX_AGE", default=0)
READER_SHARED_MAX_AGE = env.int("READER_SHARED_MAX_AGE", default=60)
READER_STALE_WHILE_REVALIDATE = env.int("READER_STALE_WHILE_REVALIDATE", default=30)
# Each process keeps rendered comparisons and profiles while the content stands, up to
# this many bytes of HTML for each kind (0 keeps none: every request renders afresh).
READER_MEMO_BYTES = env.int("READER_MEMO_BYTES", default=32 * 1024 * 1024)

# A fact falls due for a re-check (the admin's "Facts to re-check" page) about
# this many months after it was last verified; fast-changing facts (versions,
# "current" wording) sooner. Facts verified on the same day are spread out.
FACTS_MAX_AGE_MONTHS = env.int("FACTS_MAX_AGE_MONTHS", default=12)
FAST_FACTS_MAX_AGE_MONTHS = env.int("FAST_FACTS_MAX_AGE_MONTHS", default=3)

# Machine checks (manage.py check_sources, manage.py sync_pypi; docs/deploy.md).
SOURCE_CHECK_TIMEOUT = env.float("SOURCE_CHECK_TIMEOUT", default=10.0)
SOURCE_CHECK_WORKERS = env.int("SOURCE_CHECK_WORKERS", default=8)
SOURCE_CHECK_USER_AGENT = env(
    "SOURCE_CHECK_USER_AGENT",
    default="PickframeFactCheck/1.0 (checks the sources pickframe cites, once a day)",
)
PYPI_URL = env("PYPI_URL", default="https://pypi.org")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
