"""The anthology and the big exports as background jobs (issue 9, point 7): the organizer's page
starts the job (POST), shows its progress bar and then the link of its file (GET /jobs/<id>/file),
the file opened back; only who started it gets the file; nothing starts before publication;
the progress is reported step by step; files expire after a day."""
import io
import re
from datetime import timedelta

import pypdf
import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from contest.extensions import db
from contest.jobs import files
from contest.jobs import service as jobs
from contest.jobs.models import Job, JobFile
from contest.rounds import service as rounds
from tests.anthology_data import judged_round
from tests.web.test_essay_pages import login
from tests.web.test_get_writes_nothing import _forget_the_last_request

ENTRIES = [
    {"title": "Bác Hồ với thanh niên", "author": "Nguyễn Thị Hương", "unit": "Chi bộ Ấp Bắc", "score": 88,
     "prize": "second", "body": "Thanh niên là người chủ tương lai của nước nhà."},
    {"title": "Ánh sáng từ lời Người dạy", "author": "Trần Văn Đức", "unit": "Huyện ủy Củ Chi", "score": 95,
     "prize": "first", "body": "Cần, kiệm, liêm, chính, chí công vô tư."},
    {"title": "Bài không đạt giải", "author": "Phạm Quốc Khánh", "score": 60, "body": "Không vào kỷ yếu."},
]


@pytest.fixture
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)


@pytest.fixture
def progress(monkeypatch):
    """Every report_progress call of the jobs, by job id, each checked to be written: what a
    polling page reads from another connection right after it."""
    calls = {}
    real = jobs.report_progress

    def spy(job, fraction):
        real(job, fraction)
        with db.engine.connect() as other:
            written = other.execute(select(Job.progress).where(Job.id == job.id)).scalar_one()
        assert written == pytest.approx(fraction)
        calls.setdefault(job.id, []).append(round(fraction, 4))

    monkeypatch.setattr(jobs, "report_progress", spy)
    return calls


def _job_id(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    found = re.search(r"[?&]job=([\w-]+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def _done(job_id) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert (job.status, job.error, job.progress) == ("done", None, 1.0)
    return job


def test_the_anthology_pdf_is_prepared_with_progress_then_downloaded(client, make, inline, progress):
    round_, _ = judged_round(make, ENTRIES)
    organizer = make.user(role="organizer")
    login(client, organizer)
    started = client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": "pdf"})
    job_id = _job_id(started)
    assert started.headers["Location"] == f"/essays/rounds/{round_.id}/results?job={job_id}"
    job = _done(job_id)
    assert (job.kind, job.started_by_id, job.result["filename"]) == ("anthology", organizer.id, f"ky-yeu-vong-{round_.id}.pdf")
    # Entries loaded, HTML written, pages laid out, PDF written.
    assert progress[job_id] == [0.1, 0.2, 0.8, 0.95]
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="job-progress"' in page and "js/job-progress.js" in page
    assert f'href="/jobs/{job_id}/file"' in page and "Tải tệp về" in page
    got = client.get(f"/jobs/{job_id}/file")
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"] == f'attachment; filename="ky-yeu-vong-{round_.id}.pdf"'
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(got.data)).pages]
    assert pages[2].split("\n")[:3] == ["Ánh sáng từ lời Người dạy", "Trần Văn Đức · Huyện ủy Củ Chi", "Giải Nhất"]
    assert pages[3].split("\n")[:3] == ["Bác Hồ với thanh niên", "Nguyễn Thị Hương · Chi bộ Ấp Bắc", "Giải Nhì"]
    assert len(pages) == 4


