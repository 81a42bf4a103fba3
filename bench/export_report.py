"""Bench: the export writer on a 200,000-row table (a big round's attempts/leaderboard sheet).

Writer-level only (rows generated in memory, no database): it measures what openpyxl's
write_only mode costs for the biggest sheet of a round's report, and the file's size.

    /work/main/.venv/bin/python bench/export_report.py [ROWS]
"""
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.exports.writer import Column, Table, write_csv, write_xlsx  # noqa: E402


def table(n):
    start = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)
    columns = [Column("Hạng", "int"), Column("Họ và tên", "text"), Column("Đơn vị", "text"),
               Column("Điểm", "float"), Column("Tỷ lệ", "percent"), Column("Thời gian làm bài", "duration"),
               Column("Nộp lúc", "datetime")]
    rows = ((i + 1, f"Nguyễn Thị Ánh {i}", f"Chi bộ {i % 500}", (i % 100) / 10, (i % 100) / 100,
             60 + i % 900, start + timedelta(seconds=i)) for i in range(n))
    return Table("Lượt thi", columns, rows)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    for name, write in (("xlsx", write_xlsx), ("csv", write_csv)):
        began = time.perf_counter()
        data = write(table(n))
        print(f"{name}: {n} rows in {time.perf_counter() - began:.1f} s, {len(data) / 1e6:.1f} MB")
