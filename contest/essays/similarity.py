"""Near-identical essays, flagged in pairs for the organizers (product.md: entries that overlap
another entry or a known source beyond the round's limit, customarily 20–25 %).

How it works
------------
1. **Shingles.**  Each text is cut into word tokens (runs of letters and digits; punctuation
   and spacing are ignored), lowercased with diacritics kept ("bác" ≠ "bạc"), and every run
   of 5 consecutive tokens is a shingle, hashed to 64 bits (blake2b per token, stable
   across processes).
2. **Candidate entry pairs: MinHash LSH on chunks.**  Comparing whole essays by Jaccard
   similarity cannot find a 20 % overlap reliably: a 1,000-word essay taking 300 words from
   a 3,000-word one has a Jaccard similarity of 0.08, no higher than some unrelated pairs
   on the same theme.  So each text's shingle sequence is cut into short *content-defined
   chunks* (a chunk ends after a shingle whose hash has a given pattern, about every
   ``CHUNK_AVG`` shingles, within ``CHUNK_MIN``..``CHUNK_MAX``).  A copied passage is cut
   at the same places in both texts, so its chunks are identical (or, lightly edited, very
   similar) and collide in a datasketch ``MinHashLSH`` tuned for high similarity (8 bands
   × 4 rows of a 32-permutation MinHash), while chunks of unrelated texts almost never do.
   Two entries with chunks in a common bucket are a candidate pair.  Chunks made only of
   shingles that occur in no other entry are not indexed: they cannot collide (chunks in
   one bucket share their minimum shingle), so leaving them out loses nothing and keeps
   the index small.
3. **Exact check.**  For each candidate pair the exact overlap on the full shingle sets is
   ``|shared| / min(|A|, |B|)``; pairs above ``threshold`` are reported with the character
   spans of the shared passages in both texts.
4. **References** (known sources) are few, so every entry is compared with them exactly,
   without sampling; there the overlap is ``|shared| / |entry|``, the share of the entry
   found in the source (quoting a short source in full is not "100 %").

Stock phrases and famous quotations are handled by document frequency: shingles found in
more than ``common_limit`` entries are left out of the chunk sketches, and a bucket holding
chunks of more than ``common_limit`` entries makes no candidates.  Otherwise every essay
citing "Không có gì quý hơn độc lập, tự do" would be paired with every other, thousands of
pairs that say nothing about copying.  Such text still counts in the exact overlap of
pairs found through other chunks; add a widely used source as a reference to measure how
much of each entry it makes up.

Recall is verified in tests/unit/test_essay_similarity.py with planted copies, and in
bench/assignment_similarity.py at 10,000 entries (every planted pair whose exact overlap is
above 20 % is found).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

__all__ = [
    "CHUNK_AVG",
    "CHUNK_MAX",
    "CHUNK_MIN",
    "LSH_BANDS",
    "LSH_ROWS",
    "Match",
    "NUM_PERM",
    "SHINGLE_SIZE",
    "find_similar",
    "shingle_hashes",
    "tokens",
]

SHINGLE_SIZE = 5
# Content-defined chunks of the shingle sequence: a chunk ends after a shingle whose
# hash ≡ 0 (mod CHUNK_AVG), but is never shorter than CHUNK_MIN nor longer than CHUNK_MAX.
CHUNK_AVG = 8
CHUNK_MIN = 4
CHUNK_MAX = 24
# MinHash per chunk and LSH banding: 8 bands of 4 rows.  Probability that two chunks with
# Jaccard similarity s share a bucket: 1 − (1 − s⁴)⁸ — 1.0 at s = 1 (an exact copy), 0.98 at
# 0.8, 0.67 at 0.6, 0.06 at 0.3, under 0.001 at 0.1.
NUM_PERM = 32
LSH_BANDS = 8
LSH_ROWS = 4
MINHASH_SEED = 1

_TOKEN_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    """Two texts sharing more than the threshold.

    ``a`` is an entry id; ``b`` another entry id, or a reference id when
    ``b_is_reference``.  ``overlap`` is in [0, 1].  ``passages_a`` / ``passages_b`` are
    ``(start, end)`` character spans (end exclusive) of the shared passages in each text,
    sorted and non-overlapping, ready for highlighting.  Spans index the NFC form of the
    text as given, which is the text itself for stored entries (see ``text.normalize_text``).
    """

    a: Hashable
    b: Hashable
    overlap: float
    passages_a: list[tuple[int, int]] = field(default_factory=list)
    passages_b: list[tuple[int, int]] = field(default_factory=list)
    b_is_reference: bool = False


# --------------------------------------------------------------------------- shingling


class _TokenHashes(dict):
    """token -> stable 64-bit hash (blake2b), computed once per distinct token."""

    def __missing__(self, token: str) -> int:
        value = int.from_bytes(
            hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little"
        )
        if len(self) < 2_000_000:  # Vietnamese has few distinct syllables; bound it anyway
            self[token] = value
        return value


_TOKEN_HASHES = _TokenHashes()


def _prepare(text: str) -> tuple[str, str | None]:
    """NFC text and its lowercase form when lowercasing keeps every character in place
    (so token offsets in the lowercase form are offsets in the text), else ``None``."""
    text = unicodedata.normalize("NFC", text or "")
    lowered = text.lower()
    return text, (lowered if len(lowered) == len(text) else None)


def _token_list(text: str) -> list[str]:
    nfc, lowered = _prepare(text)
    if lowered is not None:
        return _TOKEN_RE.findall(lowered)
    return [t.lower() for t in _TOKEN_RE.findall(nfc)]


def tokens(text: str) -> list[str]:
    """The word tokens compared: runs of letters and digits of the NFC text, lowercased,
    diacritics kept."""
    return _token_list(text)


def _mix64(h: np.ndarray) -> np.ndarray:
    # splitmix64 finalizer: spreads the bits of the combined token hashes
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)


def _shingles_from_tokens(toks: list[str]) -> np.ndarray:
    n = len(toks) - SHINGLE_SIZE + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    t = np.fromiter(map(_TOKEN_HASHES.__getitem__, toks), dtype=np.uint64, count=len(toks))
    with np.errstate(over="ignore"):
        h = t[0:n].copy()
        for k in range(1, SHINGLE_SIZE):
            h = h * _SHINGLE_MULT + t[k : k + n]
        return _mix64(h)


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the text's 5-token shingles, in text order (empty if < 5 tokens).
    Stable across processes and runs."""
    return _shingles_from_tokens(_token_list(text))