def test_the_anthology_docx_reports_each_entry_and_opens_back(client, make, inline, progress):
    round_, _ = judged_round(make, ENTRIES)
    login(client, make.user(role="organizer"))
    job_id = _job_id(client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": "docx"}))
    _done(job_id)
    assert progress[job_id] == [0.1, 0.5, 0.9, 0.95]  # loaded, then each of the 2 entries, saved
    got = client.get(f"/jobs/{job_id}/file")
    assert got.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert got.headers["Content-Disposition"] == f'attachment; filename="ky-yeu-vong-{round_.id}.docx"'
    doc = Document(io.BytesIO(got.data))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "Mục lục", "Ánh sáng từ lời Người dạy", "Bác Hồ với thanh niên"]
    assert [p.text for p in doc.paragraphs if p.style.name == "List Number"] == [
        "Ánh sáng từ lời Người dạy — Trần Văn Đức (Giải Nhất)", "Bác Hồ với thanh niên — Nguyễn Thị Hương (Giải Nhì)"]


def test_only_who_started_the_job_gets_its_file(client, app, make, inline):
    round_, _ = judged_round(make, ENTRIES)
    login(client, make.user(role="organizer"))
    job_id = _job_id(client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": "docx"}))
    _done(job_id)
    for someone in (make.user(role="organizer"), make.user()):
        other = app.test_client()
        _forget_the_last_request()
        login(other, someone)
        assert other.get(f"/jobs/{job_id}/file").status_code == 404
        _forget_the_last_request()
        assert other.get(f"/api/v1/jobs/{job_id}", headers=make.auth(someone)).status_code == 404
        # Nor does its id on a page show them its progress or link.
        _forget_the_last_request()
        page = other.get(f"/essays/rounds/{round_.id}/results?job={job_id}").get_data(as_text=True)
        assert f"/jobs/{job_id}/file" not in page
    _forget_the_last_request()
    visitor = app.test_client().get(f"/jobs/{job_id}/file")
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    _forget_the_last_request()
    assert client.get("/jobs/no-such-job/file").status_code == 404


def test_before_publication_nothing_starts(client, make, inline):
    round_, _ = judged_round(make, ENTRIES, published=False)
    login(client, make.user(role="organizer"))
    for fmt in ("pdf", "docx"):
        refused = client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": fmt})
        assert refused.headers["Location"] == f"/judging/manage/rounds/{round_.id}/results"
    assert "Kết quả vòng thi này chưa được công bố." in client.get(
        f"/judging/manage/rounds/{round_.id}/results").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def _closed_quiz_round(make):
    unit = make.unit("Chi bộ Lê Lợi")
    make.questions(4)
    round_ = make.round(question_count=3)
    for name in ("Nguyễn Thị Ánh Tuyết", "Đặng Văn Lâm", "Trương Mỹ Lan"):
        attempt, _ = rounds.start_attempt(round_, make.user(unit=unit, full_name=name))
        rounds.submit_attempt(attempt)
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    db.session.commit()
    return round_


def test_the_report_workbook_is_prepared_per_sheet_and_row_batch(client, make, inline, progress, monkeypatch):
    from contest.standings import exports

    monkeypatch.setattr(exports, "ROW_BATCH", 2)
    round_ = _closed_quiz_round(make)
    login(client, make.user(role="organizer"))
    started = client.post(f"/rounds/{round_.id}/report/prepare", data={"next": f"/rounds/{round_.id}/units?by=participants"})
    job_id = _job_id(started)
    assert started.headers["Location"] == f"/rounds/{round_.id}/units?by=participants&job={job_id}"
    job = _done(job_id)
    assert job.kind == "export"
    calls = progress[job_id]
    # Building: after the leaderboard, the summary and units, the item analysis (0.3 of the bar);
    # then writing, every 2 rows of each sheet and at each sheet's end, up to 0.95.
    assert calls[:3] == [0.1, 0.2, 0.3]
    assert len(calls) > 6 and calls == sorted(calls) and calls[-1] == 0.95
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert f'href="/jobs/{job_id}/file"' in page
    got = client.get(f"/jobs/{job_id}/file")
    assert got.headers["Content-Disposition"] == f'attachment; filename="round-{round_.id}-report.xlsx"'
    book = load_workbook(io.BytesIO(got.data))
    assert book.sheetnames == ["Tổng quan", "Bảng xếp hạng", "Đơn vị", "Phân tích câu hỏi", "Nhật ký thao tác"]
    names = sorted(r[1] for r in book["Bảng xếp hạng"].iter_rows(min_row=2, values_only=True))
    assert names == ["Nguyễn Thị Ánh Tuyết", "Trương Mỹ Lan", "Đặng Văn Lâm"]
    summary = {r[0]: r[1:] for r in book["Tổng quan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Lượt thi"][2] == 3 and summary["Vòng thi"][0] == round_.title


def test_the_leaderboard_csv_and_the_attempts_sheet_are_prepared(client, make, inline, progress, monkeypatch):
    from contest.standings import exports

    monkeypatch.setattr(exports, "ROW_BATCH", 2)
    round_ = _closed_quiz_round(make)
    login(client, make.user(role="organizer"))
    started = client.post(f"/rounds/{round_.id}/export/leaderboard.csv/prepare")
    job_id = _job_id(started)
    assert started.headers["Location"] == f"/rounds/{round_.id}/leaderboard?job={job_id}"
    _done(job_id)
    assert progress[job_id] == [0.3, round(0.3 + 0.65 * 2 / 3, 4), 0.95]  # built, 2 rows, 3 rows
    got = client.get(f"/jobs/{job_id}/file")
    assert got.mimetype == "text/csv" and got.data[:3] == b"\xef\xbb\xbf"
    assert got.headers["Content-Disposition"] == f'attachment; filename="round-{round_.id}-leaderboard.csv"'
    text = got.data.decode("utf-8-sig")
    assert text.split("\r\n")[0] == ("Hạng,Họ và tên,Đơn vị,Điểm,Số câu đúng,Dự đoán,Chênh lệch dự đoán,"
                                      "Thời gian làm bài,Nộp lúc,Giải thưởng")
    assert "Nguyễn Thị Ánh Tuyết,Chi bộ Lê Lợi" in text

    job_id = _job_id(client.post(f"/rounds/{round_.id}/export/attempts.xlsx/prepare"))
    _done(job_id)
    assert progress[job_id] == [0.3, round(0.3 + 0.65 * 2 / 3, 4), 0.95]
    sheet = load_workbook(io.BytesIO(client.get(f"/jobs/{job_id}/file").data))["Lượt thi"]
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == [
        "Nguyễn Thị Ánh Tuyết", "Trương Mỹ Lan", "Đặng Văn Lâm"]


def test_a_table_a_round_has_not_is_refused_in_the_request(client, make, inline):
    round_, _ = judged_round(make, ENTRIES)
    login(client, make.user(role="organizer"))
    assert client.post(f"/rounds/{round_.id}/export/attempts.csv/prepare").status_code == 404
    assert client.post(f"/rounds/{round_.id}/report/prepare").status_code == 404  # a writing round
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_file_expires_after_a_day_and_the_next_job_deletes_it(client, make, inline, clock):
    round_, _ = judged_round(make, ENTRIES)
    login(client, make.user(role="organizer"))
    old = _job_id(client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": "docx"}))
    _done(old)
    clock.advance(seconds=files.LIFETIME.total_seconds() - 60)
    assert client.get(f"/jobs/{old}/file").status_code == 200
    clock.advance(seconds=120)
    assert client.get(f"/jobs/{old}/file").status_code == 404  # expired: no longer served
    assert db.session.get(JobFile, old) is not None
    new = _job_id(client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": "docx"}))
    _done(new)
    db.session.expire_all()
    assert db.session.get(JobFile, old) is None  # deleted by the job that kept a new one
    assert client.get(f"/jobs/{new}/file").status_code == 200


def test_the_file_is_in_the_language_of_the_page_that_asked(client, make, inline):
    from tests.factories import sign_in

    round_ = _closed_quiz_round(make)
    sign_in(client, make.user(role="organizer"), locale="en")
    job_id = _job_id(client.post(f"/rounds/{round_.id}/report/prepare"))
    _done(job_id)
    book = load_workbook(io.BytesIO(client.get(f"/jobs/{job_id}/file").data))
    assert book.sheetnames == ["Summary", "Leaderboard", "Units", "Item analysis", "Audit log"]
