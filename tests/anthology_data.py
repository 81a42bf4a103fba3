"""A closed writing round judged and ranked, for the anthology's tests and bench."""
from datetime import timedelta

from contest.essays.models import Entry
from contest.extensions import db
from contest.judging.criteria import set_criteria
from contest.judging.models import Assignment
from contest.judging.settings import settings_to_change


def judged_round(make, entries, *, published=True, contest_title="Cuộc thi viết “Học tập và làm theo Bác”",
                 round_title="Vòng thi viết năm 2026"):
    """``entries``: dicts {title, author, unit, body, score, prize, consent}. Returns (round, [Entry]).
    Each entry gets one submitted score sheet of ``score`` points; the round has closed."""
    contest = make.contest(title=contest_title)
    round_ = make.round(contest=contest, kind="essay", title=round_title, min_words=1, max_words=None,
                        judges_per_entry=1, duration_seconds=None, question_count=None,
                        opens_in=timedelta(days=-10), open_for=timedelta(days=3))
    set_criteria(round_, [{"name": "Nội dung", "max_points": 100, "weight": 1}])
    judge = make.user(role="judge")
    units = {}
    made = []
    for i, spec in enumerate(entries):
        unit = None
        if spec.get("unit"):
            unit = units.get(spec["unit"]) or make.unit(spec["unit"])
            units[spec["unit"]] = unit
        author = make.user(full_name=spec["author"], unit=unit)
        entry = Entry(round_id=round_.id, author_id=author.id, code=f"VB-{i + 1:05d}", title=spec["title"],
                      body=spec.get("body", "Bài viết."), word_count=len(spec.get("body", "x").split()),
                      source="editor", submitted_at=make.clock(), updated_at=make.clock(), revision=1,
                      stage=spec.get("stage", 1), prize=spec.get("prize"),
                      publish_consent=spec.get("consent", False))
        db.session.add(entry)
        db.session.flush()
        for stage in range(1, entry.stage + 1):  # a shortlisted entry is scored in each stage
            db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, judge_id=judge.id, stage=stage,
                                      status="submitted", total=spec["score"], submitted_at=make.clock()))
        made.append(entry)
    last = max((e.stage for e in made), default=1)
    if last > 1:
        for stage in range(2, last + 1):
            set_criteria(round_, [{"name": "Nội dung", "max_points": 100, "weight": 1}], stage=stage)
        settings_to_change(round_).current_stage = last
    round_.results_published = published
    db.session.commit()
    return round_, made
