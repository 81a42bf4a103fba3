"""Demo data for `make run`: units, users, the demo bank, a contest with an open and a closed round."""
import copy
import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from contest.accounts.models import Unit, User
from contest.accounts.service import create_user
from contest.clock import utcnow
from contest.essays.service import submit_entry
from contest.extensions import db
from contest.judging.criteria import set_criteria
from contest.rounds import service
from contest.rounds.models import Attempt, Contest, Round
from contest.rounds.prizes import DEFAULT_PRIZES
from question_bank.importer import import_file

DEMO_BANK = Path(__file__).resolve().parent.parent / "question_bank" / "demo"

UNITS = {
    "Đảng ủy Khối các cơ quan tỉnh": ["Chi bộ Văn phòng", "Chi bộ Sở Giáo dục và Đào tạo", "Chi bộ Sở Y tế"],
    "Tỉnh đoàn": ["Đoàn Trường Đại học Sư phạm", "Đoàn Khối doanh nghiệp"],
    "Hội Liên hiệp Phụ nữ tỉnh": ["Hội Phụ nữ phường Trung tâm"],
}
MEMBERS = ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Minh Châu", "Phạm Quốc Bảo", "Hoàng Thu Hà",
           "Vũ Đức Thắng", "Đặng Ngọc Ánh", "Bùi Thanh Tâm", "Đỗ Hải Yến", "Ngô Gia Huy",
           "Dương Khánh Linh", "Lý Văn Phúc"]


def load_demo(force: bool = False, rng: random.Random | None = None) -> str:
    if not force and db.session.execute(select(User).where(User.username == "demo")).first():
        return "Demo data already loaded (sign in as admin/admin or demo/demo)."
    rng = rng or random.Random(2026)
    cells = []
    for committee, children in UNITS.items():
        parent = Unit(name=committee)
        db.session.add(parent)
        db.session.flush()
        for name in children:
            cell = Unit(name=name, parent_id=parent.id)
            db.session.add(cell)
            cells.append(cell)
    db.session.commit()

    create_user("admin", "admin", "Ban tổ chức", role="admin", unit_id=None)
    create_user("demo", "demo", "Nguyễn Văn An", unit_id=cells[0].id)
    for i in range(1, 4):
        create_user(f"giamkhao{i}", "giamkhao", f"Giám khảo {i}", role="judge",
                    unit_id=cells[(i * 2) % len(cells)].id)
    members = [create_user(f"thisinh{i + 1}", "thisinh", name, unit_id=cells[i % len(cells)].id)
               for i, name in enumerate(MEMBERS)]
    db.session.commit()

    imported = 0
    for path in sorted(DEMO_BANK.glob("*.gift")):
        report = import_file(path.read_bytes(), filename=path.name)
        if not report.ok:
            lines = "; ".join(f"{e.line}: {e.message}" for e in report.errors[:5])
            raise RuntimeError(f"demo bank {path.name} does not import: {lines}")
        imported += report.imported

    now = utcnow().replace(microsecond=0)
    contest = Contest(title="Cuộc thi trực tuyến “Tìm hiểu tư tưởng, đạo đức, phong cách Hồ Chí Minh” năm 2026",
                      description="Cuộc thi trắc nghiệm hằng tuần dành cho cán bộ, đảng viên, đoàn viên, "
                                  "hội viên và nhân dân, hưởng ứng Kết luận 01-KL/TW của Bộ Chính trị.")
    db.session.add(contest)
    db.session.flush()
    rules = ("Mỗi tuần thi gồm 10 câu hỏi trắc nghiệm chọn ngẫu nhiên từ ngân hàng câu hỏi, "
             "làm trong 15 phút. Trả lời đúng mỗi câu được 1 điểm. Thí sinh trả lời câu hỏi dự đoán "
             "số người trả lời đúng tất cả các câu hỏi.")
    closed = Round(contest_id=contest.id, kind="quiz", title="Tuần thi thứ nhất", rules=rules,
                   opens_at=now - timedelta(days=8), closes_at=now - timedelta(days=1),
                   duration_seconds=15 * 60, question_count=10, max_attempts=2, counting="best",
                   tie_break="duration", shuffle_options=True, grace_seconds=10,
                   prediction_prompt="Theo bạn, có bao nhiêu thí sinh trả lời đúng tất cả các câu hỏi của tuần thi này?",
                   results_published=True, prizes=copy.deepcopy(DEFAULT_PRIZES))
    open_round = Round(contest_id=contest.id, kind="quiz", title="Tuần thi thứ hai", rules=rules,
                       opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=30),
                       duration_seconds=15 * 60, question_count=10, max_attempts=3, counting="best",
                       tie_break="duration", shuffle_options=True, grace_seconds=10,
                       prediction_prompt="Theo bạn, có bao nhiêu thí sinh trả lời đúng tất cả các câu hỏi của tuần thi này?",
                       prizes=copy.deepcopy(DEFAULT_PRIZES))
    essay = Round(contest_id=contest.id, kind="essay",
                  title="Cuộc thi viết “Những tấm gương bình dị mà cao quý”",
                  rules=("Mỗi thí sinh gửi một bài viết về một tấm gương học tập và làm theo Bác ở cơ "
                         "quan, đơn vị, địa phương mình. Bài viết từ 50 đến 3.000 chữ, chưa đăng ở bất "
                         "kỳ đâu. Bài được chấm kín theo số phách."),
                  opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=30),
                  min_words=50, max_words=3000, judges_per_entry=2, discrepancy_threshold=20.0,
                  prizes=copy.deepcopy(DEFAULT_PRIZES))
    db.session.add_all([closed, open_round, essay])
    db.session.commit()
    _writing_round(essay, members)

    if imported:
        _play_closed_round(closed, members, rng)
    return (f"Demo data loaded: {imported} questions, {len(members) + 5} users.\n"
            "  organizer: admin / admin\n  member:    demo / demo\n"
            "  judges:    giamkhao1..3 / giamkhao\n  members:   thisinh1..12 / thisinh")


