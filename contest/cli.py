"""Command-line tasks: `flask --app app <command>`."""
from pathlib import Path

import click
from flask import Flask

from contest.accounts.models import ROLES


def register_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--password", required=True, help="The new user's password.")
    @click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
    @click.option("--full-name", default=None, help="Defaults to the username.")
    @click.option("--unit-id", type=int, default=None)
    def create_user_command(username, password, role, full_name, unit_id):
        """Create a user (e.g. an organizer or a judge)."""
        from contest.accounts.service import UsernameTaken, create_user, password_problem
        from contest.extensions import db

        problem = password_problem(password, username, full_name)
        if problem:
            raise click.ClickException(problem)
        try:
            user = create_user(username, password, full_name or username, role=role, unit_id=unit_id)
            db.session.commit()
        except UsernameTaken:
            raise click.ClickException(f"username {username!r} is already taken")
        click.echo(f"created {user.role} {user.username} (id {user.id})")

    @app.cli.command("load-demo")
    @click.option("--force", is_flag=True, help="Load even if demo data is already there.")
    def load_demo_command(force):
        """Load demo units, users, questions, contest and rounds (once)."""
        from contest.demo import load_demo

        click.echo(load_demo(force=force))

    @app.cli.command("import-questions")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "gift", "aiken"]), default=None)
    @click.option("--topic-id", type=int, default=None)
    @click.option("--status", type=click.Choice(["draft", "approved"]), default="approved", show_default=True)
    def import_questions_command(path, fmt, topic_id, status):
        """Import a question file: all or nothing, every bad line listed."""
        from question_bank.importer import import_file

        report = import_file(path.read_bytes(), format=fmt, filename=path.name, topic_id=topic_id,
                             status=status)
        if not report.ok:
            for problem in report.errors:
                click.echo(f"line {problem.line}: {problem.message}", err=True)
            raise click.ClickException(f"{len(report.errors)} problem(s): nothing was imported")
        click.echo(f"imported {report.imported}, duplicates skipped {report.duplicates_skipped}, "
                   f"topics created {report.topics_created}")

    @app.cli.command("freeze-standings")
    def freeze_standings_command():
        """Compute and freeze the final ranks of quiz rounds that have closed (cron at the close)."""
        from contest.standings.service import freeze_closed_rounds

        click.echo(f"froze {freeze_closed_rounds()} round(s)")

    @app.cli.command("expire-attempts")
    def expire_attempts_command():
        """Score every attempt whose time is up (pages do this lazily too; cron may call it)."""
        from contest.rounds.service import expire_overdue

        click.echo(f"expired {expire_overdue()} attempt(s)")

    @app.cli.command("jobs-worker")
    @click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
    @click.option("--simple", is_flag=True, help="Run each job in this process (no fork per job).")
    def jobs_worker_command(burst, simple):
        """Run the background jobs queued on REDIS_URL (certificates, exports…): an RQ worker."""
        import os

        from rq import SimpleWorker, Worker

        from contest.jobs.service import rq_queue

        if not app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: without it, jobs run in the web "
                                       "process itself and need no worker.")
        app.config["JOBS_WORKER_PID"] = os.getpid()
        queue = rq_queue(app)
        worker = (SimpleWorker if simple else Worker)([queue], connection=queue.connection)
        worker.work(burst=burst)
