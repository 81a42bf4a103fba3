"""Flask extensions, created unbound here and bound to the app in create_app()."""
from flask import current_app, request, session
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from redis.exceptions import RedisError
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))


@event.listens_for(Engine, "savepoint")
def _savepoint_inside_the_transaction(conn, name):
    """On SQLite, a SAVEPOINT opened while no transaction is open (pysqlite begins one only
    before its first INSERT, UPDATE or DELETE) *is* the transaction, and releasing it commits:
    a topic made by a bank import under ``begin_nested`` was committed on its own, before the
    questions and the audit row, and stayed when they failed. Open the transaction first, so
    the savepoint nests in the request's one transaction as it does on PostgreSQL."""
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    if not raw.in_transaction:
        conn.exec_driver_sql("BEGIN")
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
# Shared by every worker and server when REDIS_URL is set (RedisCache), in-process otherwise
# (SimpleCache): a freeze or a bank change is then seen everywhere. See cache_config().
cache = Cache()


def cache_config(config) -> dict:
    """Flask-Caching settings from the app's config: Redis when REDIS_URL is set."""
    if config.get("CACHE_TYPE"):
        return {}
    if config.get("REDIS_URL"):
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config["REDIS_URL"],
                "CACHE_KEY_PREFIX": config.get("CACHE_KEY_PREFIX", "contest:")}
    return {"CACHE_TYPE": "SimpleCache"}


# A cache is only a shortcut: when Redis does not answer, the caller computes afresh.
def cache_get(key: str):
    try:
        return cache.get(key)
    except RedisError:
        current_app.logger.warning("cache: Redis did not answer reading %s", key)
        return None


def cache_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except RedisError:
        current_app.logger.warning("cache: Redis did not answer writing %s", key)


def cache_forget(*keys: str) -> None:
    try:
        cache.delete_many(*keys)
    except RedisError:  # nobody can read it either while Redis does not answer
        current_app.logger.warning("cache: Redis did not answer forgetting %s", ", ".join(keys))

LOCALES = ("vi", "en")


def select_locale():
    """The user's saved choice, then the session's, then Vietnamese (the default)."""
    try:
        if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
            return current_user.locale
    except Exception:  # outside a request or before login is set up
        pass
    if request:
        chosen = session.get("locale")
        if chosen in LOCALES:
            return chosen
    return "vi"
