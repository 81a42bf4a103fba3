"""Configuration read from the environment."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        (BASE_DIR / "instance").mkdir(exist_ok=True)
        return f"sqlite:///{BASE_DIR / 'instance' / 'contest.sqlite3'}"
    # Accept the common postgres:// spelling and choose psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# The key used only in development (FLASK_DEBUG=1) and tests when none is set; never accepted
# elsewhere, since anyone can read it here and sign an organizer's session cookie with it.
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"
SECRET_KEY_FILE = BASE_DIR / "instance" / "secret_key"  # written once by `make run`
MIN_SECRET_KEY_LENGTH = 16


def _secret_key() -> str | None:
    """SECRET_KEY from the environment, else the one `make run` keeps in instance/secret_key."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    try:
        return SECRET_KEY_FILE.read_text().strip() or None
    except OSError:
        return None


def secret_key_problem(key: str | None, development: bool) -> str | None:
    """Why the app must not start with this SECRET_KEY, or None. Development (FLASK_DEBUG=1) and
    tests may run without one (the development key is then used); nothing else may.

    >>> secret_key_problem(None, development=True) is None
    True
    >>> secret_key_problem("3f9a0c6d1b2e4f5a8c7d9e0f1a2b3c4d", development=False) is None
    True
    >>> secret_key_problem(None, False).startswith("SECRET_KEY is not set")
    True
    >>> secret_key_problem(DEVELOPMENT_SECRET_KEY, False).startswith("SECRET_KEY is the development")
    True
    >>> secret_key_problem("short", False).startswith("SECRET_KEY is too short")
    True
    """
    if development:
        return None
    how = ("Set the SECRET_KEY environment variable to a long random string, e.g. the output of "
           "python -c 'import secrets; print(secrets.token_hex(32))' (the same value for every worker "
           "and server), or put it in instance/secret_key; `make run` does that for you. "
           "On a laptop, FLASK_DEBUG=1 runs with the development key.")
    if not key:
        return "SECRET_KEY is not set, so anyone could forge a session. " + how
    if key == DEVELOPMENT_SECRET_KEY:
        return "SECRET_KEY is the development key, which anyone can read in the source. " + how
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY is too short (under {MIN_SECRET_KEY_LENGTH} characters) to keep sessions safe. " + how
    return None


def engine_options(pooler: str | None) -> dict:
    """SQLAlchemy engine options. Pre-ping: a connection the database dropped (a restart) is
    replaced before use. Behind PgBouncer in transaction pooling (DATABASE_POOLER=pgbouncer),
    consecutive transactions of one app connection may run on different server connections, so
    psycopg 3 must not prepare statements (prepare_threshold=None): a statement prepared on one
    server connection does not exist on the next ("prepared statement _pg3_0 does not exist").

    >>> engine_options(None)
    {'pool_pre_ping': True}
    >>> engine_options("pgbouncer")
    {'pool_pre_ping': True, 'connect_args': {'prepare_threshold': None}}
    """
    options = {"pool_pre_ping": True}
    if (pooler or "").strip().lower() == "pgbouncer":
        options["connect_args"] = {"prepare_threshold": None}
    return options
# Rate limits (contest/ratelimit.py): for each action, (per signed-in user, per address), in
# Flask-Limiter's notation; None is no limit of that kind. Each can be set from the environment,
# RATE_LIMIT_<ACTION>_USER / RATE_LIMIT_<ACTION>_ADDRESS ("none" for no limit). Addresses are
# generous: a school or an office reaches the server from one address.
RATE_LIMIT_DEFAULTS = {
    "register": (None, "60 per 10 minutes"),  # a classroom registering at once, not a script
    "save": ("120 per minute", "3000 per minute"),  # a member saves often; counted per process
    "submit": ("10 per minute", "600 per minute"),
    "upload": ("10 per minute", "60 per minute"),  # essay files, bank, member and unit imports
    "export": ("30 per minute", "120 per minute"),  # exports, reports, PDFs, the anthology
}


def _rate_limits() -> dict:
    def read(action, who, default):
        value = os.environ.get(f"RATE_LIMIT_{action.upper()}_{who}")
        if value is None:
            return default
        return None if value.strip().lower() in ("", "none", "0") else value.strip()

    return {action: (read(action, "USER", user), read(action, "ADDRESS", address))
            for action, (user, address) in RATE_LIMIT_DEFAULTS.items()}


