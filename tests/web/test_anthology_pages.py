"""The public anthology page ("Những tấm gương làm theo Bác"), the links to it, and the consent box
of the entry form."""
import html
from datetime import timedelta

from contest.essays.models import Entry
from contest.extensions import db
from tests.anthology_data import judged_round
from tests.api.test_essay_entries import essay_round, words
from tests.web.test_essay_pages import login

ENTRIES = [
    {"title": "Bác Hồ với thanh niên", "author": "Nguyễn Thị Hương", "unit": "Chi bộ Ấp Bắc", "score": 88,
     "prize": "second", "consent": True, "body": "Tác phẩm <Nhật ký trong tù> <script>alert(1)</script>\n\nĐoạn hai."},
    {"title": "Ánh sáng từ lời Người dạy", "author": "Trần Văn Đức", "unit": "Huyện ủy Củ Chi", "score": 95,
     "prize": "first", "consent": False, "body": "Bài này tác giả không đồng ý công bố."},
    {"title": "Chuyện đời thường", "author": "Lê Thị Ngọc Ánh", "score": 70, "prize": "third", "consent": True,
     "body": "Mỗi ngày một việc tốt."},
    {"title": "Bài không đạt giải", "author": "Phạm Quốc Khánh", "score": 60, "consent": True,
     "body": "Không đạt giải thì không đăng."},
]


def test_public_page_shows_only_consenting_winners_escaped_without_sign_in(client, make):
    round_, _ = judged_round(make, ENTRIES)
    response = client.get(f"/essays/rounds/{round_.id}/anthology")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Những tấm gương làm theo Bác" in page
    assert "<title>Những tấm gương làm theo Bác · Vòng thi viết năm 2026" in page
    # Consenting winners, in rank order, with author, unit, prize and text.
    first, second = page.index("<h2 class=\"h4 text-center mb-1\">Bác Hồ với thanh niên</h2>"), \
        page.index("<h2 class=\"h4 text-center mb-1\">Chuyện đời thường</h2>")
    assert first < second
    assert "<strong>Nguyễn Thị Hương</strong> · Chi bộ Ấp Bắc" in page and "Giải Nhì" in page and "Giải Ba" in page
    assert "Tác phẩm &lt;Nhật ký trong tù&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "<p>Đoạn hai.</p>" in page
    # No trace of the winner who did not consent, nor of the entry without a prize.
    for hidden in ("Ánh sáng từ lời Người dạy", "Trần Văn Đức", "Huyện ủy Củ Chi", "Bài này tác giả không đồng ý",
                   "Bài không đạt giải", "Phạm Quốc Khánh", "Không đạt giải thì không đăng"):
        assert hidden not in page
    assert "Số bài đạt giải không đăng ở đây vì tác giả không đồng ý công bố: 1." in page


def test_public_page_is_404_until_published_and_while_open_again(client, make):
    round_, _ = judged_round(make, ENTRIES, published=False)
    organizer = make.user(role="organizer")
    assert client.get(f"/essays/rounds/{round_.id}/anthology").status_code == 404
    login(client, organizer)
    assert client.get(f"/essays/rounds/{round_.id}/anthology").status_code == 404
    round_.results_published = True
    round_.closes_at = make.clock() + timedelta(days=1)
    db.session.commit()
    assert client.get(f"/essays/rounds/{round_.id}/anthology").status_code == 404


def test_nobody_consented_says_so(client, make):
    round_, _ = judged_round(make, [dict(e, consent=False) for e in ENTRIES])
    page = client.get(f"/essays/rounds/{round_.id}/anthology").get_data(as_text=True)
    assert "Chưa có bài đạt giải nào được đăng ở đây." in page
    assert "Số bài đạt giải không đăng ở đây vì tác giả không đồng ý công bố: 3." in page
    assert "Nguyễn Thị Hương" not in page