# --------------------------------------------------------------------------- chunks & minhash


def _chunk_starts(h: np.ndarray) -> list[int]:
    """Start positions of the content-defined chunks of a shingle sequence."""
    n = len(h)
    if n == 0:
        return []
    anchors = np.flatnonzero(((h >> np.uint64(40)) % np.uint64(CHUNK_AVG)) == 0).tolist()
    starts = [0]
    start = 0
    for p in anchors:
        end = p + 1
        while end - start > CHUNK_MAX:
            start += CHUNK_MAX
            starts.append(start)
        if end - start >= CHUNK_MIN and end < n:
            start = end
            starts.append(start)
    while n - start > CHUNK_MAX:
        start += CHUNK_MAX
        starts.append(start)
    if len(starts) > 1 and n - starts[-1] < CHUNK_MIN:
        starts.pop()  # a short tail joins the previous chunk
    return starts


class _Permutations:
    """datasketch's affine32 MinHash permutations, applied to many values at once."""

    def __init__(self, num_perm: int, seed: int) -> None:
        a, b = MinHash(num_perm=num_perm, seed=seed).permutations
        self.a = np.asarray(a, dtype=np.uint32)
        self.b = np.asarray(b, dtype=np.uint32)

    @staticmethod
    def _fmix32(h: np.ndarray) -> np.ndarray:
        # MurmurHash3 finalizer, as datasketch applies it to hash values (scheme affine32)
        h = h ^ (h >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        return h ^ (h >> np.uint32(16))

    def signatures(
        self, values32: np.ndarray, starts: list[int], skip: np.ndarray | None = None
    ) -> np.ndarray:
        """MinHash signature of each chunk ``values32[starts[i]:starts[i+1]]``, leaving out
        the positions where ``skip`` is true: the same hash values as
        ``datasketch.MinHash(hashfunc=identity).update_batch(values)`` on what is left."""
        with np.errstate(over="ignore"):
            hv = self._fmix32(values32).reshape(-1, 1)
            phv = hv * self.a + self.b
        if skip is not None and skip.any():
            phv[skip] = np.iinfo(np.uint32).max  # the empty MinHash value: never a minimum
        return np.minimum.reduceat(phv, np.asarray(starts, dtype=np.intp), axis=0)


_PERMUTATIONS: _Permutations | None = None


def _permutations() -> _Permutations:
    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        _PERMUTATIONS = _Permutations(NUM_PERM, MINHASH_SEED)
    return _PERMUTATIONS


# --------------------------------------------------------------------------- passages


def _passages(text: str, shingles: np.ndarray, shared: np.ndarray) -> list[tuple[int, int]]:
    """Character spans of the runs of shared shingles in ``text`` (NFC), merged when their
    tokens overlap or touch."""
    nfc, lowered = _prepare(text)
    source = lowered if lowered is not None else nfc
    spans = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(source)]
    positions = np.flatnonzero(np.isin(shingles, shared)).tolist()
    runs: list[list[int]] = []  # [first token, last token]
    for p in positions:
        last = p + SHINGLE_SIZE - 1
        if runs and p <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([p, last])
    return [(spans[first][0], spans[last][1]) for first, last in runs]


