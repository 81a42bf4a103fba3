"""Benchmark: rendering certificates (WeasyPrint, embedded Noto Serif, a segno QR code each) —
N in one PDF (the round's "all in one"), and a few one by one (a member's download). Prints the
timings, the extrapolation to 2,000 and the codes' check (2,000 distinct, not sequential).

    .venv/bin/python bench/certificates.py [--n 200] [--single 10]

Needs nothing running: the certificates are plain objects (the rendering reads no database).
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from types import SimpleNamespace

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

NAMES = ("Nguyễn Thị Ánh Tuyết", "Trần Văn Bảo", "Lê Hoàng Đức", "Phạm Thị Hồng Nhung", "Võ Quốc Việt",
         "Đặng Thu Hương", "Bùi Xuân Trường", "Hoàng Thị Lệ Quyên")
PRIZES = (None, None, "Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Khuyến khích")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--single", type=int, default=10)
    parser.add_argument("--no-one-document", action="store_true",
                        help="skip laying out all N as one HTML document (superlinear: minutes at 2,000)")
    args = parser.parse_args()

    from app import create_app
    from contest.config import TestConfig

    tmp = tempfile.mkdtemp()
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp}/bench.sqlite3"
    config["PUBLIC_BASE_URL"] = "https://thi.example.vn"
    app = create_app(config)
    with app.test_request_context():
        from pypdf import PdfReader

        from contest.certificates import render, rules

        start = time.perf_counter()
        codes = [rules.new_code() for _ in range(2000)]
        print(f"2,000 codes in {time.perf_counter() - start:.3f} s: {len(set(codes))} distinct, "
              f"sorted order differs from issue order: {sorted(codes) != codes}")
        contest = SimpleNamespace(title="Cuộc thi tìm hiểu “Học tập và làm theo tư tưởng, đạo đức Hồ Chí Minh”")
        round_ = SimpleNamespace(title="Vòng 1 — tuần thứ nhất", contest=contest)
        settings = SimpleNamespace(signer_name="Lê Văn Đức", signer_title="TRƯỞNG BAN TỔ CHỨC",
                                   image=None, image_type=None, template=None)
        now = datetime.now(timezone.utc)
        certificates = [SimpleNamespace(code=codes[i], full_name=f"{NAMES[i % len(NAMES)]} {i}",
                                        unit_name=f"Chi bộ thôn {i % 40}", prize=PRIZES[i % len(PRIZES)],
                                        issued_at=now, round=round_) for i in range(args.n)]
        base = render.base_url()

        start = time.perf_counter()
        pages = [render.page_html(c, settings, base) for c in certificates]
        html_s = time.perf_counter() - start
        print(f"{args.n} templates + QR codes: {html_s:.2f} s")
        if not args.no_one_document:
            start = time.perf_counter()
            pdf = render.pdf_of_html(render.document_html(pages, round_.title))
            pdf_s = time.perf_counter() - start
            count = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"{args.n} as one HTML document: WeasyPrint {pdf_s:.1f} s ({count} pages, "
                  f"{len(pdf) / 1e6:.2f} MB)")
        start = time.perf_counter()
        marks = []
        chunked = render.pdf(certificates, settings, base, round_.title,  # the job's way: chunks of 50
                             progress=lambda done, total: marks.append((done, time.perf_counter() - start)))
        chunked_s = time.perf_counter() - start
        print(f"{args.n} as the issuing job lays them out (chunks of 50, one PDF): {chunked_s:.1f} s "
              f"({len(PdfReader(io.BytesIO(chunked)).pages)} pages, {len(chunked) / 1e6:.2f} MB) "
              f"→ 2,000 ≈ {chunked_s / args.n * 2000:.0f} s; last chunk laid out at {marks[-1][1]:.1f} s, "
              f"first at {marks[0][1]:.1f} s (the rest is writing the file)")
        start = time.perf_counter()
        for c in certificates[:args.single]:
            render.pdf([c], settings, base)
        single = (time.perf_counter() - start) / max(1, args.single)
        print(f"one certificate alone (a member's download): {single * 1000:.0f} ms")


if __name__ == "__main__":
    main()
