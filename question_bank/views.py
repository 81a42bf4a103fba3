"""Pages: the question bank (organizers)."""
from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from contest.accounts.permissions import organizer_required
from contest.dbtypes import fold
from contest.extensions import db
from question_bank.models import Question, Topic

bp = Blueprint("bank", __name__, url_prefix="/manage/bank")
PAGE = 50


@bp.route("/")
@organizer_required
def index():
    q = request.args.get("q", "")
    topic_id = request.args.get("topic_id", type=int)
    stmt = select(Question)
    if topic_id:
        stmt = stmt.where(Question.topic_id == topic_id)
    for word in fold(q).split():
        stmt = stmt.where(Question.search_text.contains(word, autoescape=True))
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page = max(1, request.args.get("page", 1, type=int))
    questions = db.session.execute(
        stmt.order_by(Question.id.desc()).limit(PAGE).offset((page - 1) * PAGE)).scalars().all()
    topics = db.session.execute(select(Topic).order_by(Topic.name)).scalars().all()
    return render_template("question_bank/index.html", questions=questions, topics=topics,
                           total=total, page=page, pages=max(1, -(-total // PAGE)), q=q,
                           topic_id=topic_id)
