"""Configuration read from the environment.

Every setting has a safe embedded default so the marketplace runs out of the box
on SQLite with the SQL search backend. Production overrides them through
environment variables (see the table in README.md).
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    ENV_NAME = os.environ.get("MARKETPLACE_ENV", "development")

    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'marketplace.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Session cookies: never readable from JS, not sent on cross-site POSTs,
    # and only over HTTPS anywhere but a developer's machine.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", ENV_NAME != "development")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    # Failed-login throttle (marketplace/accounts/throttle.py). Per (email,
    # client address) pair: this many failures pass, then each further attempt
    # waits LOGIN_BACKOFF_SECONDS, doubling, at most the window; an attacker
    # elsewhere never locks the owner out. Per client address: this many
    # failures for any emails, then refused until the window passes. Failures
    # are forgotten after a window without attempts.
    LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_BACKOFF_SECONDS = _env_int("LOGIN_BACKOFF_SECONDS", 30)
    LOGIN_MAX_FAILURES_PER_IP = _env_int("LOGIN_MAX_FAILURES_PER_IP", 30)
    LOGIN_FAILURE_WINDOW_SECONDS = _env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)

    API_TOKEN_TTL_DAYS = _env_int("API_TOKEN_TTL_DAYS", 365)

    # How many reverse proxies stand in front of the app and set X-Forwarded-For/-Proto/-Host.
    # 0 (the default) trusts none of those headers: the client address is the
    # socket's. Behind one proxy, set 1, or every login is throttled as one address.
    TRUSTED_PROXY_HOPS = _env_int("TRUSTED_PROXY_HOPS", 0)

    # Where people reach the marketplace: links in mail point here.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60)

    # Mail (marketplace/mail/transport.py): empty writes every message to the log.
    MAIL_URL = os.environ.get("MAIL_URL", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "OCOP Marketplace <no-reply@ocop.vn>")

    # Request bodies: larger ones are refused (413) before they are read, and
    # JSON nested deeper is refused (422) before it is parsed.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 1024 * 1024)
    MAX_JSON_DEPTH = _env_int("MAX_JSON_DEPTH", 32)

    # flask-smorest / OpenAPI
    API_TITLE = "OCOP Marketplace API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Swagger UI's assets are served by the app itself (swagger-ui-bundle),
    # so the docs page works without reaching a CDN.
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    # How callers authenticate; each operation names the schemes it accepts
    # (marketplace.api.Blueprint.access), so Swagger UI has an Authorize button.
    API_SPEC_OPTIONS = {"components": {"securitySchemes": {
        "bearerToken": {"type": "http", "scheme": "bearer", "bearerFormat": "ocop_…",
                        "description": "An API token from POST /api/v1/auth/tokens (shown once)."},
        "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                          "description": "The browser session set by POST /api/v1/auth/login."},
        "bankSignature": {"type": "apiKey", "in": "header", "name": "X-Signature",
                          "description": "The hex HMAC-SHA256 of the raw request body, keyed with "
                                         "BANK_WEBHOOK_SECRET (bank notifications only)."},
    }}}

    # Orders and payments
    SHIPPING_FEES_VND = {
        "same_province": _env_int("SHIPPING_FEE_SAME_PROVINCE_VND", 20_000),
        "same_region": _env_int("SHIPPING_FEE_SAME_REGION_VND", 30_000),
        "other_region": _env_int("SHIPPING_FEE_OTHER_REGION_VND", 45_000),
    }
    FREE_SHIPPING_FROM_VND = _env_int("FREE_SHIPPING_FROM_VND", 0)  # 0: never free
    CARD_RESERVATION_MINUTES = _env_int("CARD_RESERVATION_MINUTES", 30)
    BANK_TRANSFER_RESERVATION_HOURS = _env_int("BANK_TRANSFER_RESERVATION_HOURS", 48)
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    # Signs bank notifications (POST /api/v1/bank/incoming-transfers, X-Signature).
    # Unset: the endpoint refuses every notification (401); statements can still be imported.
    BANK_WEBHOOK_SECRET = os.environ.get("BANK_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # tests point this at localstripe
    # Stripe.js for card entry; the browser tests load localstripe's fake at <localstripe>/js.stripe.com/v3/.
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
    # Where shoppers send bank transfers (shown with the order's transfer reference).
    PLATFORM_BANK = {
        "bank_name": os.environ.get("PLATFORM_BANK_NAME", "Vietcombank"),
        "bank_bin": os.environ.get("PLATFORM_BANK_BIN", "970436"),
        "account_number": os.environ.get("PLATFORM_BANK_ACCOUNT", "0011004455667"),
        "account_name": os.environ.get("PLATFORM_BANK_ACCOUNT_NAME", "CONG TY OCOP MARKETPLACE"),
    }

    # Payouts
    COMMISSION_DEFAULT_BPS = _env_int("COMMISSION_DEFAULT_BPS", 1000)  # 10%, before group/producer rates
    PAYOUT_HOLD_DAYS = _env_int("PAYOUT_HOLD_DAYS", 7)          # after delivery, before earnings are payable
    PAYOUT_MINIMUM_VND = _env_int("PAYOUT_MINIMUM_VND", 200_000)

    # Stored files (marketplace/storage): product photos and certificate documents.
    # "" keeps them on this machine's disk under STORAGE_DIR (default: the instance folder);
    # "s3://bucket[/prefix]" puts them in an S3-compatible bucket (S3_* below; without keys
    # boto3 uses its own credential chain).
    STORAGE_URL = os.environ.get("STORAGE_URL", "")
    STORAGE_DIR = os.environ.get("STORAGE_DIR", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # e.g. a MinIO server; empty for AWS
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    # Uploads (marketplace/catalog/media.py): photos are checked by content and re-encoded.
    UPLOAD_IMAGE_MAX_BYTES = _env_int("UPLOAD_IMAGE_MAX_BYTES", 8 * 1024 * 1024)
    UPLOAD_IMAGE_MAX_PIXELS = _env_int("UPLOAD_IMAGE_MAX_PIXELS", 40_000_000)
    UPLOAD_DOCUMENT_MAX_BYTES = _env_int("UPLOAD_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
    PRODUCT_MAX_IMAGES = _env_int("PRODUCT_MAX_IMAGES", 10)
    # Background jobs (marketplace/jobs): with REDIS_URL they go to RQ and a
    # `flask jobs worker` runs them; empty runs them in-process after commit.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "marketplace")
    # Seconds before each retry of a failed job, RQ's and in-process alike; then it is kept as failed.
    JOBS_RETRY_INTERVALS = [int(s) for s in os.environ.get("JOBS_RETRY_INTERVALS", "10,60,300,1800").split(",") if s]
    JOBS_TIMEOUT_SECONDS = _env_int("JOBS_TIMEOUT_SECONDS", 600)
    JOBS_FAILURE_TTL_SECONDS = _env_int("JOBS_FAILURE_TTL_SECONDS", 30 * 24 * 3600)  # failed jobs kept this long
    JOBS_MONITORING_INTERVAL = _env_int("JOBS_MONITORING_INTERVAL", 30)  # the worker's heartbeat while a job runs
    JOBS_HEARTBEAT_GRACE = _env_int("JOBS_HEARTBEAT_GRACE", 60)  # a job unheard of this long after a beat is abandoned
    JOBS_MAINTENANCE_INTERVAL = _env_int("JOBS_MAINTENANCE_INTERVAL", 60)  # how often a worker requeues abandoned jobs
    JOBS_WORKER_TTL = _env_int("JOBS_WORKER_TTL", 420)
    # Extra modules that register jobs, comma-separated (the tests add theirs).
    JOBS_IMPORT = [m for m in os.environ.get("JOBS_IMPORT", "").split(",") if m]

    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "sql")
    ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
    ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "ocop-products")  # an alias
    # Keyword arguments for the Elasticsearch client (ca_certs, api_key, timeouts...), set in code.
    ELASTICSEARCH_CLIENT_OPTIONS: dict = {}


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # Argon2 at production cost makes a suite of hundreds of logins slow;
    # the algorithm is the same, only the work factor drops.
    PASSWORD_HASH_FAST = True
    MAIL_URL = "log://"  # tests that read mail start a real SMTP server on loopback (tests/mail_support.py)
    JOBS_RETRY_INTERVALS = [0.01, 0.02]  # in-process retries on their timer, but at once
    BANK_WEBHOOK_SECRET = "test-bank-webhook-secret"
