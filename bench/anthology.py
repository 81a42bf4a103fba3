"""Benchmark: the anthology (kỷ yếu) of a writing round, ~50 winning entries of ~1,500 words,
as a PDF (WeasyPrint, embedded Noto Serif) and a .docx. Prints the timings, pages and sizes.

    .venv/bin/python bench/anthology.py [--entries 50] [--words 1500] [--runs 2]

Runs on a throwaway SQLite database (the anthology reads the ranking once; the time is in the
layout), so it needs nothing running.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

SYLLABLES = ("anh bác bài bảo bền biết bình cán cao cần chăm chính chí cho chung công cuộc dân dạy "
             "đạo đảng đầu để đến đồng đức gia giá giản giáo giữ gương hành hiện học hội hướng khó "
             "kiệm kính làm lao lãnh liêm lòng lời lớn luôn mình mọi mới năm ngày nghĩ người nhà "
             "nhân nhiều những nói nước phải phát phong quan quần quê sáng sâu sinh sống tác tâm tập "
             "tấm thanh thành thật thế theo thời thực tiên tình tỏa tốt trách trong trung tư tưởng "
             "văn việc viên với vững xã xây yêu").split()


def essay(rng: random.Random, words: int) -> str:
    paragraphs, count = [], 0
    while count < words:
        n = min(rng.randint(60, 140), words - count)
        sentence = " ".join(rng.choice(SYLLABLES) for _ in range(n))
        paragraphs.append(sentence[0].upper() + sentence[1:] + ".")
        count += n
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    from app import create_app
    from contest.config import TestConfig

    tmp = tempfile.mkdtemp()
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp}/bench.sqlite3"
    config["ORGANIZATION_NAME"] = "Ban Tuyên giáo Tỉnh ủy Thái Nguyên"
    app = create_app(config)
    with app.app_context():
        from pypdf import PdfReader

        from contest.accounts.models import Unit, User
        from contest.essays.models import PRIZES, Entry
        from contest.extensions import db
        from contest.judging.anthology import anthology_entries, build_anthology_docx, build_anthology_pdf
        from contest.judging.criteria import set_criteria
        from contest.judging.models import Assignment
        from contest.rounds.models import Contest, Round

        db.create_all()
        rng = random.Random(7)
        now = datetime.now(timezone.utc)
        contest = Contest(title="Cuộc thi viết “Học tập và làm theo Bác”")
        db.session.add(contest)
        db.session.flush()
        round_ = Round(contest_id=contest.id, kind="essay", title="Vòng thi viết năm 2026",
                       opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1),
                       results_published=True, judges_per_entry=1)
        db.session.add(round_)
        db.session.flush()
        set_criteria(round_, [{"name": "Nội dung", "max_points": 100, "weight": 1}])
        judge = User(username="giamkhao", password_hash="x", full_name="Giám khảo", role="judge")
        units = [Unit(name=f"Chi bộ thôn {i}") for i in range(10)]
        db.session.add_all([judge, *units])
        db.session.flush()
        tiers = ["first"] + ["second"] * 3 + ["third"] * 10 + ["honorable"] * 36
        for i in range(args.entries):
            author = User(username=f"tacgia{i}", password_hash="x", full_name=f"Nguyễn Thị Hồng Nhung {i}",
                          role="member", unit_id=units[i % 10].id)
            db.session.add(author)
            db.session.flush()
            body = essay(rng, args.words)
            entry = Entry(round_id=round_.id, author_id=author.id, code=f"VB-{i:05d}",
                          title=f"Tấm gương sáng ở quê hương số {i + 1}", body=body,
                          word_count=len(body.split()), submitted_at=now, updated_at=now,
                          prize=tiers[i] if i < len(tiers) else PRIZES[-1], publish_consent=True)
            db.session.add(entry)
            db.session.flush()
            db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, judge_id=judge.id, stage=1,
                                      status="submitted", total=100 - i * 0.5, submitted_at=now))
        db.session.commit()

        start = time.perf_counter()
        entries = anthology_entries(round_)
        print(f"{len(entries)} entries of ~{args.words} words: ranking read in {time.perf_counter() - start:.2f} s")
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            pdf = build_anthology_pdf(round_)
            pdf_s = time.perf_counter() - start
            start = time.perf_counter()
            docx = build_anthology_docx(round_)
            docx_s = time.perf_counter() - start
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"run {run}: PDF {pdf_s:.1f} s ({pages} pages, {len(pdf) / 1e6:.2f} MB); "
                  f".docx {docx_s:.2f} s ({len(docx) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
