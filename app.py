"""Application factory: configuration, extensions, blueprints, CLI. Nothing else."""
from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException


def create_app(config=None) -> Flask:
    import warnings

    from contest.config import Config

    # flask-smorest names the PATCH schema (RoundIO, partial) after RoundIO; harmless.
    warnings.filterwarnings("ignore", message="Multiple schemas resolved to the name RoundIO")

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    _check_secret_key(app)
    if app.config.get("PROXY_COUNT"):
        # Behind nginx or HAProxy: the client's address from X-Forwarded-For, for the per-address
        # rate limits and the addresses organizers see (contest/ratelimit.py, rounds/flags.py).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"])
    from contest import guards

    guards.init_app(app)  # the bounded `int` converter must be in place before any route
    _extensions(app)
    _blueprints(app)
    _errors(app)
    from contest.cli import register_cli

    register_cli(app)
    return app


def _check_secret_key(app: Flask) -> None:
    """Refuse to start with no SECRET_KEY, or a guessable one, outside development and tests.
    Development is FLASK_DEBUG=1 (`flask --debug run`), which is never set in production."""
    from contest.config import DEVELOPMENT_SECRET_KEY, secret_key_problem

    problem = secret_key_problem(app.config.get("SECRET_KEY"), development=app.debug or app.testing)
    if problem:
        raise RuntimeError(problem)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
        if not app.testing:
            app.logger.warning("SECRET_KEY is not set: the development key is used (FLASK_DEBUG=1).")


def _extensions(app: Flask) -> None:
    from contest.accounts.models import LoginSession
    from contest.audit import models as _audit_models  # noqa: F401  (the table is part of the schema)
    from contest.jobs import models as _jobs_models  # noqa: F401
    from contest.jobs import service as jobs
    from contest.extensions import (babel, cache, cache_config, csrf, db, limiter, login_manager, migrate,
                                    select_locale)

    db.init_app(app)
    jobs.init_app(app)  # a job starts when the transaction that queued it commits
    cache.init_app(app, config={**app.config, **cache_config(app.config)})
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", "migrations")))
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    # Registered before the limiter's hook, so it runs after it: a sign-in refused because the
    # account is waiting (throttle.py) tells that wait in Retry-After, not the reset of the
    # per-address window that flask-limiter writes there.
    @app.after_request
    def account_retry_after(response):
        from flask import g

        wait = g.pop("account_retry_after", None)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        return response

    limiter.init_app(app)

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to continue.")

    @login_manager.user_loader
    def load_user(user_id):
        # "<user id>:<session key>" from the session or the remember-me cookie: the user and the
        # sign-in session in one query; a session ended by sign-out (or an older cookie) is refused.
        from contest.clock import utcnow

        return LoginSession.find_user(user_id, not_before=utcnow() - app.config["REMEMBER_COOKIE_DURATION"])

    from contest import formatting

    formatting.init_app(app)  # after babel.init_app: its datetimeformat filter is replaced

    @app.context_processor
    def inject_helpers():
        from contest.extensions import select_locale as locale

        return {"current_locale": locale()}


def _blueprints(app: Flask) -> None:
    from contest.accounts.api import blp as accounts_api
    from contest.accounts.auth import load_api_user
    from contest.accounts.views import bp as accounts_bp
    from contest.api.core import Api
    from contest.audit.api import blp as audit_api
    from contest.audit.views import bp as audit_bp
    from contest.certificates.api import blp as certificates_api
    from contest.certificates.views import bp as certificates_bp
    from contest.extensions import csrf
    from contest.rounds.api import blp as rounds_api
    from contest.rounds.views import bp as rounds_bp
    from contest.essays.api import blp as essays_api
    from contest.essays.views import bp as essays_bp
    from contest.judging.api import blp as judging_api
    from contest.judging.views import bp as judging_bp
    from contest.jobs.api import blp as jobs_api
    from contest.standings.api import blp as standings_api
    from contest.standings.views import bp as standings_bp
    from question_bank.api import blp as bank_api
    from question_bank.views import bp as bank_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(standings_bp)
    app.register_blueprint(bank_bp)
    app.register_blueprint(essays_bp)
    app.register_blueprint(judging_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(certificates_bp)
    from contest.health import bp as health_bp

    app.register_blueprint(health_bp)
    from contest.pwa import bp as pwa_bp

    app.register_blueprint(pwa_bp)

    api = Api(app, spec_kwargs={"info": {"description": "JSON API v1 of the contest platform"}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for blp in (accounts_api, bank_api, rounds_api, standings_api, essays_api, judging_api, audit_api,
                jobs_api, certificates_api):
        api.register_blueprint(blp, url_prefix="/api/v1")
        csrf.exempt(blp)  # the API takes no cookies, so it needs no CSRF token
    app.before_request(load_api_user)
    app.extensions["api"] = api


def _errors(app: Flask) -> None:
    from contest.api.core import allow_header, http_exception_to_json, is_api_request, refusal_to_json
    from contest.errors import Refusal
    from contest.extensions import db

    @app.errorhandler(Refusal)
    def handle_refusal(error):
        """A refusal nobody answered its own way: nothing the request did is kept; the API gets
        its envelope, a page the error page of its status (as abort() gave it)."""
        db.session.rollback()
        if is_api_request():
            return refusal_to_json(error)
        from werkzeug.exceptions import default_exceptions, InternalServerError

        page_error = default_exceptions.get(error.status, InternalServerError)()
        if error.status == 429:  # how long to wait, in words (contest/ratelimit.py)
            return render_template("errors.html", error=page_error, message=error.text), 429, error.headers or {}
        return render_template("errors.html", error=page_error), error.status

    @app.errorhandler(HTTPException)
    def handle_http(error):
        if is_api_request():
            return http_exception_to_json(error)
        return render_template("errors.html", error=error), error.code, allow_header(error)

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        from werkzeug.exceptions import InternalServerError

        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return handle_http(InternalServerError())

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if is_api_request():
            response.headers.setdefault("Cache-Control", "no-store")
        return response



def run_job(job_id: str) -> None:
    """The RQ entry point of a background job (contest/jobs): in the worker's app context when it
    has one (`flask jobs-worker`), else in an app made for it (a bare `rq worker`)."""
    from flask import has_app_context

    from contest.jobs.service import run_from_rq

    if has_app_context():
        return run_from_rq(job_id)
    with create_app().app_context():
        return run_from_rq(job_id)