# --------------------------------------------------------------------------- search


def _in_sorted(values: np.ndarray, sorted_pool: np.ndarray) -> np.ndarray:
    """Boolean mask: which ``values`` occur in the sorted array ``sorted_pool``."""
    if len(sorted_pool) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    idx = np.searchsorted(sorted_pool, values)
    idx[idx == len(sorted_pool)] = 0
    return sorted_pool[idx] == values


def _entry_candidates(
    seqs: list[np.ndarray], sets: list[np.ndarray], common_limit: int
) -> set[tuple[int, int]]:
    """Candidate entry pairs (i < j) from MinHash LSH over content-defined chunks."""
    if len(sets) < 2:
        return set()
    pooled = np.concatenate(sets)
    values, counts = np.unique(pooled, return_counts=True)
    # Shingles in 2..common_limit entries can reveal copying; shingles in more entries are
    # stock phrases of the theme ("học tập và làm theo tư tưởng, đạo đức, phong cách Hồ
    # Chí Minh") and are left out of the chunk sketches, so that sharing them does not make
    # candidates.  (They still count in the exact overlap.)
    in_other_docs = values[(counts >= 2) & (counts <= common_limit)]  # sorted
    frequent = values[counts > common_limit]  # sorted
    del pooled, values, counts

    perms = _permutations()
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))
    chunk_doc: list[int] = []
    for index, h in enumerate(seqs):
        if len(h) == 0:
            continue
        # Two chunks can only share an LSH bucket if they share a shingle, so chunks made
        # only of shingles found in no other entry are left out of the index: fewer
        # inserts, same candidates.
        hit = _in_sorted(h, in_other_docs)
        if not hit.any():
            continue
        starts = _chunk_starts(h)
        chunk_of = np.searchsorted(np.asarray(starts), np.flatnonzero(hit), side="right") - 1
        wanted = np.unique(chunk_of)
        skip = _in_sorted(h, frequent) if len(frequent) else None
        sigs = perms.signatures((h & np.uint64(0xFFFFFFFF)).astype(np.uint32), starts, skip)
        for c in wanted.tolist():
            key = len(chunk_doc)
            chunk_doc.append(index)
            lsh.insert(
                key,
                LeanMinHash(seed=MINHASH_SEED, hashvalues=sigs[c], scheme="affine32"),
                check_duplication=False,
            )

    candidates: set[tuple[int, int]] = set()
    for table, counts in zip(lsh.hashtables, lsh.get_counts()):
        for bucket, count in counts.items():
            if count < 2:
                continue
            members = {chunk_doc[key] for key in table.get(bucket)}
            if 2 <= len(members) <= common_limit:
                candidates.update(combinations(sorted(members), 2))
    return candidates