ESSAYS = [
    ("Người bí thư chi bộ giữ lửa ở khu phố",
     "Ở khu phố tôi, bác Tư làm bí thư chi bộ đã gần mười năm. Bác không nói nhiều, nhưng việc gì "
     "cũng làm trước. Mỗi sáng chủ nhật, bác cầm chổi quét con hẻm đầu tiên, rồi bà con cùng ra "
     "quét theo. Khi khu phố vận động làm lại đường điện chiếu sáng, bác đi từng nhà nghe ý kiến, "
     "ghi vào cuốn sổ nhỏ, tháng nào cũng công khai thu chi trên bảng tin. Học theo lời Bác dạy "
     "nói đi đôi với làm, bác Tư nhắc chúng tôi rằng muốn dân tin thì mình phải làm gương trước."),
    ("Cô giáo vùng cao và lớp học buổi tối",
     "Cô Lan về dạy ở điểm trường bản Nà Phặc từ khi mới ra trường. Thấy nhiều phụ huynh chưa biết "
     "chữ, cô mở lớp học buổi tối ngay trong lớp học của các em. Không có điện, cô xin tấm pin mặt "
     "trời cũ, tự tay lắp bóng đèn. Mỗi tối, hơn hai mươi người lớn đến học đọc, học viết, học tính "
     "toán để bán nông sản không bị ép giá. Cô bảo: Bác Hồ từng kêu gọi diệt giặc dốt, mình chỉ "
     "tiếp tục một việc Bác đã bắt đầu, bằng sự kiên nhẫn và lòng thương người."),
    ("Anh công nhân tiết kiệm từng ký điện",
     "Trong phân xưởng cơ khí, anh Hùng nổi tiếng vì thói quen tắt từng bóng đèn, từng máy nén khí "
     "khi không dùng. Anh đề xuất cải tiến lịch chạy máy theo ca, giúp xưởng tiết kiệm hơn một "
     "phần mười tiền điện mỗi tháng. Số tiền ấy được công đoàn dùng làm quỹ hỗ trợ công nhân khó "
     "khăn. Anh nói cần, kiệm, liêm, chính không phải là điều gì xa xôi, mà bắt đầu từ những việc "
     "nhỏ nhất mỗi ngày trong nhà máy, nơi mình làm việc và sống cùng đồng nghiệp."),
]


def _writing_round(round_: Round, members) -> None:
    """A writing round with criteria and a few entries, ready for the demo judges."""

    set_criteria(round_, [
        {"name": "Nội dung, tính chân thực của tấm gương", "max_points": 50, "weight": 1},
        {"name": "Bố cục, ngôn ngữ, hình thức trình bày", "max_points": 20, "weight": 1},
        {"name": "Sức lan tỏa, tính sáng tạo", "max_points": 30, "weight": 1},
    ])
    db.session.commit()
    for member, (title, body) in zip(members, ESSAYS):
        submit_entry(round_, member, title=title, body=body, declared=True)


def _play_closed_round(round_: Round, members, rng: random.Random) -> None:
    """Members who took the first week's round, so it has a real leaderboard."""
    from flask import current_app

    real_clock = current_app.config.get("CLOCK")
    try:
        for index, user in enumerate(members):
            start = round_.opens_at + timedelta(hours=3 + index * 7, minutes=rng.randint(0, 50))
            current_app.config["CLOCK"] = lambda at=start: at
            attempt, _ = service.start_attempt(round_, user, rng=rng)
            skill = 0.55 + 0.45 * rng.random()
            for aq in attempt.questions:
                options = aq.version.options
                correct = [o.id for o in options if o.is_correct]
                wrong = [o.id for o in options if not o.is_correct]
                pick = correct if (rng.random() < skill or not wrong) else [rng.choice(wrong)]
                service.save_answer(attempt.id, aq.question_id, aq.public_ids(pick))
            finish = start + timedelta(seconds=rng.randint(120, 800))
            current_app.config["CLOCK"] = lambda at=finish: at
            service.submit_attempt(db.session.get(Attempt, attempt.id), prediction=rng.randint(0, 6))
            db.session.commit()
    finally:
        current_app.config["CLOCK"] = real_clock
