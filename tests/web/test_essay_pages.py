"""Pages of writing rounds: members write, upload, confirm and revise; organizers set rounds up."""
import io
from datetime import timedelta

from sqlalchemy import select

from contest.essays.models import Entry, EntryDraft, EssaySettings
from contest.extensions import db
from tests.api.test_essay_entries import docx_bytes, essay_round, words
from tests.factories import sign_in


def login(client, user):
    sign_in(client, user)


def test_round_page_shows_rules_limits_and_the_way_in(client, make):
    round_ = essay_round(make, rules="Viết về tấm gương Bác Hồ.", min_words=300, max_words=1500)
    html = client.get(f"/rounds/{round_.id}", follow_redirects=True).get_data(as_text=True)
    assert "Viết về tấm gương Bác Hồ." in html and "300" in html and "1.500" in html
    login(client, make.user())
    html = client.get(f"/essays/rounds/{round_.id}").get_data(as_text=True)
    assert f"/essays/rounds/{round_.id}/write" in html and f"/essays/rounds/{round_.id}/upload" in html


def test_write_submit_and_revise_in_the_browser(client, make):
    round_ = essay_round(make, min_words=5, max_words=50)
    member = make.user()
    login(client, member)
    page = client.get(f"/essays/rounds/{round_.id}/write")
    assert page.status_code == 200 and 'id="word-count"' in page.get_data(as_text=True)
    refused = client.post(f"/essays/rounds/{round_.id}/write", data={"title": "Bài", "body": "Hai từ", "declaration": "y"})
    assert refused.status_code == 200
    assert ('<div class="alert alert-danger" role="alert" id="problem">'
            "Bài dự thi của bạn có 2 chữ; vòng thi này yêu cầu ít nhất 5 chữ.</div>") in refused.get_data(as_text=True)
    assert db.session.query(Entry).count() == 0
    undeclared = client.post(f"/essays/rounds/{round_.id}/write", data={"title": "Bài", "body": words(6)})
    assert db.session.query(Entry).count() == 0 and undeclared.status_code == 200
    done = client.post(f"/essays/rounds/{round_.id}/write", data={"title": "Bài", "body": words(6), "declaration": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/essays/rounds/{round_.id}/entry")
    entry = db.session.execute(select(Entry)).scalar_one()
    code = entry.code
    mine = client.get(f"/essays/rounds/{round_.id}/entry").get_data(as_text=True)
    assert code in mine and "Bài" in mine and member.full_name not in mine.split("</nav>", 1)[1]
    client.post(f"/essays/rounds/{round_.id}/write", data={"title": "Bài (sửa)", "body": words(8), "declaration": "y"})
    db.session.expire_all()
    entry = db.session.execute(select(Entry)).scalar_one()
    assert entry.code == code and entry.title == "Bài (sửa)" and entry.word_count == 8 and entry.revision == 2


def test_draft_is_saved_as_the_member_types(client, make):
    round_ = essay_round(make)
    member = make.user()
    login(client, member)
    response = client.post(f"/essays/rounds/{round_.id}/draft", json={"title": "Nháp", "body": "Hồ Chí Minh vĩ đại"})
    assert response.status_code == 200 and response.json["word_count"] == 5
    html = client.get(f"/essays/rounds/{round_.id}/write").get_data(as_text=True)
    assert "Hồ Chí Minh vĩ đại" in html and 'value="Nháp"' in html
    assert client.post(f"/essays/rounds/{round_.id}/draft", json={"body": 5}).status_code == 422


def test_upload_shows_the_text_before_submitting(client, make):
    round_ = essay_round(make)
    member = make.user(full_name="Lê Văn Ẩn Danh")
    login(client, member)
    data = docx_bytes(["Tư tưởng Hồ Chí Minh soi đường cho chúng ta."], author="Lê Văn Ẩn Danh")
    response = client.post(f"/essays/rounds/{round_.id}/upload", content_type="multipart/form-data",
                           data={"title": "Soi đường", "file": (io.BytesIO(data), "bai.docx")})
    assert response.status_code == 302
    preview = client.get(f"/essays/rounds/{round_.id}/upload/confirm").get_data(as_text=True)
    assert "Tư tưởng Hồ Chí Minh soi đường cho chúng ta." in preview and "10" in preview
    assert db.session.query(Entry).count() == 0  # nothing is submitted before the member confirms
    done = client.post(f"/essays/rounds/{round_.id}/upload/confirm", data={"title": "Soi đường", "declaration": "y"})
    assert done.status_code == 302
    entry = db.session.execute(select(Entry)).scalar_one()
    assert entry.source == "docx" and entry.files[0].data == data and entry.word_count == 10
    assert db.session.query(EntryDraft).count() == 0


def test_upload_refusals_are_explained(client, make):
    round_ = essay_round(make)
    login(client, make.user())
    exe = client.post(f"/essays/rounds/{round_.id}/upload", content_type="multipart/form-data",
                      data={"title": "T", "file": (io.BytesIO(b"MZ" + b"\0" * 100), "bai.pdf")})
    assert exe.status_code == 415 and ".docx" in exe.get_data(as_text=True)


def test_small_docx_with_huge_xml_is_refused_quickly_and_nothing_is_kept(client, make):
    import time

    from tests.unit.test_essay_uploads import _text_heavy_docx

    round_ = essay_round(make)
    login(client, make.user())
    data = _text_heavy_docx(46)
    started = time.monotonic()
    response = client.post(f"/essays/rounds/{round_.id}/upload", content_type="multipart/form-data",
                           data={"title": "Bài", "file": (io.BytesIO(data), "bai.docx")})
    assert time.monotonic() - started < 1.5
    assert response.status_code == 413
    assert ('<div class="alert alert-danger" role="alert" id="problem">Tệp có quá nhiều nội dung để đọc: '
            "46 MB sau khi giải nén, tối đa 8 MB. Hãy lưu riêng phần bài viết vào một tệp mới, "
            "hoặc dán bài vào khung soạn thảo.</div>") in response.get_data(as_text=True)
    assert db.session.query(Entry).count() == 0 and db.session.query(EntryDraft).count() == 0


def test_closed_round_refuses_writing(client, make, clock):
    round_ = essay_round(make)
    login(client, make.user())
    clock.advance(days=10)
    response = client.post(f"/essays/rounds/{round_.id}/write", data={"title": "T", "body": words(10), "declaration": "y"})
    assert response.status_code == 302 and db.session.query(Entry).count() == 0


MARKUP_LIKE = ("Tác phẩm <Nhật ký trong tù> của Bác Hồ là một tập thơ quý.\n"
               "<svg onload=alert(1)> không phải là ảnh <style>body{display:none}</style> "
               "và <script>alert('x')</script> a < b")


def test_markup_like_text_in_an_entry_is_kept_whole_and_shown_escaped(client, make):
    round_ = essay_round(make, min_words=1)
    member = make.user()
    login(client, member)
    done = client.post(f"/essays/rounds/{round_.id}/write", data={
        "title": "<img src=x onerror=alert(1)> Tựa <Nhật ký>", "declaration": "y", "body": MARKUP_LIKE})
    assert done.status_code == 302
    entry = db.session.execute(select(Entry)).scalar_one()
    assert entry.body == MARKUP_LIKE and entry.title == "<img src=x onerror=alert(1)> Tựa <Nhật ký>"
    assert entry.word_count == 25  # 14 + 11: "<Nhật" and "tù>" are words, a lone "<" is not
    html = client.get(f"/essays/rounds/{round_.id}/entry").get_data(as_text=True)
    assert ("<p>Tác phẩm &lt;Nhật ký trong tù&gt; của Bác Hồ là một tập thơ quý.<br>"
            "&lt;svg onload=alert(1)&gt; không phải là ảnh &lt;style&gt;body{display:none}&lt;/style&gt; "
            "và &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; a &lt; b</p>") in html
    assert "&lt;img src=x onerror=alert(1)&gt; Tựa &lt;Nhật ký&gt;" in html
    for element in ("<svg", "<style>", "<script>alert", "<img src=x", "<Nhật"):
        assert element not in html


def test_organizer_creates_and_edits_a_writing_round(client, make):
    organizer = make.user(role="organizer")
    contest = make.contest()
    login(client, organizer)
    page = client.get(f"/manage/contests/{contest.id}").get_data(as_text=True)
    assert f"/essays/manage/contests/{contest.id}/rounds/new" in page
    assert client.get(f"/essays/manage/contests/{contest.id}/rounds/new").status_code == 200
    opens = (make.clock() + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")
    closes = (make.clock() + timedelta(days=7, hours=7)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "Cuộc thi viết 2026", "rules": "Thể lệ", "opens_at": opens, "closes_at": closes,
            "min_words": "300", "max_words": "1500", "allowed_kinds": ["docx", "txt"], "max_file_mb": "2",
            "criteria-0-name": "Nội dung", "criteria-0-max_points": "60", "criteria-0-weight": "1",
            "criteria-1-name": "Hình thức", "criteria-1-max_points": "40", "criteria-1-weight": "1",
            "judges_per_entry": "3", "discrepancy_threshold": "15", "require_declaration": "y",
            "similarity_percent": "25"}
    response = client.post(f"/essays/manage/contests/{contest.id}/rounds/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    from contest.judging.criteria import round_criteria
    from contest.rounds.models import Round

    round_ = db.session.execute(select(Round)).scalar_one()
    assert round_.kind == "essay" and round_.judges_per_entry == 3 and round_.min_words == 300
    assert [c["name"] for c in round_criteria(round_)] == ["Nội dung", "Hình thức"]
    settings = db.session.get(EssaySettings, round_.id)
    assert settings.allowed_kinds == ["docx", "txt"] and settings.similarity_limit == 0.25
    assert settings.max_file_bytes == 2 * 1024 * 1024
    edit = client.get(f"/manage/rounds/{round_.id}/edit", follow_redirects=True).get_data(as_text=True)
    assert "Cuộc thi viết 2026" in edit and "Hình thức" in edit
    bad = dict(data, max_words="100")
    response = client.post(f"/essays/manage/rounds/{round_.id}/edit", data=bad)
    assert response.status_code == 200  # max below min: shown on the form


def test_members_cannot_reach_organizer_essay_pages(client, make):
    round_ = essay_round(make)
    login(client, make.user())
    for url in (f"/essays/manage/rounds/{round_.id}/edit", f"/essays/manage/rounds/{round_.id}/entries",
                f"/judging/manage/rounds/{round_.id}", f"/judging/manage/rounds/{round_.id}/results",
                f"/essays/manage/rounds/{round_.id}/similarity"):
        assert client.get(url).status_code == 403, url
