"""Benchmark: import 5,000 members from an Excel sheet (POST /api/v1/users/import's work, then its
credentials job's).

Builds the sheet in memory, creates a fresh database (SQLite in a temporary directory, or
--database URL, e.g. PostgreSQL), then times the request's part, contest.accounts.members.
import_members() with the commit (checking, the units, the members without a password yet, the
job queued), and apart the background part, the "credentials" job run to its end
(contest.jobs.service.run: the passwords generated, hashed and written in batches, the sheet
kept); and what one password hash costs with the default parameters and with the ones for
generated passwords (contest/accounts/rules.py).

    .venv/bin/python bench/members_import.py [--rows N] [--database URL]
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def sheet(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("Thành viên")
    ws.append(["Họ và tên", "Tên đăng nhập", "Đơn vị", "Vai trò", "Email", "Điện thoại", "Ngày sinh"])
    for i in range(rows):
        ws.append([f"Nguyễn Văn Thành {i}", f"tv{i:05d}", f"Huyện ủy/Chi bộ {i % 40}", "thành viên",
                   f"tv{i}@example.vn", "0912 345 678", f"{1 + i % 28:02d}/{1 + i % 12:02d}/19{60 + i % 40}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def per_hash(hash_function, n=20) -> float:
    started = time.perf_counter()
    for i in range(n):
        hash_function(f"k7mp-x3qa-{i:04d}")
    return (time.perf_counter() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()

    from app import create_app
    from contest.accounts.members import import_members
    from contest.accounts.rules import hash_generated_password, hash_password
    from contest.accounts.service import create_user
    from contest.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench-" + "x" * 32})
        with app.app_context():
            db.drop_all()
            db.create_all()
            admin = create_user("bench.admin", "mat-khau-du-dai-2026", "Quản trị", role="admin")
            db.session.commit()
            data = sheet(args.rows)
            print(f"sheet: {args.rows} rows, {len(data) / 1024:.0f} KiB")
            print(f"one hash: default {per_hash(hash_password) * 1000:.1f} ms, "
                  f"generated passwords {per_hash(hash_generated_password) * 1000:.1f} ms")
            from contest.jobs import service as jobs
            from contest.jobs.models import Job

            dispatch, jobs.dispatch = jobs.dispatch, (lambda app, job_id: None)  # the job waits: timed apart
            with app.test_request_context("/api/v1/users/import", method="POST"):
                started = time.perf_counter()
                result = import_members(data, "bench.xlsx", admin, create_units=True)
                db.session.commit()
                seconds = time.perf_counter() - started
            jobs.dispatch = dispatch
            print(f"request: {result['created']} members, {result['units_created']} units created in "
                  f"{seconds:.1f} s ({result['created'] / seconds:.0f} rows/s), database {url.split(':')[0]}")
            started = time.perf_counter()
            jobs.run(result["credentials_job_id"])
            job_seconds = time.perf_counter() - started
            job = db.session.get(Job, result["credentials_job_id"])
            print(f"credentials job: {job.status}, {job.result} in {job_seconds:.1f} s "
                  f"({result['created'] / job_seconds:.0f} rows/s)")
            db.session.remove()
            db.drop_all()


if __name__ == "__main__":
    main()
