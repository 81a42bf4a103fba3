"""Benchmark: one computation of a quiz round's live dashboard (contest/standings/dashboard.py)
over many attempts, and the cached answer that the polling organizers get.

    .venv/bin/python bench/dashboard.py [--attempts 20000] [--database-url postgresql+psycopg://...]

Without --database-url it runs on a throwaway SQLite database (tables dropped and made afresh).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=20000)
    parser.add_argument("--questions", type=int, default=10, help="questions per attempt")
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from sqlalchemy import insert

    from app import create_app
    from contest.config import TestConfig

    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app(config)
    with app.app_context():
        from contest.accounts.models import Unit, User
        from contest.extensions import db
        from contest.rounds.models import Attempt, AttemptQuestion, Contest, Round
        from contest.standings import dashboard
        from question_bank.models import Topic
        from question_bank.service import create_question

        db.drop_all()
        db.create_all()
        rng = random.Random(7)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        topic = Topic(name="Chủ đề")
        db.session.add(topic)
        db.session.flush()
        questions = [create_question(text=f"Câu hỏi số {i} về Hồ Chí Minh?", kind="single",
                                     options=[("Đúng", True), ("Sai", False)], topic_id=topic.id,
                                     status="approved") for i in range(40)]
        units = [Unit(name=f"Chi bộ {i}") for i in range(50)]
        contest = Contest(title="Cuộc thi")
        db.session.add_all(units + [contest])
        db.session.flush()
        round_ = Round(contest_id=contest.id, kind="quiz", title="Tuần thi", opens_at=now - timedelta(hours=6),
                       closes_at=now + timedelta(days=1), duration_seconds=600, question_count=args.questions)
        db.session.add(round_)
        db.session.flush()
        db.session.execute(insert(User), [
            {"id": 1000 + i, "username": f"u{i}", "password_hash": "x", "full_name": f"Thí sinh {i}",
             "role": "member", "unit_id": rng.choice(units).id} for i in range(args.attempts)])
        attempts, answered = [], []
        for i in range(args.attempts):
            started = now - timedelta(seconds=rng.randint(0, 6 * 3600))
            done = rng.random() < 0.9
            correct = rng.randint(0, args.questions)
            attempts.append({"id": i + 1, "round_id": round_.id, "user_id": 1000 + i, "number": 1,
                             "status": "submitted" if done else "in_progress", "started_at": started,
                             "deadline": started + timedelta(minutes=10),
                             "submitted_at": started + timedelta(minutes=rng.randint(1, 9)) if done else None,
                             "score": float(correct) if done else None, "correct_count": correct if done else None,
                             "question_count": args.questions})
            for p, q in enumerate(rng.sample(questions, args.questions)):
                answered.append({"attempt_id": i + 1, "question_id": q.id, "version_id": q.current_version_id,
                                 "position": p, "option_order": [], "option_keys": {},
                                 "is_correct": (p < correct) if done else None})
        db.session.execute(insert(Attempt), attempts)
        db.session.execute(insert(AttemptQuestion), answered)
        db.session.commit()

        timings = []
        for _ in range(3):
            t = time.perf_counter()
            figures = dashboard.compute_dashboard(round_)
            timings.append(time.perf_counter() - t)
        t = time.perf_counter()
        for _ in range(100):
            dashboard.cached_dashboard(round_)
        cached = (time.perf_counter() - t) / 100
        print(f"{db.engine.dialect.name}: {args.attempts} attempts, {len(answered)} answers; "
              f"compute {min(timings) * 1000:.0f} ms (best of 3), cached answer {cached * 1000:.2f} ms; "
              f"started {figures['started']}, finished {figures['finished']}, active {figures['active_now']}, "
              f"{len(figures['buckets'])} buckets")


if __name__ == "__main__":
    main()
