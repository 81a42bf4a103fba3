"""Pick questions for an attempt: a plain function over candidate questions.

The caller passes every candidate with the set of topics it belongs to (its topic and that
topic's ancestors), so a draw by topic includes the sub-topics.
"""
import random
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Candidate:
    id: int
    topics: frozenset = field(default_factory=frozenset)
    difficulty: int | None = None
    status: str = "approved"


@dataclass(frozen=True)
class DrawProblem:
    code: str
    message: str
    topic_id: int | None = None


def _pools(candidates, question_count, draw_spec, topic_ids):
    """[(wanted, pool, topic_id)] the draw is made of."""
    approved = [c for c in candidates if c.status == "approved"]
    if draw_spec:
        parts = []
        for item in draw_spec:
            topic_id = item["topic_id"]
            difficulty = item.get("difficulty")
            pool = [c for c in approved if topic_id in c.topics
                    and (difficulty is None or c.difficulty == difficulty)]
            parts.append((int(item["count"]), pool, topic_id))
        return parts
    if topic_ids:
        wanted = set(topic_ids)
        pool = [c for c in approved if c.topics & wanted]
    else:
        pool = approved
    return [(int(question_count or 0), pool, None)]


def _most_constrained_first(parts):
    """Draw the smallest pools first: a sub-topic's count is then taken before its parent's, so
    the parent draws from what is left and a draw that fits on paper always fits in practice."""
    return sorted(parts, key=lambda part: len(part[1]))


def check_draw(candidates, *, question_count, draw_spec=None, topic_ids=None,
               topic_names=None) -> list[DrawProblem]:
    """Why a round's draw cannot be made from this bank (empty list: it can).

    Counts on overlapping topics (a topic and its sub-topic) are checked together, the way
    draw_questions will take them. ``topic_names`` maps a topic id to the name the messages
    give it (its full path, "Tư tưởng / Đại đoàn kết"); a topic not in it is "?"."""
    topic_names = topic_names or {}
    problems = []
    total = 0
    taken: set[int] = set()
    for wanted, pool, topic_id in _most_constrained_first(_pools(candidates, question_count, draw_spec, topic_ids)):
        total += wanted
        available = [c.id for c in pool if c.id not in taken]
        taken.update(available[:wanted])
        if wanted > len(available):
            if topic_id is None:
                message = _l("The round asks for %(wanted)s questions but the bank has only %(have)s approved questions to draw from.", wanted=wanted, have=len(available))
            else:
                message = _l("Topic \u201c%(topic)s\u201d: the round asks for %(wanted)s questions but it has only %(have)s approved questions.", topic=topic_names.get(topic_id, "?"), wanted=wanted, have=len(available))
            problems.append(DrawProblem("not_enough_questions", str(message), topic_id))
    if total <= 0:
        problems.append(DrawProblem("no_questions", str(_l("The round must draw at least one question."))))
    if draw_spec and question_count and total != question_count:
        problems.append(DrawProblem(
            "count_mismatch",
            str(_l("The per-topic counts add up to %(total)s, not to the round's %(count)s questions.", total=total, count=question_count)),
        ))
    return problems


def draw_questions(candidates, *, question_count, draw_spec=None, topic_ids=None,
                   seen=frozenset(), rng: random.Random | None = None) -> list[int]:
    """Question ids for one attempt, in the order shown.

    Never a draft or retired question, never the same question twice; questions the member has
    not yet seen in earlier attempts are preferred. Raises ValueError when the bank is too small.
    """
    rng = rng or random.SystemRandom()
    chosen: list[int] = []
    taken: set[int] = set()
    for wanted, pool, topic_id in _most_constrained_first(_pools(candidates, question_count, draw_spec, topic_ids)):
        fresh = [c.id for c in pool if c.id not in taken and c.id not in seen]
        stale = [c.id for c in pool if c.id not in taken and c.id in seen]
        if wanted > len(fresh) + len(stale):
            raise ValueError(f"not enough questions for topic {topic_id}")
        pick = rng.sample(fresh, min(wanted, len(fresh)))
        if len(pick) < wanted:
            pick += rng.sample(stale, wanted - len(pick))
        chosen += pick
        taken.update(pick)
    rng.shuffle(chosen)
    return chosen
