"""Benchmark: import an Excel file of 10,000 questions into the bank, end to end.

Builds the workbook with the project's own exporter, then times importer.import_file() (parse,
validate, duplicate check, insert, commit) into a fresh SQLite database (or DATABASE_URL), and a
second time to measure the all-duplicates path.

    .venv/bin/python bench/bank_import.py [--questions 10000]

Recorded on the development container (2 cores shared with other jobs, SQLite):
  10,000 questions: import 9.5 s (1,055 questions/s, about 4 s of it parsing the workbook);
  re-import of the same file (all skipped as duplicates) 4.1 s. Before batching the inserts
  (one flush per question) the import took 35 s.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

RESULT = "10,000 questions (0.7 MB xlsx): parse + import 9.5 s (about 4 s of it parsing), re-import with all duplicates skipped 4.1 s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=10_000)
    args = parser.parse_args()
    from app import create_app
    from contest.config import TestConfig
    from contest.extensions import db
    from question_bank import formats
    from question_bank.importer import import_file

    from import_xlsx import make_bank  # the same generated bank as the parse benchmark

    tmp = tempfile.TemporaryDirectory()
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    app = create_app(config)
    data = formats.export(make_bank(args.questions), "xlsx")
    print(f"workbook: {len(data) / 1e6:.1f} MB, {args.questions} questions")
    with app.app_context():
        db.drop_all()
        db.create_all()
        t0 = time.perf_counter()
        report = import_file(data, filename="bench.xlsx")
        first = time.perf_counter() - t0
        assert report.ok and report.imported == args.questions, report
        t0 = time.perf_counter()
        again = import_file(data, filename="bench.xlsx")
        second = time.perf_counter() - t0
        assert again.duplicates_skipped == args.questions
        print(f"import: {first:.1f} s ({args.questions / first:.0f} questions/s), "
              f"{report.topics_created} topics created")
        print(f"re-import, all duplicates: {second:.1f} s")
        db.session.remove()
        db.engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
