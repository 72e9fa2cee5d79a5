"""Settings shared by every mode, read from environment variables.

Every variable read here is listed and explained in `.env.example`. The defaults are safe for
development and the demo: SQLite, the database search backend, eager Celery tasks, email to the console.
`production.py` only hardens these; `test.py` only makes tests fast and isolated.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local `.env` file (never committed) may hold the variables for a developer machine.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------------------

# The development default is deliberately marked insecure; production.py refuses to start without a
# real DJANGO_SECRET_KEY.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-development-only-never-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Project apps first so their templates override those of the libraries below.
    "marketplace.core",
    "accounts",
    "cms",
    "shops",
    "orders",
    "payments",
    "search",
    "workshops",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    # API
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "django_htmx",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "marketplace.core.pagecache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "marketplace" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "marketplace.core.context_processors.site",
                "orders.context_processors.cart",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis serves as Celery broker and cache unless told otherwise; empty means "not configured":
# a local-memory cache and tasks run eagerly in the web process (the demo).
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="pasar"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous visitors' storefront pages are cached this many seconds at most (0: off); changes invalidate them at
# once (marketplace/core/pagecache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)

# --- Accounts ---------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pasar UMKM] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# allauth's own defaults, spelled out so nobody turns them off by accident: failed logins, signups,
# password resets and verification mails are all limited (counted in the cache).
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pasar UMKM"

# Google login appears only when both values are set.
GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET", default="")
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "EMAIL_AUTHENTICATION": True,
        "APPS": (
            [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}]
            if GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET
            else []
        ),
    }
}

# Headless API for app clients: /_allauth/app/v1/..., authenticated afterwards with X-Session-Token.
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False
HEADLESS_SERVE_SPECIFICATION = True

PHONENUMBER_DEFAULT_REGION = "ID"
PHONENUMBER_DB_FORMAT = "E164"

# --- Email ------------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Every mail goes into the outbox (a database row written in the caller's transaction) and a task sends it
# after commit through the backend EMAIL_URL names, retrying with backoff; a beat task sweeps what is left.
# So an SMTP server or broker that is down never fails a request, and no mail is lost (DESIGN §4).
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
# Seconds one SMTP operation may take before the delivery attempt fails (and is retried later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Delivery attempts before an outgoing email is marked failed; the waits between them double from
# EMAIL_OUTBOX_FIRST_RETRY_SECONDS up to EMAIL_OUTBOX_MAX_RETRY_SECONDS (8 attempts: about 2 hours).
EMAIL_OUTBOX_MAX_ATTEMPTS = env.int("EMAIL_OUTBOX_MAX_ATTEMPTS", default=8)
EMAIL_OUTBOX_FIRST_RETRY_SECONDS = env.int("EMAIL_OUTBOX_FIRST_RETRY_SECONDS", default=60)
EMAIL_OUTBOX_MAX_RETRY_SECONDS = 6 * 60 * 60
# How long a worker's claim on an outgoing email lives: far longer than a send bounded by EMAIL_TIMEOUT,
# so only a worker that died mid-send lets it run out (the sweep then retries the mail).
EMAIL_OUTBOX_CLAIM_SECONDS = 10 * 60
# Outgoing emails the sweep queues per run (it runs every minute).
EMAIL_OUTBOX_SWEEP_BATCH = 100
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Pasar UMKM <noreply@pasarumkm.localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Language and time ------------------------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "marketplace" / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "marketplace" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names; served by WhiteNoise with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    # No collectstatic needed in development or the demo.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Wagtail ----------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Pasar UMKM"
WAGTAILADMIN_BASE_URL = SITE_URL
# Operators log in through the same allauth login as everybody else, so rate limits and MFA apply.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Wagtail's user admin uses our forms through accounts.viewsets.UserViewSet (set in AccountsConfig.ready).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "xlsx", "docx", "txt"]

# --- API --------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.core.api.exceptions.exception_handler",
    # Also picks the language of messages from Accept-Language: /api/ has no language prefix.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "marketplace.core.api.negotiation.ContentNegotiation",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pasar UMKM API",
    "DESCRIPTION": (
        "REST API of Pasar UMKM. App clients authenticate through the allauth headless API "
        "(`/_allauth/app/v1/auth/login`) and send the returned session token as `X-Session-Token`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["marketplace.core.api.schema.public_api_only"],
    # Fields named alike with different choices ("status" of a shop and of a product) get one enum each.
    "ENUM_NAME_OVERRIDES": {
        "ShopStatusEnum": "shops.models.Shop.Status",
        "ProductStatusEnum": "shops.models.Product.Status",
        "ProductModerationEnum": "shops.models.Product.Moderation",
        "ProductImportStatusEnum": "shops.models.ProductImport.Status",
        "ShippingKindEnum": "orders.models.ShippingOption.Kind",
        "ShopOrderStatusEnum": "orders.models.ShopOrder.Status",
        "PaymentMethodEnum": "orders.models.PaymentMethod",
        "PaymentStatusEnum": "payments.models.Payment.Status",
        "WorkshopStatusEnum": "workshops.models.Workshop.Status",
        "RegistrationStatusEnum": "workshops.models.Registration.Status",
        "OnboardingStepEnum": "workshops.selectors.STEP_KEYS",
        "InviteResultEnum": "workshops.api.INVITE_RESULTS",
        "CheckInResultEnum": "workshops.api.CHECK_IN_RESULTS",
    },
}

# --- Background work --------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker (the demo) tasks run in the web process as soon as they are queued.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A request must never hang on a dead broker: publishing gives up quickly and the durable intent in
# the database (outbox row or dirty flag) is picked up later by a beat task.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "visibility_timeout": 3600}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "publish-open-data": {
        "task": "cms.tasks.publish_open_data",
        "schedule": crontab(hour=2, minute=30),  # Makassar time: yesterday's sales are all in
        "options": {"expires": 6 * 3600},
    },
    "flush-product-views": {"task": "shops.tasks.flush_product_views", "schedule": crontab(minute="*/5")},
    "clear-expired-sessions": {
        "task": "marketplace.core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "sweep-outgoing-email": {
        "task": "marketplace.core.tasks.sweep_outgoing_email",
        "schedule": crontab(),  # every minute
        # A sweep still waiting after a minute is superseded by the next one.
        "options": {"expires": 55},
    },
    "sweep-product-image-renditions": {
        "task": "shops.tasks.sweep_product_image_renditions",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 290},
    },
    "warn-expiring-halal-certificates": {
        "task": "shops.tasks.warn_expiring_halal_certificates",
        "schedule": crontab(hour=7, minute=5),  # Makassar time, before sellers start their day
        "options": {"expires": 6 * 3600},
    },
    "sweep-product-imports": {
        "task": "shops.imports.tasks.sweep_product_imports",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 290},
    },
    "expire-unpaid-orders": {
        "task": "orders.tasks.expire_unpaid_orders",
        "schedule": crontab(),  # every minute: stock comes back soon after the deadline
        "options": {"expires": 55},
    },
    "remind-unpaid-orders": {
        "task": "orders.tasks.remind_unpaid_orders",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 590},
    },
    "delete-abandoned-carts": {
        "task": "orders.tasks.delete_abandoned_carts",
        "schedule": crontab(hour=3, minute=37),  # after the expired sessions are cleared
        "options": {"expires": 6 * 3600},
    },
    "complete-shipped-orders": {
        "task": "orders.tasks.complete_shipped_orders",
        "schedule": crontab(minute=23),  # hourly
        "options": {"expires": 3500},
    },
    "sweep-search-index": {
        "task": "search.tasks.sweep_search_index",
        "schedule": crontab(),  # every minute: products still marked dirty after the on-commit task
        "options": {"expires": 55},
    },
    "sweep-payment-events": {
        "task": "payments.tasks.sweep_payment_events",
        "schedule": crontab(),  # every minute: webhook events the on-commit task did not process
        "options": {"expires": 55},
    },
    "resend-refunds": {
        "task": "payments.tasks_money.resend_refunds",
        "schedule": crontab(minute="*/5"),  # card refunds the broker never carried
        "options": {"expires": 290},
    },
    "run-stripe-payouts": {
        "task": "payments.tasks_money.run_stripe_payouts",
        "schedule": crontab(minute=41),  # hourly, after the auto-complete run made funds available
        "options": {"expires": 3500},
    },
    "send-workshop-reminders": {
        "task": "workshops.tasks.send_workshop_reminders",
        "schedule": crontab(minute=7),  # hourly; mails from 08:00 WITA the day before
        "options": {"expires": 3500},
    },
    "complete-finished-workshops": {
        "task": "workshops.tasks.complete_finished_workshops",
        "schedule": crontab(minute=13),  # hourly
        "options": {"expires": 3500},
    },
    "mail-stuck-participants": {
        "task": "workshops.tasks.mail_stuck_participants",
        "schedule": crontab(hour=8, minute=3, day_of_week=1),  # Monday morning, Makassar time
        "options": {"expires": 6 * 3600},
    },
}

# --- Orders and payments ----------------------------------------------------------------------------

# The platform's bank accounts shoppers transfer to (JSON list of {"bank", "number", "holder"}); empty hides
# bank transfer at checkout.
BANK_TRANSFER_ACCOUNTS = env.json(
    "BANK_TRANSFER_ACCOUNTS",
    default=[{"bank": "BPD Bali", "number": "0123456789", "holder": "PT Pasar UMKM Digital"}],
)
# An order not paid within this many hours is cancelled and its stock released.
ORDER_PAYMENT_WINDOW_HOURS = env.int("ORDER_PAYMENT_WINDOW_HOURS", default=24)
# The shopper is reminded this many hours before an unpaid order expires.
ORDER_PAYMENT_REMINDER_HOURS = env.int("ORDER_PAYMENT_REMINDER_HOURS", default=6)
# A shipped order the shopper neither confirmed nor reported a problem with completes after this many days.
ORDER_AUTO_COMPLETE_DAYS = env.int("ORDER_AUTO_COMPLETE_DAYS", default=7)
# The platform's commission on a sale, in basis points (500 = 5%), unless the category or the shop sets its own;
# frozen on each order line when the order is placed.
COMMISSION_DEFAULT_BASIS_POINTS = env.int("COMMISSION_DEFAULT_BASIS_POINTS", default=500)

# --- Search -----------------------------------------------------------------------------------------

ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=2.0)
# The alias searches read; `manage.py search_reindex` builds "<alias>-<timestamp>" indexes behind it.
SEARCH_INDEX_ALIAS = env.str("SEARCH_INDEX_ALIAS", default="pasar-products")
# Text analysis of the index: "indonesian" (stemming and stop words) or "standard" (servers without it).
SEARCH_ANALYSIS = env.str("SEARCH_ANALYSIS", default="indonesian")
# Synonyms operators extend (Solr format, one group per line); read when an index is built.
SEARCH_SYNONYMS_FILE = env.str("SEARCH_SYNONYMS_FILE", default=str(BASE_DIR / "search" / "synonyms.txt"))
# After a search server error or timeout, search answers from the database for this many seconds.
SEARCH_BREAKER_PAUSE = env.float("SEARCH_BREAKER_PAUSE", default=30.0)
# The client's transport node class (dotted path); empty = the client's default. Tests point it at an
# adapter for the in-memory OpenSearch-compatible server they start.
ELASTICSEARCH_NODE_CLASS = ""

# --- Shops --------------------------------------------------------------------------------------------

# New products wait for an operator's approval before they appear (otherwise they publish directly).
SHOPS_NEW_PRODUCTS_NEED_REVIEW = env.bool("SHOPS_NEW_PRODUCTS_NEED_REVIEW", default=False)

# --- Payments ---------------------------------------------------------------------------------------

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Where the SDK sends requests; empty = Stripe's own API. Tests point it at a local stand-in.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# The SDK retries connection errors, 409s, 429s and 5xx this many times (same idempotency key) before we see them.
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# Sellers may connect a Stripe account (Express) to be paid by transfers; off = bank payouts only.
STRIPE_CONNECT_ENABLED = env.bool("STRIPE_CONNECT_ENABLED", default=True)
STRIPE_CONNECT_COUNTRY = env.str("STRIPE_CONNECT_COUNTRY", default="ID")

# --- Refunds, ledger and payouts -----------------------------------------------------------------------
# Sellers may refund a completed order themselves for this many days; after that only operators can.
REFUND_SELLER_WINDOW_DAYS = env.int("REFUND_SELLER_WINDOW_DAYS", default=14)
# The smallest payout an operator batch or a Stripe transfer sends (rupiah).
PAYOUT_MINIMUM = env.int("PAYOUT_MINIMUM", default=10_000)

# --- Open data ---------------------------------------------------------------------------------------
# Who publishes the programme's open data (named in every dataset's metadata and the DCAT catalogue).
OPEN_DATA_PUBLISHER = env.str("OPEN_DATA_PUBLISHER", default="Pemerintah Kabupaten Badung — Program UKM GO-DIGITAL")

# --- Security defaults (production.py tightens) -----------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Logging ----------------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        # One line per request to the search server is noise; its failures are logged by search itself.
        "elastic_transport": {"level": "WARNING"},
    },
}
