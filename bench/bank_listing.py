"""Benchmark: the bank list page over 50,000 questions.

Fills a fresh SQLite database (or DATABASE_URL) with N questions in 30 topics, signs in an
organizer and times GET /manage/bank/ — first page, a deep page (keyset cursor), a search
without diacritics, a topic + kind + status filter — plus GET /api/v1/questions.

    .venv/bin/python bench/bank_listing.py [--questions 50000] [--repeat 5]

Recorded on the development container (2 cores shared with other jobs, SQLite, 50,000
questions, fill 38 s), median of 5 (best in brackets), each figure including the count of
matches and the page render:
  first page 85 ms (60), deep page via keyset cursor 47 ms (33), search "ho chi minh"
  69 ms (54), filter topic+kind+status 55 ms (42), API first page 74 ms (47).
The existing indexes (question.status, question.topic_id, primary key for the keyset) suffice;
b2_bank adds none.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def fill(n: int) -> None:
    from sqlalchemy import insert, update

    from contest.dbtypes import fold
    from contest.extensions import db
    from question_bank.models import Option, Question, QuestionVersion, Topic

    rng = random.Random(7)
    topics = []
    for i in range(30):
        t = Topic(name=f"Chủ đề {i}", parent_id=topics[i // 5].id if i >= 6 else None)
        db.session.add(t)
        db.session.flush()
        topics.append(t)
    db.session.commit()
    words = ["Hồ Chí Minh", "độc lập", "tự do", "đoàn kết", "cần kiệm", "liêm chính", "nhân dân",
             "thanh niên", "Đảng", "Tuyên ngôn", "Ba Đình", "Pác Bó", "học tập", "đạo đức"]
    batch = 5000
    for start in range(0, n, batch):
        count = min(batch, n - start)
        texts = [f"Câu {start + i}: " + " ".join(rng.sample(words, 4)) + "?" for i in range(count)]
        q_rows = [{"topic_id": rng.choice(topics).id, "status": rng.choice(["approved"] * 3 + ["draft", "retired"]),
                   "difficulty": rng.choice([None, 1, 2, 3]), "tags": [], "search_text": fold(t),
                   "fingerprint": f"{start + i:064d}"} for i, t in enumerate(texts)]
        q_ids = db.session.execute(insert(Question).returning(Question.id), q_rows).scalars().all()
        v_rows = [{"question_id": qid, "number": 1, "kind": rng.choice(["single", "multiple", "true_false"]),
                   "text": t} for qid, t in zip(q_ids, texts)]
        v_ids = db.session.execute(insert(QuestionVersion).returning(QuestionVersion.id), v_rows).scalars().all()
        db.session.execute(insert(Option), [
            {"version_id": vid, "position": p, "text": f"Phương án {p}", "is_correct": p == 0}
            for vid in v_ids for p in range(4)])
        db.session.execute(update(Question), [{"id": q, "current_version_id": v} for q, v in zip(q_ids, v_ids)])
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    from app import create_app
    from contest.config import TestConfig
    from contest.extensions import db

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        t0 = time.perf_counter()
        fill(args.questions)
        print(f"filled {args.questions} questions in {time.perf_counter() - t0:.1f} s")
        from contest.accounts.models import ApiToken
        from contest.accounts.service import create_user

        user = create_user("bench", "secret-pass", "Bench", role="organizer")
        _, token = ApiToken.issue(user)
        db.session.commit()
        from sqlalchemy import select

        from question_bank.models import Question, Topic

        mid = db.session.execute(select(Question.id).order_by(Question.id).offset(args.questions // 2).limit(1)).scalar_one()
        topic = db.session.execute(select(Topic.id).where(Topic.parent_id.is_(None))).scalars().first()
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "secret-pass"})
    cases = {
        "first page": ("/manage/bank/", {}),
        "deep page": (f"/manage/bank/?before={mid}", {}),
        "search 'ho chi minh'": ("/manage/bank/?q=ho+chi+minh", {}),
        "filter topic+kind+status": (f"/manage/bank/?topic_id={topic}&kind=single&status=approved", {}),
        "API first page": ("/api/v1/questions?limit=50", {"Authorization": f"Bearer {token}"}),
    }
    for name, (path, headers) in cases.items():
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = client.get(path, headers=headers)
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200, (path, r.status_code)
        print(f"{name:28s} median {statistics.median(times) * 1000:7.1f} ms   best {min(times) * 1000:7.1f} ms")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
