"""The anthology (kỷ yếu) of a writing round: the PDF and the .docx opened back, who may get them
and when; the author's consent to publication on submitting."""
import io
from datetime import timedelta

import pypdf
import pytest
from docx import Document

from contest.essays.models import Entry
from contest.extensions import db
from tests.anthology_data import judged_round
from tests.api.test_essay_entries import essay_round, words

ORG = "Ban Tuyên giáo Tỉnh ủy Thái Nguyên"
# Listed out of rank order on purpose: the scores decide the order.
ENTRIES = [
    {"title": "Bác Hồ với thanh niên", "author": "Nguyễn Thị Hương", "unit": "Chi bộ Ấp Bắc", "score": 88,
     "prize": "second", "body": "Thanh niên là người chủ tương lai của nước nhà.\n\nĐoạn thứ hai: “Ở đâu cần thanh niên có”."},
    {"title": "Ánh sáng từ lời Người dạy", "author": "Trần Văn Đức", "unit": "Huyện ủy Củ Chi", "score": 95,
     "prize": "first", "body": "Cần, kiệm, liêm, chính, chí công vô tư."},
    {"title": "Chuyện đời thường ở xã Đắk Sắk", "author": "Lê Thị Ngọc Ánh", "unit": "Đoàn xã Đắk Sắk",
     "score": 70, "prize": "honorable", "body": "Mỗi ngày một việc tốt."},
    {"title": "Bài không đạt giải", "author": "Phạm Quốc Khánh", "score": 60, "body": "Văn bản không vào kỷ yếu."},
    {"title": "Bài vào chung khảo", "author": "Hoàng Minh Tuấn", "score": 65, "stage": 2,
     "body": "Chỉ có khi lấy cả danh sách vào chung khảo."},
]
RANKED = [ENTRIES[1], ENTRIES[0], ENTRIES[2]]


@pytest.fixture
def organization(app):
    app.config["ORGANIZATION_NAME"] = ORG
    yield ORG
    app.config["ORGANIZATION_NAME"] = None


def pdf_pages(data: bytes) -> list[str]:
    assert data[:5] == b"%PDF-"
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def first_page_with(pages, text, after=0):
    return next(i for i, page in enumerate(pages) if i >= after and text in page)


def test_pdf_has_cover_contents_and_each_winner_in_rank_order(client, make, organization):
    round_, _ = judged_round(make, ENTRIES)
    organizer = make.user(role="organizer")
    response = client.get(f"/api/v1/rounds/{round_.id}/anthology.pdf", headers=make.auth(organizer))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data)
    cover = pages[0].split("\n")
    assert cover == [ORG.upper(), "KỶ YẾU", "Các bài dự thi đạt giải", "Cuộc thi viết “Học tập và làm theo Bác”",
                     "Vòng thi viết năm 2026", "2026"]
    assert pages[1].startswith("Mục lục\n")
    # The contents: titles in rank order, each with its page number.
    contents = pages[1]
    positions = [contents.index(e["title"]) for e in RANKED]
    assert positions == sorted(positions)
    # The entries: each on its own page from page 3 on, in rank order, with author, unit, prize, text.
    found = [first_page_with(pages, e["title"], after=2) for e in RANKED]
    assert found == [2, 3, 4]
    assert pages[2].split("\n")[:4] == ["Ánh sáng từ lời Người dạy", "Trần Văn Đức · Huyện ủy Củ Chi",
                                        "Giải Nhất", "Cần, kiệm, liêm, chính, chí công vô tư."]
    assert pages[3].split("\n")[:3] == ["Bác Hồ với thanh niên", "Nguyễn Thị Hương · Chi bộ Ấp Bắc", "Giải Nhì"]
    assert "Đoạn thứ hai: “Ở đâu cần thanh niên có”." in pages[3]
    assert pages[4].split("\n")[:3] == ["Chuyện đời thường ở xã Đắk Sắk", "Lê Thị Ngọc Ánh · Đoàn xã Đắk Sắk",
                                        "Giải Khuyến khích"]
    for line, page_number in zip([contents.split("\n")[i] for i in (1, 3, 5)], ("3", "4", "5")):
        assert line.endswith(page_number), contents
    whole = "\n".join(pages)
    assert "Phạm Quốc Khánh" not in whole and "Bài không đạt giải" not in whole
    assert "Hoàng Minh Tuấn" not in whole
    assert len(pages) == 5


def test_pdf_with_the_shortlisted_adds_them_in_rank_order(client, make, organization):
    round_, _ = judged_round(make, ENTRIES)
    organizer = make.user(role="organizer")
    response = client.get(f"/api/v1/rounds/{round_.id}/anthology.pdf?shortlisted=true", headers=make.auth(organizer))
    assert response.status_code == 200
    pages = pdf_pages(response.data)
    assert pages[0].split("\n")[2] == "Các bài dự thi đạt giải và vào vòng chung khảo"
    # A shortlisted entry ranks first (it reached the later stage), then the others by score.
    titles = ["Bài vào chung khảo"] + [e["title"] for e in RANKED]
    assert [first_page_with(pages, t, after=2) for t in titles] == [2, 3, 4, 5]
    assert "Hoàng Minh Tuấn" in pages[2] and "Bài không đạt giải" not in "\n".join(pages)


