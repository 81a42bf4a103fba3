import random
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from contest.essays import similarity
from contest.essays.similarity import Match, find_similar, shingle_hashes, tokens

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "essays"
NGOC = (FIXTURES / "essay_ngoc.txt").read_text(encoding="utf-8")
LAN = (FIXTURES / "essay_lan.txt").read_text(encoding="utf-8")
DI_CHUC = (FIXTURES / "source_di_chuc.txt").read_text(encoding="utf-8")

SYLLABLES = (FIXTURES / "syllables.txt").read_text(encoding="utf-8").splitlines()[1].split()
STOCK = [
    "học tập và làm theo tư tưởng đạo đức phong cách Hồ Chí Minh",
    "cần kiệm liêm chính chí công vô tư",
    "tấm gương đạo đức của Chủ tịch Hồ Chí Minh",
    "nói đi đôi với làm",
]


def synthetic(rng, n_words, stock=0.15):
    out = []
    while len(out) < n_words:
        if rng.random() < stock:
            out.extend(rng.choice(STOCK).split())
        sentence = [rng.choice(SYLLABLES) for _ in range(rng.randint(8, 22))]
        sentence[-1] += "."
        out.extend(sentence)
    return out[:n_words]


def exact_overlap(a: str, b: str) -> float:
    sa, sb = np.unique(shingle_hashes(a)), np.unique(shingle_hashes(b))
    return len(np.intersect1d(sa, sb)) / min(len(sa), len(sb))


def words_of(text):
    return text.split()


# ------------------------------------------------------------------ shingles


def test_tokens_ignore_punctuation_and_case_but_keep_diacritics():
    assert tokens("Bác Hồ, kính yêu!") == ["bác", "hồ", "kính", "yêu"]
    assert tokens(unicodedata.normalize("NFD", "Bác")) == ["bác"]
    assert shingle_hashes("Bác Hồ kính yêu nhất") .tolist() == shingle_hashes(
        "bác  hồ — kính, yêu nhất!").tolist()
    assert shingle_hashes("bác hồ kính yêu nhất")[0] != shingle_hashes("bạc hồ kính yêu nhất")[0]


def test_shingle_count():
    assert len(shingle_hashes("một hai ba bốn")) == 0
    assert len(shingle_hashes("một hai ba bốn năm")) == 1
    assert len(shingle_hashes("một hai ba bốn năm sáu bảy")) == 3


def test_chunk_signatures_are_datasketch_minhashes():
    h = shingle_hashes(NGOC)
    values = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    starts = similarity._chunk_starts(h)
    assert starts[0] == 0 and starts == sorted(set(starts))
    sigs = similarity._permutations().signatures(values, starts)
    bounds = starts + [len(h)]
    for c in range(len(starts)):
        m = MinHash(num_perm=similarity.NUM_PERM, seed=similarity.MINHASH_SEED,
                    hashfunc=lambda x: x)
        m.update_batch(values[bounds[c]:bounds[c + 1]].tolist())
        assert np.array_equal(sigs[c], m.hashvalues)
        assert similarity.CHUNK_MIN <= bounds[c + 1] - bounds[c] <= similarity.CHUNK_MAX or (
            len(starts) == 1)


def test_chunks_resynchronize_inside_a_copied_passage():
    rng = random.Random(5)
    passage = synthetic(rng, 120)
    a = synthetic(rng, 37) + passage
    b = synthetic(rng, 91) + passage
    ha, hb = shingle_hashes(" ".join(a)), shingle_hashes(" ".join(b))

    def chunk_sets(h):
        s = similarity._chunk_starts(h) + [len(h)]
        return {tuple(h[s[i]:s[i + 1]].tolist()) for i in range(len(s) - 1)}

    assert len(chunk_sets(ha) & chunk_sets(hb)) >= 5  # identical chunks in the copy


# ------------------------------------------------------------------ entry pairs


def test_unrelated_essays_on_the_same_theme_are_not_flagged():
    assert exact_overlap(NGOC, LAN) < 0.02
    assert find_similar({"ngoc": NGOC, "lan": LAN}) == []


def test_entry_sharing_30_percent_of_another_is_found_with_passages():
    lan = words_of(LAN)
    ngoc = words_of(NGOC)
    k = int(0.3 * len(lan))
    copied = ngoc[100:100 + k]
    entry = " ".join(lan[:120] + copied + lan[120 + k:])
    matches = find_similar({"ngoc": NGOC, "copy": entry, "lan2": LAN.replace("Lan", "Hoa")})
    pair = [m for m in matches if {m.a, m.b} == {"ngoc", "copy"}]
    assert len(pair) == 1
    m = pair[0]
    assert (m.a, m.b, m.b_is_reference) == ("ngoc", "copy", False)
    assert m.overlap == pytest.approx(exact_overlap(NGOC, entry))
    assert 0.25 < m.overlap < 0.35
    # one highlighted passage in each text, covering exactly the copied words
    assert len(m.passages_a) == 1 and len(m.passages_b) == 1
    (sa, ea), (sb, eb) = m.passages_a[0], m.passages_b[0]
    assert NGOC[sa:ea].split() == copied
    assert entry[sb:eb].split() == copied


def test_copy_with_changed_punctuation_and_case_is_still_found():
    edited = NGOC.replace(",", "").replace(".", " ;").upper()
    [m] = find_similar({"a": NGOC, "b": edited})
    assert m.overlap == pytest.approx(1.0)
    assert m.passages_a == [(NGOC.index("Tấm"), len(NGOC.rstrip()) - 1)]  # up to "sống"