def find_similar(
    docs: Mapping[Hashable, str],
    threshold: float = 0.2,
    references: Mapping[Hashable, str] | None = None,
    *,
    common_limit: int = 100,
) -> list[Match]:
    """Find texts that share more than ``threshold`` of their 5-word shingles.

    ``docs`` are the entries (id → text); ``references`` known sources (id → text) that
    every entry is checked against (references are not compared with one another).

    * Entry pairs: candidates from MinHash LSH over chunks (module docstring), then the
      exact overlap ``|shared| / min(|A|, |B|)``; ``a`` comes before ``b`` in ``docs``.
    * Entry–reference pairs (``b_is_reference=True``): exact, no sampling; the overlap is
      ``|shared| / |entry|``, the share of the entry found in the source, so quoting a short
      source in full does not count as 100 %.

    Matches are sorted by overlap, highest first.  Texts with fewer than 5 words are never
    matched.
    """
    references = references or {}
    entry_ids = list(docs)
    entry_texts = list(docs.values())
    ref_ids = list(references)
    ref_texts = list(references.values())

    seqs = [shingle_hashes(t) for t in entry_texts]
    sets = [np.unique(h) for h in seqs]

    matches: list[Match] = []
    for i, j in _entry_candidates(seqs, sets, common_limit):
        set_i, set_j = sets[i], sets[j]
        if len(set_i) > len(set_j):
            set_i, set_j = set_j, set_i
        hit = _in_sorted(set_i, set_j)
        overlap = int(np.count_nonzero(hit)) / len(set_i)
        if overlap > threshold:
            shared = set_i[hit]
            matches.append(Match(
                a=entry_ids[i], b=entry_ids[j], overlap=overlap,
                passages_a=_passages(entry_texts[i], seqs[i], shared),
                passages_b=_passages(entry_texts[j], seqs[j], shared),
            ))

    if ref_texts:
        ref_seqs = [shingle_hashes(t) for t in ref_texts]
        ref_sets = [np.unique(h) for h in ref_seqs]
        ref_pool = np.unique(np.concatenate(ref_sets))
        for i, set_i in enumerate(sets):
            if len(set_i) == 0:
                continue
            in_refs = set_i[_in_sorted(set_i, ref_pool)]
            if len(in_refs) / len(set_i) <= threshold:
                continue  # even all references together are not enough
            for r, set_r in enumerate(ref_sets):
                shared = np.intersect1d(in_refs, set_r, assume_unique=True)
                overlap = len(shared) / len(set_i)
                if overlap > threshold:
                    matches.append(Match(
                        a=entry_ids[i], b=ref_ids[r], overlap=overlap,
                        passages_a=_passages(entry_texts[i], seqs[i], shared),
                        passages_b=_passages(ref_texts[r], ref_seqs[r], shared),
                        b_is_reference=True,
                    ))

    entry_pos = {doc_id: n for n, doc_id in enumerate(entry_ids)}
    ref_pos = {doc_id: n for n, doc_id in enumerate(ref_ids)}
    matches.sort(key=lambda m: (
        -m.overlap, entry_pos[m.a], m.b_is_reference,
        ref_pos[m.b] if m.b_is_reference else entry_pos[m.b],
    ))
    return matches