def test_docx_has_cover_headings_in_order_and_the_text(client, make, organization):
    round_, _ = judged_round(make, ENTRIES)
    organizer = make.user(role="organizer")
    response = client.get(f"/api/v1/rounds/{round_.id}/anthology.docx", headers=make.auth(organizer))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    doc = Document(io.BytesIO(response.data))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Mục lục"] + [e["title"] for e in RANKED]
    texts = [p.text for p in doc.paragraphs]
    nonblank = [t for t in texts if t.strip()]
    assert nonblank[:6] == [ORG.upper(), "KỶ YẾU", "Các bài dự thi đạt giải", "Cuộc thi viết “Học tập và làm theo Bác”",
                            "Vòng thi viết năm 2026", "2026"]
    contents = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert contents == ["Ánh sáng từ lời Người dạy — Trần Văn Đức (Giải Nhất)",
                        "Bác Hồ với thanh niên — Nguyễn Thị Hương (Giải Nhì)",
                        "Chuyện đời thường ở xã Đắk Sắk — Lê Thị Ngọc Ánh (Giải Khuyến khích)"]
    second = texts.index("Bác Hồ với thanh niên")
    assert texts[second + 1:second + 5] == ["Nguyễn Thị Hương · Chi bộ Ấp Bắc", "Giải Nhì",
                                            "Thanh niên là người chủ tương lai của nước nhà.",
                                            "Đoạn thứ hai: “Ở đâu cần thanh niên có”."]
    assert "Văn bản không vào kỷ yếu." not in texts


def _document_xml(data: bytes) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_docx_carries_a_word_toc_field(client, make):
    round_, _ = judged_round(make, ENTRIES[:2])
    organizer = make.user(role="organizer")
    data = client.get(f"/api/v1/rounds/{round_.id}/anthology.docx", headers=make.auth(organizer)).data
    assert b'TOC \\o "1-1" \\h \\z \\u' in _document_xml(data)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_unpublished_round_is_409_not_published_and_members_403(client, make, fmt):
    round_, _ = judged_round(make, ENTRIES[:2], published=False)
    organizer, member = make.user(role="organizer"), make.user()
    refused = client.get(f"/api/v1/rounds/{round_.id}/anthology.{fmt}", headers=make.auth(organizer))
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "not_published"
    assert refused.json["error"]["message"] == "Kết quả vòng thi này chưa được công bố."
    round_.results_published = True
    db.session.commit()
    assert client.get(f"/api/v1/rounds/{round_.id}/anthology.{fmt}", headers=make.auth(member)).status_code == 403
    assert client.get(f"/api/v1/rounds/{round_.id}/anthology.{fmt}").status_code == 401
    judge = make.user(role="judge")
    assert client.get(f"/api/v1/rounds/{round_.id}/anthology.{fmt}", headers=make.auth(judge)).status_code == 403
    assert client.get(f"/api/v1/rounds/{round_.id}/anthology.{fmt}", headers=make.auth(organizer)).status_code == 200


def test_a_round_flagged_published_but_open_again_is_not_published(client, make):
    round_, _ = judged_round(make, ENTRIES[:2])
    round_.closes_at = make.clock() + timedelta(days=1)  # reopened by moving its close
    db.session.commit()
    organizer = make.user(role="organizer")
    refused = client.get(f"/api/v1/rounds/{round_.id}/anthology.pdf", headers=make.auth(organizer))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "not_published"


def test_a_quiz_round_has_no_anthology(client, make):
    quiz = make.round(results_published=True, opens_in=-timedelta(days=9), open_for=timedelta(days=1))
    organizer = make.user(role="organizer")
    assert client.get(f"/api/v1/rounds/{quiz.id}/anthology.pdf", headers=make.auth(organizer)).status_code == 404


def test_consent_to_publication_is_off_unless_ticked_and_kept_on_revision(client, make):
    round_ = essay_round(make)
    member, other = make.user(), make.user()
    url = f"/api/v1/rounds/{round_.id}/entries"
    plain = client.post(url, headers=make.auth(other), json={"title": "Bài viết", "body": words(20)})
    assert plain.status_code == 201 and plain.json["publish_consent"] is False
    agreed = client.post(url, headers=make.auth(member),
                         json={"title": "Bài viết", "body": words(20), "publish_consent": True})
    assert agreed.status_code == 201 and agreed.json["publish_consent"] is True
    revised = client.post(url, headers=make.auth(member), json={"title": "Bài viết sửa", "body": words(25)})
    assert revised.json["publish_consent"] is True  # not said again: kept
    withdrawn = client.post(url, headers=make.auth(member),
                            json={"title": "Bài viết sửa", "body": words(25), "publish_consent": False})
    assert withdrawn.json["publish_consent"] is False
    assert db.session.get(Entry, agreed.json["id"]).publish_consent is False
    bad = client.post(url, headers=make.auth(member), json={"title": "T", "body": words(20), "publish_consent": "có"})
    assert bad.status_code == 422


def test_consent_with_an_uploaded_file(client, make):
    round_ = essay_round(make)
    member = make.user()
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(member), data={
        "title": "Bài tải lên", "publish_consent": "true",
        "file": (io.BytesIO(words(20).encode()), "bai.txt")}, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    assert response.json["publish_consent"] is True


def test_pdf_embeds_only_the_shipped_noto_serif(client, make):
    round_, _ = judged_round(make, ENTRIES[:2])
    organizer = make.user(role="organizer")
    reader = pypdf.PdfReader(io.BytesIO(
        client.get(f"/api/v1/rounds/{round_.id}/anthology.pdf", headers=make.auth(organizer)).data))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"].split("+", 1)[1]] = "/FontFile2" in descriptor
    assert fonts == {"Anthology-Serif": True, "Anthology-Serif-Bold": True, "Anthology-Serif-Italic": True}