def test_results_page_links_the_anthology_and_organizers_the_prepare_buttons(client, make):
    round_, _ = judged_round(make, ENTRIES)
    page = client.get(f"/essays/rounds/{round_.id}/results").get_data(as_text=True)
    assert f'href="/essays/rounds/{round_.id}/anthology"' in page
    assert "Đọc các bài đạt giải (kỷ yếu)" in page
    assert "anthology/prepare" not in page  # a visitor gets no file button
    organizer = make.user(role="organizer")
    login(client, organizer)
    page = client.get(f"/essays/rounds/{round_.id}/results").get_data(as_text=True)
    assert page.count(f'action="/judging/manage/rounds/{round_.id}/anthology/prepare"') == 3
    assert "Chuẩn bị kỷ yếu (PDF)" in page and "Chuẩn bị kỷ yếu (Word)" in page
    assert "kèm các bài vào chung khảo (PDF)" in page
    # The old direct downloads of the pages are gone (the API's GETs stay: tests/api/test_anthology.py).
    assert client.get(f"/judging/manage/rounds/{round_.id}/anthology.pdf").status_code == 404


def test_organizer_prepare_is_not_for_members(client, make):
    round_, _ = judged_round(make, ENTRIES)
    login(client, make.user())
    for fmt in ("pdf", "docx"):
        assert client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": fmt}).status_code == 403


def test_organizer_prepare_refuses_before_publishing(client, make):
    round_, _ = judged_round(make, ENTRIES, published=False)
    organizer = make.user(role="organizer")
    login(client, organizer)
    refused = client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": "pdf"})
    assert refused.status_code == 302
    assert refused.headers["Location"] == f"/judging/manage/rounds/{round_.id}/results"
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Kết quả vòng thi này chưa được công bố." in page
    assert client.post(f"/judging/manage/rounds/{round_.id}/anthology/prepare", data={"fmt": "docx"}).status_code == 302
    page = client.get(f"/essays/rounds/{round_.id}/results").get_data(as_text=True)
    assert "anthology" not in page


def test_entry_form_asks_for_consent_and_stores_it(client, make):
    round_ = essay_round(make)
    member = make.user()
    login(client, member)
    page = client.get(f"/essays/rounds/{round_.id}/write").get_data(as_text=True)
    assert "Tôi đồng ý công bố bài dự thi nếu đạt giải." in page
    assert 'name="publish_consent"' in page
    client.post(f"/essays/rounds/{round_.id}/write", data={
        "title": "Bài của tôi", "body": words(20), "declaration": "y", "publish_consent": "y"})
    entry = db.session.query(Entry).filter_by(author_id=member.id).one()
    assert entry.publish_consent is True
    page = client.get(f"/essays/rounds/{round_.id}/write").get_data(as_text=True)
    box = page.split('name="publish_consent"')[0].rsplit("<input", 1)[1] + page.split('name="publish_consent"')[1].split(">")[0]
    assert "checked" in box
    client.post(f"/essays/rounds/{round_.id}/write", data={
        "title": "Bài của tôi", "body": words(21), "declaration": "y"})
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).publish_consent is False


def test_confirming_an_upload_asks_for_consent_and_stores_it(client, make):
    from contest.essays.models import EntryDraft

    round_ = essay_round(make)
    member = make.user()
    text = words(20)
    db.session.add(EntryDraft(round_id=round_.id, user_id=member.id, title="Bài tải lên", upload_kind="txt",
                              upload_name="bai.txt", upload_data=text.encode(), upload_text=text,
                              saved_at=make.clock()))
    db.session.commit()
    login(client, member)
    page = client.get(f"/essays/rounds/{round_.id}/upload/confirm").get_data(as_text=True)
    assert "Tôi đồng ý công bố bài dự thi nếu đạt giải." in page
    client.post(f"/essays/rounds/{round_.id}/upload/confirm",
                data={"title": "Bài tải lên", "declaration": "y", "publish_consent": "y"})
    entry = db.session.query(Entry).filter_by(author_id=member.id).one()
    assert entry.source == "txt" and entry.publish_consent is True
