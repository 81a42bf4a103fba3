"""Draw rules: only approved questions, never twice, unseen first, per topic and difficulty,
and an infeasible round refused with a clear message."""
import random

import pytest

from question_bank.draw import Candidate, check_draw, draw_questions


def bank():
    """Topic 1 (with sub-topic 2) and topic 3; some drafts and retired questions mixed in."""
    out = []
    for i in range(1, 41):
        topics = frozenset({1, 2}) if i % 4 == 0 else frozenset({1}) if i % 2 else frozenset({3})
        status = "draft" if i % 10 == 1 else "retired" if i % 10 == 2 else "approved"
        out.append(Candidate(id=i, topics=topics, difficulty=(i % 3) + 1, status=status))
    return out


APPROVED = {c.id for c in bank() if c.status == "approved"}


@pytest.mark.parametrize("seed", range(30))
def test_never_a_draft_or_retired_question_and_never_twice(seed):
    ids = draw_questions(bank(), question_count=20, rng=random.Random(seed))
    assert len(ids) == 20 == len(set(ids))
    assert set(ids) <= APPROVED


@pytest.mark.parametrize("seed", range(10))
def test_per_topic_counts_with_difficulty_never_overlap(seed):
    candidates = bank()
    by_id = {c.id: c for c in candidates}
    spec = [{"topic_id": 2, "count": 3}, {"topic_id": 1, "count": 8}, {"topic_id": 3, "count": 2, "difficulty": 2}]
    assert check_draw(candidates, question_count=13, draw_spec=spec) == []
    ids = draw_questions(candidates, question_count=13, draw_spec=spec, rng=random.Random(seed))
    assert len(ids) == 13 == len(set(ids))
    assert set(ids) <= APPROVED
    assert sum(1 for i in ids if 3 in by_id[i].topics and by_id[i].difficulty == 2) >= 2
    assert sum(1 for i in ids if 1 in by_id[i].topics) == 11


def test_topic_ids_include_sub_topics_only():
    ids = draw_questions(bank(), question_count=5, topic_ids=[2], rng=random.Random(1))
    assert all(2 in c.topics for c in bank() if c.id in ids)


def test_later_attempts_prefer_unseen_questions():
    candidates = bank()
    first = draw_questions(candidates, question_count=10, topic_ids=[1], rng=random.Random(1))
    pool = {c.id for c in candidates if 1 in c.topics and c.status == "approved"}
    second = draw_questions(candidates, question_count=10, topic_ids=[1], seen=set(first), rng=random.Random(2))
    fresh = pool - set(first)
    assert len(set(second) & fresh) == min(10, len(fresh))


def test_a_round_asking_too_much_is_refused_with_a_clear_message():
    problems = check_draw(bank(), question_count=100)
    assert [p.code for p in problems] == ["not_enough_questions"]
    assert "100" in problems[0].message and str(len(APPROVED)) in problems[0].message
    problems = check_draw(bank(), question_count=5, draw_spec=[{"topic_id": 3, "count": 5, "difficulty": 1}])
    assert problems and problems[0].topic_id == 3
    with pytest.raises(ValueError):
        draw_questions(bank(), question_count=100)
    assert [p.code for p in check_draw(bank(), question_count=0)] == ["no_questions"]
    mismatch = check_draw(bank(), question_count=9, draw_spec=[{"topic_id": 1, "count": 3}])
    assert [p.code for p in mismatch] == ["count_mismatch"]


def test_counts_on_a_topic_and_its_subtopic_are_checked_together():
    """5 questions in a sub-topic (topic 2 inside topic 1), 3 more directly in topic 1."""
    from question_bank.draw import Candidate, check_draw, draw_questions

    bank = [Candidate(id=i, topics=frozenset({1, 2})) for i in range(5)] + \
           [Candidate(id=10 + i, topics=frozenset({1})) for i in range(3)]
    fits = [{"topic_id": 1, "count": 3}, {"topic_id": 2, "count": 5}]
    assert check_draw(bank, question_count=8, draw_spec=fits) == []
    for seed in range(50):  # whatever the parent draws first, the sub-topic's 5 are still there
        drawn = draw_questions(bank, question_count=8, draw_spec=fits, rng=__import__("random").Random(seed))
        assert sorted(drawn) == [0, 1, 2, 3, 4, 10, 11, 12]
    too_many = [{"topic_id": 1, "count": 4}, {"topic_id": 2, "count": 5}]
    problems = check_draw(bank, question_count=9, draw_spec=too_many)
    assert [p.code for p in problems] == ["not_enough_questions"] and problems[0].topic_id == 1


def test_a_topic_short_of_questions_is_named_by_its_path():
    bank = [Candidate(id=i, topics=frozenset({1, 2})) for i in range(3)]
    problems = check_draw(bank, question_count=5, draw_spec=[{"topic_id": 2, "count": 5}],
                          topic_names={1: "Tư tưởng", 2: "Tư tưởng / Đại đoàn kết"})
    assert [p.message for p in problems] == [
        "Topic \u201cTư tưởng / Đại đoàn kết\u201d: the round asks for 5 questions but it has only 3 approved questions."]
    assert problems[0].topic_id == 2
