"""The approved bank as the draw sees it: candidates with their topics, cached briefly, and the
check that a round's draw can be met. The bank owns it, so the bank forgets it when it changes."""
from sqlalchemy import select

from contest.extensions import cache_forget, cache_get, cache_set, db
from question_bank.draw import Candidate, check_draw
from question_bank.models import Question, Topic

CANDIDATE_TTL = 30  # seconds
CANDIDATE_KEY = "bank:candidates"  # in the shared cache (contest.extensions)


def topic_ancestors() -> dict[int, frozenset]:
    parents = dict(db.session.execute(select(Topic.id, Topic.parent_id)).all())
    result = {}
    for topic_id in parents:
        chain, current = set(), topic_id
        while current is not None and current not in chain:
            chain.add(current)
            current = parents.get(current)
        result[topic_id] = frozenset(chain)
    return result


def load_candidates(use_cache: bool = True) -> list[Candidate]:
    """Approved questions with their topics. Cached briefly: every start needs them."""
    if use_cache:
        hit = cache_get(CANDIDATE_KEY)
        if hit is not None:
            return hit
    ancestors = topic_ancestors()
    rows = db.session.execute(
        select(Question.id, Question.topic_id, Question.difficulty)
        .where(Question.status == "approved", Question.current_version_id.is_not(None))
    ).all()
    candidates = [
        Candidate(id=qid, topics=ancestors.get(topic_id, frozenset()), difficulty=difficulty)
        for qid, topic_id, difficulty in rows
    ]
    cache_set(CANDIDATE_KEY, candidates, CANDIDATE_TTL)
    return candidates


def forget_candidates() -> None:
    """The one place the candidates are forgotten: the bank calls it after any change."""
    cache_forget(CANDIDATE_KEY)


def draw_problems(round_):
    return check_draw(load_candidates(use_cache=False), question_count=round_.question_count,
                      draw_spec=round_.draw, topic_ids=round_.topic_ids, topic_names=topic_path_names())


def topic_path_names() -> dict[int, str]:
    """Every topic's full path as messages name it: "Tư tưởng / Đại đoàn kết"."""
    rows = {id_: (name, parent) for id_, name, parent in db.session.execute(
        select(Topic.id, Topic.name, Topic.parent_id)).all()}
    names = {}
    for id_ in rows:
        path, node, seen = [], id_, set()
        while node in rows and node not in seen:
            seen.add(node)
            path.append(rows[node][0])
            node = rows[node][1]
        names[id_] = " / ".join(reversed(path))
    return names
