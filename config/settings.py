"""Settings, all from environment variables (django-environ).

Defaults suit a developer's laptop: embedded SQLite under var/, DEBUG off unless asked.
Production sets DJANGO_SECRET_KEY, DATABASE_URL, DJANGO_ALLOWED_HOSTS and DJANGO_SECURE=1.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Only for development (DJANGO_DEBUG=1): anyone can read it here and forge sessions, password
# reset links and invitations signed with it.
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
if SECRET_KEY == DEVELOPMENT_SECRET_KEY and not DEBUG:
    # Checked here rather than only by `check --deploy`: gunicorn, the task worker and every
    # management command import the settings, and none of them must run on a public key.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is missing (or is the development key) while DJANGO_DEBUG is off. "
        "Set DJANGO_SECRET_KEY to a long random value "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
        "or DJANGO_DEBUG=1 on a development machine."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The site's own address, for links in e-mails and pages; on a development machine it follows
# the port `make run` serves on (PORT), unless SITE_URL says otherwise.
SITE_URL: str = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "mozilla_django_oidc",
    "fabriques.core",
    "fabriques.accounts",
    "fabriques.territories",
    "fabriques.programme",
    "fabriques.calls",
    "fabriques.deliverables",
    "fabriques.workinggroups",
    "fabriques.workshops",
    "fabriques.roadmaps",
    "fabriques.recommendations",
    "fabriques.studies",
    "fabriques.search",
    "fabriques.documents",
    "fabriques.cycle",
    "fabriques.workspace",
    "fabriques.public",
    "fabriques.opendata",
    "fabriques.api",
    "fabriques.demo",
]

MIDDLEWARE = [
    # First: refuses an oversized body from its Content-Length before anything reads it.
    "fabriques.core.middleware.RequestBodyLimitMiddleware",
    # Outside every middleware that writes a body: compresses HTML, JSON and CSV answers
    # (with its random padding against BREACH); the kept public pages come compressed once.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after Django's: its headers then reach every answer, static files included.
    "fabriques.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: an anonymous visitor's public page is answered from the cache
    # without reading a session, a CSRF token or a user (fabriques.public.pagecache).
    "fabriques.public.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before OTPMiddleware, which wraps the user it finds.
    "fabriques.accounts.middleware.NoSessionCookieMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fabriques.accounts.middleware.SignInLinkSessionMiddleware",
    "fabriques.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fabriques" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fabriques.core.context_processors.site",
                "fabriques.workspace.context_processors.grants",
                "fabriques.public.context_processors.open_calls",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'fabriques.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server share the embedded database.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # Seconds a write waits for another process's lock before "database is locked" (a 503).
    DATABASES["default"]["OPTIONS"].setdefault("timeout", env.int("DATABASE_LOCK_TIMEOUT", 10))
else:
    # A request must never wait on the database longer than gunicorn lets it live (60 s, see
    # config/gunicorn.conf.py): an unreachable or frozen server fails the connection after
    # DATABASE_CONNECT_TIMEOUT, a stuck query or lock is cancelled by the server, and the
    # request answers 503 (fabriques.core.failsafe). 0 disables a timeout (the release step's
    # migrations and the task worker's long jobs set DATABASE_STATEMENT_TIMEOUT=0).
    statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT", default=30)
    lock_timeout = env.int("DATABASE_LOCK_TIMEOUT", default=10)
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    options.setdefault(
        "options", f"-c statement_timeout={statement_timeout}s -c lock_timeout={lock_timeout}s"
    )
    # A server lost from the network (no RST) is noticed within about 30 s instead of the
    # kernel's two hours.
    options.setdefault("keepalives_idle", 10)
    options.setdefault("keepalives_interval", 5)
    options.setdefault("keepalives_count", 3)
    options.setdefault("tcp_user_timeout", 30000)
    # Django's backend with a health check bounded in time (fabriques.core.postgresql), so
    # that a kept connection to a frozen server is dropped rather than waited on.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "fabriques.core.postgresql"
# Connections kept between requests, checked before each request's first query: opening one
# costs about 2 ms of CPU on SQLite (Django's functions registered) and 4 ms on PostgreSQL (a
# server process started), as much as the rest of a signed-in page. 0 opens one per request,
# the default with DEBUG: the development server starts a thread per request, which would
# leave each kept connection to the garbage collector.
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
# One language, so no LocaleMiddleware: it would only add « Vary: Accept-Language » to every
# answer. Without it Django translates into LANGUAGE_CODE; a second language needs it back.
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "fabriques" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only production collects static files (Procfile's release step); local runs serve them from
# the apps through WhiteNoise's finders, so no STATIC_ROOT is needed there.
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default="") or None
STATICFILES_DIRS = [BASE_DIR / "fabriques" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files (deliberations, deliverables, attachments, answer letters) are private: only
# the views that check access serve them, never MEDIA_URL. On the local disk (MEDIA_ROOT) by
# default; in an S3-compatible object store when DJANGO_S3_BUCKET is set, so that several
# application servers and task workers share them.
s3_bucket = env.str("DJANGO_S3_BUCKET", default="")
if s3_bucket:
    default_file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": s3_bucket,
            # The provider's address (e.g. https://s3.fr-par.scw.cloud); empty for AWS itself.
            "endpoint_url": env.str("DJANGO_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DJANGO_S3_REGION", default="") or None,
            # Empty: boto3's own chain (AWS_* variables, instance role).
            "access_key": env.str("DJANGO_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("DJANGO_S3_SECRET_ACCESS_KEY", default="") or None,
            # No ACL on objects: they inherit the bucket's, which must stay private.
            "default_acl": None,
            # Any URL the storage makes (admin widgets) is signed and short-lived; the
            # platform itself streams files through its access-checking views.
            "querystring_auth": True,
            "querystring_expire": 300,
            # Two uploads with the same name never replace each other, as on the disk.
            "file_overwrite": False,
        },
    }
else:
    default_file_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_file_storage,
    "staticfiles": {
        # Production sets whitenoise.storage.CompressedManifestStaticFilesStorage and runs
        # collectstatic at release; local runs serve files straight from the apps.
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Local runs serve files straight from the apps, so `make run` needs no collectstatic.
# The finders (files read from the apps, uncompressed, unhashed) only where nothing was
# collected: in production WhiteNoise serves STATIC_ROOT alone, with the gzip and brotli
# copies collectstatic made (brotli: its package comes with WeasyPrint's fonttools).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=STATIC_ROOT is None)
WHITENOISE_AUTOREFRESH = DEBUG

# Security: strict by default for production (DJANGO_SECURE=1 behind an HTTPS reverse proxy).
SECURE = env.bool("DJANGO_SECURE", default=False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env.bool("DJANGO_SSL_REDIRECT", default=True)
# A load balancer asks the health check over plain HTTP, straight to the application server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587 ; the console in development.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Shown on the accessibility statement and legal notice when set.
CONTACT_EMAIL = env.str("DJANGO_CONTACT_EMAIL", default="")
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Fabriques <ne-pas-repondre@fabriques.local>"
)

TASKS = {
    "default": {
        "BACKEND": env.str("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Anonymous visitors' public pages kept whole per data version (fabriques.public.pagecache).
# Off by default with DJANGO_DEBUG=1, where a template edited on disk must show at once.
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=not DEBUG)
# After each write to the public data (or when a visitor finds the files behind the data), the
# task worker builds the open-data files again (fabriques.opendata.publishing); the daily job
# builds them if a change was missed.
OPEN_DATA_AUTO_PUBLISH = env.bool("OPEN_DATA_AUTO_PUBLISH", default=True)

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out person is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Before ProConnect: Client.force_login uses the first backend with get_user() (axes has
    # none), so this one.
    "fabriques.accounts.backends.EmailBackend",
    "fabriques.accounts.oidc.ProConnectBackend",
    # Never authenticates by itself: it names the sessions opened by a sign-in link
    # (BACKEND_SESSION_KEY), which keep Django's active-account and demo-account rules.
    "fabriques.accounts.backends.SignInLinkBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "public:home"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
PASSWORD_RESET_TIMEOUT = 3600 * 24
# Invitation links (single use) expire after this many days.
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
# Sign-in links (« lien de connexion », reusable by their person until they expire or are
# revoked) work this many days. A month: a working group meets every few weeks to every few
# months, and each e-mail the platform sends a member carries a fresh link, so a month covers
# an invitation, the meeting and the minutes' comment period; a forwarded or leaked e-mail
# stops opening the member's space within a month; a lost or expired link is replaced by
# asking a new one with one's address (/compte/lien/demander/).
SIGN_IN_LINK_TTL_DAYS = env.int("SIGN_IN_LINK_TTL_DAYS", default=30)

# Client addresses (fabriques.core.ratelimit.client_ip, for axes and every request limit):
# REMOTE_ADDR, unless the reverse proxies' header is named here with how many proxies append
# to it (nginx alone: HTTP_X_FORWARDED_FOR and 1). Never set them when clients can reach the
# application without those proxies: they could then claim any address.
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# E-mails sent on an anonymous request (password reset, sign-up), per hour: to one address, so
# that nobody floods an inbox, and from one client, so that nobody floods many. Over the limit
# the page answers as usual and nothing is sent (no hint of whether the address has an
# account). An agent needs one or two; a town hall behind one address rarely ten in an hour.
ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR = env.int("ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR", default=3)
ACCOUNT_EMAILS_PER_CLIENT_PER_HOUR = env.int("ACCOUNT_EMAILS_PER_CLIENT_PER_HOUR", default=10)

# Brute-force protection (django-axes, fabriques.accounts.lockout), failures within the
# cool-off (15 minutes) before password logins are refused for the rest of it:
# - AXES_FAILURE_LIMIT (5) for one address from one client: the person who mistypes;
# - LOGIN_FAILURE_LIMIT_PER_ADDRESS (20) for one address from any client, against a botnet
#   guessing one account's password (without it each address tries 4 more passwords); higher,
#   because anyone can lock a person out with it;
# - LOGIN_FAILURE_LIMIT_PER_CLIENT (30) for one client on any address, against spraying a
#   few common passwords at every account (4 per account stay under the first limit); high
#   enough for a town hall's or ministry's agents sharing one address, who mostly use ProConnect.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20)
LOGIN_FAILURE_LIMIT_PER_CLIENT = env.int("LOGIN_FAILURE_LIMIT_PER_CLIENT", default=30)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
# Each limit above is one of these (same order); the handler applies its own to each.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "fabriques.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "fabriques.core.ratelimit.client_ip"
# Only the failures of that address from that client (the handler narrows axes' reset).
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# Renders that template with the wait in minutes, in French.
AXES_LOCKOUT_CALLABLE = "fabriques.accounts.views.lockout"
# Counts « Alice@X.fr » and « alice@x.fr » as the same person.
AXES_USERNAME_CALLABLE = "fabriques.accounts.backends.axes_username"
# Only password logins count: ProConnect failures come from shared administration addresses.
AXES_WHITELIST_CALLABLE = "fabriques.accounts.backends.axes_not_a_password_attempt"
# Only failed attempts are kept (they expire with the cool-off); no log of every login.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no start-up banner on every management command

# Second factor (django-otp, TOTP). ANCT administrators and Django staff must set up an
# authenticator app when this is on; anyone with a confirmed device must give a code after a
# password login. ProConnect logins count as verified: the agent's own identity provider
# already authenticated them.
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=True)
OTP_TOTP_ISSUER = "Fabriques Prospectives"

# ProConnect (OpenID Connect) for State and local-authority agents. Disabled until the
# client is configured; PROCONNECT_BASE_URL is the issuer (e.g. https://auth.agentconnect.gouv.fr/api/v2).
PROCONNECT_BASE_URL = env.str("PROCONNECT_BASE_URL", default="").rstrip("/")
PROCONNECT_ENABLED = bool(PROCONNECT_BASE_URL) and env.bool("PROCONNECT_ENABLED", default=True)
# The `iss` that ID tokens and userinfo JWTs must carry.
OIDC_OP_ISSUER = env.str("PROCONNECT_ISSUER", default=PROCONNECT_BASE_URL)
OIDC_RP_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("PROCONNECT_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("PROCONNECT_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str(
    "PROCONNECT_SCOPES", default="openid email given_name usual_name uid siret"
)
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str(
    "PROCONNECT_AUTHORIZATION_ENDPOINT", default=f"{PROCONNECT_BASE_URL}/authorize"
)
OIDC_OP_TOKEN_ENDPOINT = env.str(
    "PROCONNECT_TOKEN_ENDPOINT", default=f"{PROCONNECT_BASE_URL}/token"
)
OIDC_OP_USER_ENDPOINT = env.str(
    "PROCONNECT_USERINFO_ENDPOINT", default=f"{PROCONNECT_BASE_URL}/userinfo"
)
OIDC_OP_JWKS_ENDPOINT = env.str("PROCONNECT_JWKS_ENDPOINT", default=f"{PROCONNECT_BASE_URL}/jwks")
OIDC_OP_LOGOUT_ENDPOINT = env.str(
    "PROCONNECT_LOGOUT_ENDPOINT", default=f"{PROCONNECT_BASE_URL}/session/end"
)
OIDC_USE_NONCE = True
OIDC_ALLOW_UNSECURED_JWT = False
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = env.int("PROCONNECT_TIMEOUT_SECONDS", default=10)
OIDC_CREATE_USER = env.bool("PROCONNECT_CREATE_USER", default=True)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_OP_LOGOUT_URL_METHOD = "fabriques.accounts.oidc.provider_logout_url"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fabriques.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "fabriques.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "API des Fabriques Prospectives",
    "DESCRIPTION": "API publique en lecture seule du programme des Fabriques Prospectives de l'ANCT.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Data files shipped with the repository.
DATA_DIR = BASE_DIR / "data"
PROGRAMME_SOURCE = (
    "ANCT, « Les Fabriques Prospectives : accompagner les territoires dans les transitions », "
    "Licence Ouverte 2.0"
)

# Deliverables owed by the provider: uploads (size, formats checked by content) and reminders.
DELIVERABLE_MAX_UPLOAD_BYTES = env.int("DELIVERABLE_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
DELIVERABLE_ALLOWED_EXTENSIONS = env.list(
    "DELIVERABLE_ALLOWED_EXTENSIONS", default=["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp"]
)
# Reminder e-mails: N days before the due date, then once after each of these overdue delays.
DELIVERABLE_REMINDER_DAYS_BEFORE = env.int("DELIVERABLE_REMINDER_DAYS_BEFORE", default=7)
DELIVERABLE_REMINDER_DAYS_AFTER = tuple(
    env.list("DELIVERABLE_REMINDER_DAYS_AFTER", cast=int, default=[1, 7])
)

# Calls for volunteers: applications not selected (and drafts of closed calls) are deleted
# this many days after the decision (or the closing); deliberations are PDFs up to this size.
APPLICATION_RETENTION_DAYS = env.int("APPLICATION_RETENTION_DAYS", default=365)
APPLICATION_MAX_UPLOAD_BYTES = env.int("APPLICATION_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)

# Bodies announced larger than the largest upload plus the form around it are refused with a
# 413 before a byte is read (fabriques.core.middleware); nginx's client_max_body_size matches.
REQUEST_MAX_BODY_BYTES = env.int(
    "REQUEST_MAX_BODY_BYTES",
    default=max(DELIVERABLE_MAX_UPLOAD_BYTES, APPLICATION_MAX_UPLOAD_BYTES) + 1024 * 1024,
)
# Seconds a client is asked to wait (Retry-After) when the database is unavailable.
DATABASE_UNAVAILABLE_RETRY_AFTER = env.int("DATABASE_UNAVAILABLE_RETRY_AFTER", default=30)

# Uploaded files (deliberations, deliverables) are parsed, never trusted: fabriques/core/uploads.py.
# A PDF is walked object by object: past these counts it is refused rather than read further.
UPLOAD_PDF_MAX_OBJECTS = env.int("UPLOAD_PDF_MAX_OBJECTS", default=100_000)
UPLOAD_PDF_MAX_PAGES = env.int("UPLOAD_PDF_MAX_PAGES", default=2_000)
# Files attached inside a PDF (/EmbeddedFiles) escape every other check: refused unless set.
UPLOAD_PDF_ALLOW_EMBEDDED_FILES = env.bool("UPLOAD_PDF_ALLOW_EMBEDDED_FILES", default=False)
# Office documents (OOXML, OpenDocument) and zip archives are judged on their central directory,
# never inflated: members, total declared size once inflated, and the compression ratio of any
# member past 1 MiB and of the whole (XML compresses ten- to thirtyfold; bombs a thousandfold).
UPLOAD_ZIP_MAX_MEMBERS = env.int("UPLOAD_ZIP_MAX_MEMBERS", default=5_000)
UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES", default=256 * 1024 * 1024
)
UPLOAD_ZIP_MAX_RATIO = env.int("UPLOAD_ZIP_MAX_RATIO", default=100)
# Stored uploads that no row references (a request that failed after writing its file) are
# deleted by run_daily once this old; younger ones may belong to a transaction still open.
UPLOAD_ORPHAN_GRACE_HOURS = env.int("UPLOAD_ORPHAN_GRACE_HOURS", default=24)

# The audit trail is kept five years (the privacy page says so), then purged by run_daily.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=5 * 365 + 1)
# Outgoing e-mails: the bodies (with their invitation and reset links) are blanked once sent;
# who was written to, about what and when, is kept this long, then purged by run_daily. Unsent
# messages are retried daily until then.
EMAIL_RETENTION_DAYS = env.int("EMAIL_RETENTION_DAYS", default=30)
# Rendered documents (PDF, DOCX, ODT files kept to serve them again) are deleted by run_daily
# this many days after they were asked for; the next request renders them anew. Some are a
# reader's own (the workspace booklet, with its notes): they must not pile up.
DOCUMENT_RETENTION_DAYS = env.int("DOCUMENT_RETENTION_DAYS", default=30)
# Finished task results (the worker's log of what ran) are purged by run_daily after this.
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=7)
# Working-group members (names, contact details, facts given with consent) are deleted this
# many days after their Fabrique is published, by run_daily (the privacy page says so).
WORKING_GROUP_RETENTION_DAYS = env.int("WORKING_GROUP_RETENTION_DAYS", default=365)