class Config:
    SECRET_KEY = _secret_key()  # checked by create_app(); see secret_key_problem()
    SQLALCHEMY_DATABASE_URI = _database_url()
    # Pre-ping: a pooled connection is tested when taken, so after a database restart the app
    # reconnects by itself (the connections lost mid-request answer 503, see app.py _errors);
    # DATABASE_POOLER=pgbouncer: see engine_options.
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(os.environ.get("DATABASE_POOLER"))
    # Retry-After of a 503 while the database does not answer: a PostgreSQL crash-restart and a
    # gunicorn worker's respawn are back within it (bench/README.md "Faults").
    DATABASE_RETRY_AFTER = int(os.environ.get("DATABASE_RETRY_AFTER", "5"))
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    RATE_LIMITS = _rate_limits()
    # Behind a reverse proxy (nginx, HAProxy), the number of proxies that add X-Forwarded-For:
    # the per-address limits then count the client's address, not the proxy's. 0 (the default)
    # trusts no such header: a client could claim any address with it.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Implausible attempts flagged to organizers (contest/rounds/flags.py): every answer within
    # this many seconds of the previous one; this many accounts from one address within so many
    # minutes (registered, or starting a round).
    FLAG_TOO_FAST_SECONDS = float(os.environ.get("FLAG_TOO_FAST_SECONDS", "2"))
    FLAG_ACCOUNTS_PER_ADDRESS = int(os.environ.get("FLAG_ACCOUNTS_PER_ADDRESS", "5"))
    FLAG_ADDRESS_MINUTES = int(os.environ.get("FLAG_ADDRESS_MINUTES", "10"))
    SELF_REGISTRATION = os.environ.get("SELF_REGISTRATION", "1") == "1"
    # `make run` sets DEMO=1: the sign-in page lists the demo accounts and says why their short
    # passwords exist (load-demo writes them directly; registration would refuse them).
    DEMO = os.environ.get("DEMO") == "1"
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Asia/Ho_Chi_Minh")
    # Shown in every page's header: the platform's name (default: "Học tập và làm theo Bác",
    # translated) and the body that organizes the contests (none by default).
    PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "").strip() or None
    ORGANIZATION_NAME = os.environ.get("ORGANIZATION_NAME", "").strip() or None
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    WTF_CSRF_TIME_LIMIT = None  # a member may keep a round open for a long time
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    # Behind HTTPS in production: SECURE_COOKIES=1 keeps the session and remember-me cookies
    # off plain HTTP.
    SESSION_COOKIE_SECURE = os.environ.get("SECURE_COOKIES") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # How long "remember me" lasts; the server refuses a sign-in session older than this too.
    REMEMBER_COOKIE_DURATION = timedelta(days=365)
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    LEADERBOARD_CACHE_SECONDS = int(os.environ.get("LEADERBOARD_CACHE_SECONDS", "15"))
    # Background jobs (contest/jobs/): an RQ queue on REDIS_URL, else a thread of the process;
    # JOBS_INLINE=1 waits for that thread before the request answers (tests).
    JOBS_INLINE = os.environ.get("JOBS_INLINE") == "1"
    JOBS_TIMEOUT = int(os.environ.get("JOBS_TIMEOUT", "3600"))
    # The address the public pages are reached at ("https://thi.example.vn"): the QR code of a
    # certificate points there. Unset: the host of the request that asked for the certificates.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/") or None
    # flask-smorest / OpenAPI
    API_TITLE = "Contest platform API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    REDIS_URL = None  # sign-in counts in the process; tests that share Redis set it themselves
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "100000 per minute"  # on, but out of the way; one test lowers it
    # On, but out of the way (every test client is 127.0.0.1); tests/api/test_rate_limits.py lowers them.
    RATE_LIMITS = {action: ("100000 per minute", "100000 per minute") for action in RATE_LIMIT_DEFAULTS}
    LEADERBOARD_CACHE_SECONDS = 0
    # A job a test starts runs before the request answers: left running in a thread, it would write
    # into the next test's tables (and on PostgreSQL hold up its TRUNCATE). The tests of the
    # thread and RQ runners turn it off.
    JOBS_INLINE = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