@pytest.mark.parametrize("seed", range(2))
def test_planted_30_percent_copies_are_found_among_many_essays(seed):
    """Recall check for the LSH parameters: 40 planted copies (one block, or scattered
    sentence-long pieces, some lightly edited) among 300 essays on a shared theme."""
    rng = random.Random(seed)
    essays = [synthetic(rng, rng.randint(250, 700)) for _ in range(300)]
    planted = []
    for n in range(40):
        a, b = rng.sample(range(300), 2)
        src, dst = essays[a], list(essays[b])
        k = int(0.3 * len(dst))
        if n % 2 == 0:  # one block
            i, j = rng.randrange(len(src) - k), rng.randrange(len(dst) - k)
            dst[j:j + k] = src[i:i + k]
        else:  # sentence-long pieces of 25-35 words, each from elsewhere in the source
            slots = rng.sample(range(len(dst) // 40), k // 30 + 1)
            for slot in slots:
                n_words = rng.randint(25, 35)
                i = rng.randrange(len(src) - n_words)
                dst[slot * 40: slot * 40 + n_words] = src[i:i + n_words]
        if n % 4 == 3:
            dst = [w if rng.random() > 0.03 else rng.choice(SYLLABLES) for w in dst]
        essays[b] = dst
        planted.append((min(a, b), max(a, b)))
    docs = {i: " ".join(e) for i, e in enumerate(essays)}
    found = {(m.a, m.b) for m in find_similar(docs, threshold=0.2)}
    expected = {(a, b) for a, b in planted if exact_overlap(docs[a], docs[b]) > 0.2}
    assert len(expected) >= 30  # the planting does produce overlaps above 20%
    assert expected <= found
    # nothing is flagged whose exact overlap is not above the threshold
    for a, b in found:
        assert exact_overlap(docs[a], docs[b]) > 0.2


def test_threshold_is_strict_and_results_sorted_by_overlap():
    base, other = words_of(NGOC), words_of(LAN)
    half = " ".join(base[:150] + other[:150])
    most = " ".join(base[:250] + other[:50])
    matches = find_similar({"orig": NGOC, "half": half, "most": most})
    assert {(m.a, m.b) for m in matches} == {("orig", "half"), ("orig", "most"), ("half", "most")}
    overlaps = [m.overlap for m in matches]
    assert overlaps == sorted(overlaps, reverse=True)
    ov = next(m.overlap for m in matches if (m.a, m.b) == ("orig", "half"))
    assert find_similar({"orig": NGOC, "half": half}, threshold=ov) == []
    assert len(find_similar({"orig": NGOC, "half": half}, threshold=ov - 1e-9)) == 1


def test_tiny_and_empty_texts_never_match():
    assert find_similar({1: "Bác Hồ", 2: "Bác Hồ", 3: "", 4: "   "}) == []
    assert find_similar({}) == []
    assert find_similar({1: NGOC}) == []


def test_passage_shared_by_more_than_common_limit_entries_does_not_pair_them():
    shared = words_of(NGOC)[:90]
    rng = random.Random(9)
    docs = {i: " ".join(synthetic(rng, 150, stock=0) + shared + synthetic(rng, 150, stock=0))
            for i in range(6)}
    assert len(find_similar(docs)) == 15
    # The passage's own chunks sit in buckets of 6 entries and are skipped; only chunks
    # straddling its edges (each shared by fewer entries) can still pair some of them.
    assert len(find_similar(docs, common_limit=5)) < 15
    assert find_similar(docs, common_limit=1) == []
    # ... but a reference containing the passage finds all of them
    matches = find_similar(docs, common_limit=1, references={"src": NGOC})
    assert sorted(m.a for m in matches) == list(range(6))
    assert all(m.b == "src" and m.b_is_reference for m in matches)


# ------------------------------------------------------------------ references


def test_entry_copying_from_a_long_reference_is_found_relative_to_the_entry():
    rng = random.Random(4)
    reference = synthetic(rng, 3000, stock=0)
    own = synthetic(rng, 700, stock=0)
    entry = own[:300] + reference[1000:1300] + own[300:700]  # 30% of the entry
    matches = find_similar({"e1": " ".join(entry), "e2": LAN},
                           references={"book": " ".join(reference)})
    assert len(matches) == 1
    m = matches[0]
    assert (m.a, m.b, m.b_is_reference) == ("e1", "book", True)
    assert m.overlap == pytest.approx(0.3, abs=0.02)
    assert len(m.passages_a) == 1 and len(m.passages_b) == 1


def test_quoting_a_short_source_in_full_is_not_a_full_match():
    quote = " ".join(words_of(DI_CHUC)[8:60])  # ~50 words of a known text
    entry = LAN + "\n\n" + quote
    matches = find_similar({"e": entry}, references={"di_chuc": DI_CHUC})
    assert matches == []  # about 15% of the entry, under the 20% limit
    matches = find_similar({"e": entry}, threshold=0.1, references={"di_chuc": DI_CHUC})
    assert len(matches) == 1 and 0.1 < matches[0].overlap < 0.2


def test_references_are_not_compared_with_each_other():
    assert find_similar({}, references={"r1": NGOC, "r2": NGOC}) == []


def test_ids_may_repeat_between_entries_and_references():
    matches = find_similar({1: NGOC}, references={1: NGOC})
    assert matches == [Match(1, 1, 1.0, matches[0].passages_a, matches[0].passages_b, True)]


def test_passages_index_the_nfc_text():
    decomposed = unicodedata.normalize("NFD", NGOC)
    [m] = find_similar({"a": NGOC, "b": decomposed})
    nfc = unicodedata.normalize("NFC", decomposed)
    (s, e), = m.passages_b
    assert nfc[s:e].startswith("Tấm gương")
