"""The import page: one screen listing every bad row, nothing imported; templates to start from."""
import io

from sqlalchemy import func, select

from contest.extensions import db
from question_bank import formats
from question_bank.formats import OptionDraft, QuestionDraft
from question_bank.models import Question
from tests.factories import sign_in


def login(client, make, role="organizer"):
    return sign_in(client, make.user(role=role), locale="en")  # assertions read the English texts


def drafts(n):
    return [QuestionDraft(text=f"Câu hỏi {i}: Bác Hồ ra đi tìm đường cứu nước năm nào?", kind="single",
                          options=[OptionDraft(f"1911 ({i})", True), OptionDraft(f"1920 ({i})", False)],
                          topic_path=["Cuộc đời", "Ra đi tìm đường cứu nước"], difficulty=1)
            for i in range(n)]


def xlsx_with_bad_rows(n, bad_rows):
    """An Excel file of n questions where the given sheet rows (2 = first question) have no answer."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(formats.export(drafts(n), "xlsx")))
    ws = wb.active
    answer_col = [c.value for c in ws[1]].index("dap_an") + 1
    for row in bad_rows:
        ws.cell(row=row, column=answer_col).value = None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def post_file(client, data, filename, **fields):
    return client.post("/manage/bank/import", data={"file": (io.BytesIO(data), filename), "status": "approved",
                                                     "topic_id": "0", "format": "", **fields},
                       content_type="multipart/form-data", follow_redirects=True)


def count():
    return db.session.execute(select(func.count(Question.id))).scalar_one()


def test_bad_rows_are_all_listed_on_one_screen_and_nothing_is_imported(client, make):
    login(client, make)
    r = post_file(client, xlsx_with_bad_rows(30, [5, 17]), "ngan-hang.xlsx")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Nothing was imported: 2 problems" in page
    assert '<td class="text-nowrap import-line">5</td>' in page
    assert '<td class="text-nowrap import-line">17</td>' in page
    assert ">Row<" in page
    assert count() == 0


def test_the_fixed_file_imports_and_the_count_is_shown(client, make):
    login(client, make)
    r = post_file(client, formats.export(drafts(30), "xlsx"), "ngan-hang.xlsx")
    assert r.status_code == 200
    assert "Imported 30 questions. 0 duplicates were skipped. 2 new topics." in r.get_data(as_text=True)
    assert count() == 30
    r = post_file(client, formats.export(drafts(31), "xlsx"), "ngan-hang.xlsx")
    assert "Imported 1 questions. 30 duplicates were skipped." in r.get_data(as_text=True)


def test_draft_status_and_topic_option(client, make):
    login(client, make)
    base = make.topic("Tuần 1")
    post_file(client, formats.export(drafts(3), "gift"), "bank.gift", status="draft", topic_id=str(base.id))
    rows = db.session.execute(select(Question)).scalars().all()
    assert {q.status for q in rows} == {"draft"}
    assert {q.topic.parent.parent_id for q in rows} == {base.id}


def test_text_file_errors_say_line(client, make):
    login(client, make)
    r = post_file(client, b"Question without braces\n\n::t:: Another {=a ~b\n", "bad.gift")
    assert r.status_code == 422
    assert ">Line<" in r.get_data(as_text=True)
    assert count() == 0


def test_templates_download_and_read_back(client, make):
    login(client, make)
    for fmt in ("xlsx", "csv"):
        r = client.get(f"/manage/bank/template.{fmt}")
        assert r.status_code == 200
        assert "attachment" in r.headers["Content-Disposition"]
        parsed = formats.parse(r.data, filename=f"mau.{fmt}")
        assert parsed.ok and len(parsed.questions) == 2
    assert client.get("/manage/bank/template.doc").status_code == 404


def test_members_cannot_see_the_import_page(client, make):
    login(client, make, role="member")
    assert client.get("/manage/bank/import").status_code == 403
