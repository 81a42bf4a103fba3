"""Benchmark: parse an Excel question bank of 10,000 questions.

Builds the workbook in memory (through the project's own xlsx exporter, so it has the
real column layout), then times question_bank.formats.parse() on it.

    .venv/bin/python bench/import_xlsx.py [--questions N] [--repeat R]

Prints the file size, the time to build it, and the parse time (best and median of R
runs) with the rate in questions per second.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from question_bank import formats  # noqa: E402
from question_bank.formats import OptionDraft, QuestionDraft  # noqa: E402


def make_bank(n: int) -> list[QuestionDraft]:
    questions = []
    for i in range(n):
        kind = ("single", "multiple", "true_false")[i % 3]
        if kind == "true_false":
            options = [OptionDraft("Đúng", i % 2 == 0), OptionDraft("Sai", i % 2 == 1)]
        else:
            options = [OptionDraft(f"Phương án {c} của câu {i}", c in ("A", "C") if kind == "multiple" else c == "B")
                       for c in "ABCD"]
        questions.append(QuestionDraft(
            text=f"Câu hỏi số {i}: theo tư tưởng Hồ Chí Minh, nội dung nào sau đây là đúng về đạo đức cách mạng?",
            kind=kind,
            options=options,
            topic_path=["Tư tưởng Hồ Chí Minh", f"Chủ đề {i % 12}"],
            explanation=f"Giải thích cho câu {i}: cần, kiệm, liêm, chính, chí công vô tư.",
            source_note="Hồ Chí Minh Toàn tập",
            tags=["đạo đức", f"tuần {i % 10}"],
            difficulty=1 + i % 3,
        ))
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    data = formats.export(make_bank(args.questions), "xlsx")
    build_seconds = time.perf_counter() - started

    timings = []
    result = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = formats.parse(data, filename="bench.xlsx")
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    formats.parse(data, filename="bench.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result is not None and result.ok, result.errors[:5] if result else None
    assert len(result.questions) == args.questions

    best, median = min(timings), statistics.median(timings)
    print(f"questions          {args.questions}")
    print(f"xlsx size          {len(data) / 1024:.0f} KiB")
    print(f"build (export)     {build_seconds:.2f} s")
    print(f"parse best         {best:.2f} s  ({args.questions / best:,.0f} questions/s)")
    print(f"parse median       {median:.2f} s  over {args.repeat} runs")
    print(f"parse peak memory  {peak / 1024 / 1024:.0f} MiB (tracemalloc, separate run)")


if __name__ == "__main__":
    main()
