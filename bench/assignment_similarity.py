"""Benchmark: judge assignment at 1,000 entries x 15 judges, similarity search at 10,000
synthetic essays.  Prints timings; runs in well under two minutes on 2 cores.

    .venv/bin/python bench/assignment_similarity.py [--entries 10000] [--words 500]

Synthetic essays are random Vietnamese syllables with themed stock phrases sprinkled in
(so that unrelated essays share common 5-word shingles, as real ones on the same theme
do), plus planted copies: pairs sharing 30 % of their text as one block, as scattered
sentences, and with light edits, and entries copying a reference text.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

from contest.essays.similarity import find_similar, shingle_hashes  # noqa: E402
from contest.judging.assignment import assign  # noqa: E402

# The same syllables as the similarity tests' generated essays.
_SYLLABLES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "essays", "syllables.txt")
with open(_SYLLABLES_FILE, encoding="utf-8") as _f:
    SYLLABLES = _f.read().splitlines()[1].split()

STOCK_PHRASES = [
    "học tập và làm theo tư tưởng đạo đức phong cách Hồ Chí Minh",
    "cần kiệm liêm chính chí công vô tư",
    "nói đi đôi với làm",
    "tấm gương đạo đức của Chủ tịch Hồ Chí Minh",
    "nâng cao chất lượng hiệu quả công tác",
    "cán bộ đảng viên công chức viên chức và người lao động",
    "không có gì quý hơn độc lập tự do",
    "vì lợi ích mười năm phải trồng cây vì lợi ích trăm năm phải trồng người",
    "gương người tốt việc tốt",
    "lan tỏa những giá trị tốt đẹp trong cộng đồng",
    "thực hiện Kết luận 01 của Bộ Chính trị",
    "ý chí tự lực tự cường và khát vọng phát triển đất nước",
]


def synthetic_essay(rng: random.Random, words: int) -> list[str]:
    out: list[str] = []
    while len(out) < words:
        if rng.random() < 0.12:
            out.extend(rng.choice(STOCK_PHRASES).split())
        sentence = [rng.choice(SYLLABLES) for _ in range(rng.randint(8, 22))]
        sentence[0] = sentence[0].capitalize()
        sentence[-1] += "."
        out.extend(sentence)
    return out[:words]


def plant(rng: random.Random, source: list[str], target: list[str], share: float,
          scattered: bool, edit: float = 0.0) -> list[str]:
    result = list(target)
    k = int(share * len(target))
    if not scattered:
        i = rng.randrange(0, len(source) - k)
        j = rng.randrange(0, len(target) - k)
        result[j:j + k] = source[i:i + k]
    else:
        # disjoint sentence-sized pieces, each from a different place in the source
        pieces, left = [], k
        while left > 0:
            n = min(left, rng.randint(12, 20))
            pieces.append(n)
            left -= n
        slots = sorted(rng.sample(range(len(target) // 24), len(pieces)))
        for slot, n in zip(slots, pieces):
            i = rng.randrange(0, len(source) - n)
            result[slot * 24: slot * 24 + n] = source[i:i + n]
    if edit:
        result = [w if rng.random() > edit else rng.choice(SYLLABLES) for w in result]
    return result


def bench_assignment() -> None:
    rng = random.Random(1)
    judges = [(f"judge{u}{k}", f"unit{u}") for u in range(5) for k in range(3)]
    units = [f"unit{u}" for u in range(5)] + [None]
    entries = [(i, rng.choice(units)) for i in range(1000)]
    skewed = [(i, "unit0" if i < 900 else f"unit{1 + i % 4}") for i in range(1000)]
    for name, data in (("uniform units", entries), ("90% from one unit", skewed)):
        best = float("inf")
        for seed in range(5):
            start = time.perf_counter()
            pairs = assign(data, judges, 3, rng=random.Random(seed))
            best = min(best, time.perf_counter() - start)
        loads = Counter(j for _, j in pairs)
        print(f"assign 1,000 entries x 15 judges x 3 ({name}): best of 5 {best * 1000:.1f} ms, "
              f"{len(pairs)} pairs, loads {min(loads.values())}..{max(loads.values())}")


def bench_similarity(n_entries: int, words: int) -> None:
    rng = random.Random(2)
    essays = [synthetic_essay(rng, rng.randint(int(words * 0.6), int(words * 1.4)))
              for _ in range(n_entries)]
    planted = []
    kinds = [("block", False, 0.0), ("scattered", True, 0.0), ("scattered+edits", True, 0.03)]
    for n in range(30):
        label, scattered, edit = kinds[n % 3]
        a, b = rng.sample(range(n_entries), 2)
        essays[b] = plant(rng, essays[a], essays[b], 0.3, scattered, edit)
        planted.append((min(a, b), max(a, b), label))
    reference = synthetic_essay(rng, 2000)
    ref_copiers = rng.sample(range(n_entries), 10)
    for i in ref_copiers:
        essays[i] = plant(rng, reference, essays[i], 0.3, False)
    docs = {i: " ".join(e) for i, e in enumerate(essays)}
    total_words = sum(len(e) for e in essays)

    start, cpu_start = time.perf_counter(), time.process_time()
    matches = find_similar(docs, threshold=0.2, references={"ref": " ".join(reference)})
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    pairs = {(m.a, m.b) for m in matches if not m.b_is_reference}
    ref_found = {m.a for m in matches if m.b_is_reference}
    print(f"find_similar {n_entries:,} entries ({total_words:,} words) + 1 reference: "
          f"{elapsed:.1f} s wall, {cpu:.1f} s CPU")

    def exact(a: int, b: int) -> float:
        sa, sb = np.unique(shingle_hashes(docs[a])), np.unique(shingle_hashes(docs[b]))
        return len(np.intersect1d(sa, sb)) / min(len(sa), len(sb))

    # Recall is judged against the exact overlap: a 30% copy in short scattered pieces can
    # share fewer than 20% of the 5-word shingles (each piece loses 4 at its edges).
    for label in ("block", "scattered", "scattered+edits"):
        group = [(a, b) for a, b, lab in planted if lab == label]
        above = [(a, b) for a, b in group if exact(a, b) > 0.2]
        hits = sum((a, b) in pairs for a, b in above)
        overlaps = sorted(round(exact(a, b), 2) for a, b in group)
        print(f"  planted 30% copies, {label}: found {hits}/{len(above)} whose exact overlap "
              f"is above 20% (overlaps {overlaps[0]}..{overlaps[-1]})")
    print(f"  entries copying 30% of the reference found: "
          f"{len(ref_found & set(ref_copiers))}/{len(ref_copiers)}")
    known = {(a, b) for a, b, _ in planted}
    others = [(a, b) for a, b in pairs if (a, b) not in known]
    print(f"  other entry pairs flagged: {len(others)} (chains of planted copies: "
          f"{sum(exact(a, b) > 0.2 for a, b in others)} of them truly above 20%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=500, help="average words per essay")
    args = parser.parse_args()
    bench_assignment()
    bench_similarity(args.entries, args.words)


if __name__ == "__main__":
    main()
