"""API: members submit and revise entries of writing rounds (JSON or a file)."""
import io
import zipfile
from datetime import timedelta

import docx
import pytest

from contest.extensions import db

CRITERIA = [{"name": "Nội dung", "max_points": 40, "weight": 2},
            {"name": "Bố cục", "max_points": 30}, {"name": "Ngôn ngữ", "max_points": 30}]


def essay_round(make, criteria=CRITERIA, **fields):
    """An open writing round with three criteria (out of 100)."""
    from contest.judging.criteria import set_criteria

    values = dict(kind="essay", title="Cuộc thi viết", min_words=5, max_words=400, judges_per_entry=2,
                  discrepancy_threshold=20.0, duration_seconds=None, question_count=None)
    values.update(fields)
    round_ = make.round(**values)
    set_criteria(round_, criteria)
    db.session.commit()
    return round_


def words(n, word="Bác"):
    return " ".join([word] * n)


def docx_bytes(paragraphs, author=None):
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if author:
        document.core_properties.author = author
        document.core_properties.last_modified_by = author
        document.core_properties.title = f"Bài của {author}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_json_entry_gets_a_code_and_a_second_post_revises(client, make):
    round_ = essay_round(make)
    member = make.user()
    auth = make.auth(member)
    first = client.post(f"/api/v1/rounds/{round_.id}/entries", json={"title": "Học Bác", "body": words(10)},
                        headers=auth)
    assert first.status_code == 201, first.json
    body = first.json
    assert body["word_count"] == 10 and body["code"].startswith("VB-") and body["submitted_at"]
    again = client.post(f"/api/v1/rounds/{round_.id}/entries", json={"title": "Học Bác (sửa)", "body": words(12)},
                        headers=auth)
    assert again.status_code == 201
    assert again.json["id"] == body["id"] and again.json["code"] == body["code"]
    assert again.json["word_count"] == 12 and again.json["revision"] == 2
    got = client.get(f"/api/v1/entries/{body['id']}", headers=auth).json
    assert got["title"] == "Học Bác (sửa)"


def test_word_limits_follow_vietnamese_syllables(client, make):
    round_ = essay_round(make, min_words=5, max_words=8)
    auth = make.auth(make.user())
    url = f"/api/v1/rounds/{round_.id}/entries"
    short = client.post(url, json={"title": "T", "body": "Hồ Chí Minh –"}, headers=auth)
    assert short.status_code == 422 and short.json["error"]["code"] == "too_short"
    assert "3" in short.json["error"]["message"] and "5" in short.json["error"]["message"]
    long = client.post(url, json={"title": "T", "body": words(9)}, headers=auth)
    assert long.status_code == 422 and long.json["error"]["code"] == "too_long"
    ok = client.post(url, json={"title": "T", "body": "Chủ tịch Hồ Chí Minh, 1890."}, headers=auth)
    assert ok.status_code == 201 and ok.json["word_count"] == 6


def test_round_not_open_and_wrong_kind(client, make, clock):
    round_ = essay_round(make)
    auth = make.auth(make.user())
    clock.advance(days=8)
    closed = client.post(f"/api/v1/rounds/{round_.id}/entries", json={"title": "T", "body": words(6)}, headers=auth)
    assert closed.status_code == 403 and closed.json["error"]["code"] == "round_not_open"
    quiz = make.round()
    assert client.post(f"/api/v1/rounds/{quiz.id}/entries", json={"title": "T", "body": "x"},
                       headers=auth).status_code == 404
    assert client.post(f"/api/v1/rounds/{round_.id}/entries", json={"title": "T", "body": "x"}).status_code == 401


def test_upload_docx_keeps_original_and_reads_body_only(client, make):
    round_ = essay_round(make)
    member = make.user(full_name="Nguyễn Văn Tác Giả")
    auth = make.auth(member)
    data = docx_bytes(["Học tập và làm theo tư tưởng đạo đức phong cách Hồ Chí Minh."], author="Nguyễn Văn Tác Giả")
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=auth, content_type="multipart/form-data",
                           data={"title": "Bài viết", "file": (io.BytesIO(data), "bai-viet.docx")})
    assert response.status_code == 201, response.json
    assert response.json["word_count"] == 14
    from contest.essays.models import Entry

    entry = db.session.get(Entry, response.json["id"])
    assert entry.files[0].data == data and entry.files[0].kind == "docx"
    assert "Tác Giả" not in entry.body


def test_renamed_exe_is_refused_415(client, make):
    round_ = essay_round(make)
    auth = make.auth(make.user())
    exe = b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=auth, content_type="multipart/form-data",
                           data={"title": "T", "file": (io.BytesIO(exe), "bai.docx")})
    assert response.status_code == 415 and response.json["error"]["code"] == "unsupported_file"


def test_zip_bomb_docx_is_refused(client, make):
    round_ = essay_round(make)
    auth = make.auth(make.user())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 1024 * 1024) + b"</w:document>")
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=auth, content_type="multipart/form-data",
                           data={"title": "T", "file": (io.BytesIO(buffer.getvalue()), "bomb.docx")})
    assert response.status_code == 415 and response.json["error"]["code"] == "unsupported_file"
    assert response.json["error"]["details"][0]["reason"] == "zip_bomb"
    from contest.essays.models import Entry

    assert db.session.query(Entry).count() == 0


def test_small_docx_with_huge_xml_is_refused_with_413(client, make):
    from tests.unit.test_essay_uploads import _text_heavy_docx

    round_ = essay_round(make)
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(make.user()),
                           content_type="multipart/form-data",
                           data={"title": "T", "file": (io.BytesIO(_text_heavy_docx(46)), "bai.docx")})
    assert response.status_code == 413
    error = response.json["error"]
    assert error["code"] == "file_too_large" and error["details"][0]["reason"] == "too_much_content"
    assert error["message"] == ("Tệp có quá nhiều nội dung để đọc: 46 MB sau khi giải nén, tối đa 8 MB. "
                                "Hãy lưu riêng phần bài viết vào một tệp mới, hoặc dán bài vào khung soạn thảo.")
    from contest.essays.models import Entry

    assert db.session.query(Entry).count() == 0


class _NeverRead(io.RawIOBase):
    """A request body of ``size`` bytes that fails the test if anyone reads it."""

    def __init__(self, size):
        super().__init__()
        self.size = size
        self.position = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=0):
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def readinto(self, buffer):
        raise AssertionError("the body was read")


def test_file_over_the_limit_is_refused_413_before_it_is_read(client, make, app):
    round_ = essay_round(make)
    auth = make.auth(make.user())
    from contest.essays.service import settings_to_change

    settings_to_change(round_).max_file_bytes = 1024 * 1024
    db.session.commit()
    size = 3 * 1024 * 1024
    response = client.post(f"/api/v1/rounds/{round_.id}/entries",
                           input_stream=_NeverRead(size),
                           headers={**auth, "Content-Type": "multipart/form-data; boundary=xyz"})
    assert response.status_code == 413 and response.json["error"]["code"] == "file_too_large"
    # Without a declared length the bytes are counted as they arrive.
    data = b"Bac Ho " * (200 * 1024)
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=auth, content_type="multipart/form-data",
                           data={"title": "T", "file": (io.BytesIO(data), "big.txt")})
    assert response.status_code == 413 and response.json["error"]["code"] == "file_too_large"


def test_markup_like_text_is_stored_as_typed(client, make):
    round_ = essay_round(make, min_words=1)
    auth = make.auth(make.user())
    body = ("Tác phẩm <Nhật ký trong tù> ra đời năm 1942.\n\n<svg onload=alert(1)> <style>p{}</style>"
            '<p onclick="alert(1)">Bác Hồ kính yêu</p><script>alert("x")</script>')
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", json={"title": "<b>T</b>", "body": body},
                           headers=auth)
    assert response.status_code == 201
    assert response.json["body"] == body and response.json["word_count"] == 17  # 10 + 7 tokens
    got = client.get(f"/api/v1/entries/{response.json['id']}", headers=auth).json
    assert got["body"] == body and got["title"] == "<b>T</b>"


def test_entry_readable_by_author_and_organizer_only(client, make):
    round_ = essay_round(make)
    author, other, organizer = make.user(), make.user(), make.user(role="organizer")
    entry_id = client.post(f"/api/v1/rounds/{round_.id}/entries", json={"title": "T", "body": words(6)},
                           headers=make.auth(author)).json["id"]
    assert client.get(f"/api/v1/entries/{entry_id}", headers=make.auth(other)).status_code == 404
    assert client.get(f"/api/v1/entries/{entry_id}", headers=make.auth(organizer)).status_code == 200
    judge = make.user(role="judge")
    assert client.get(f"/api/v1/entries/{entry_id}", headers=make.auth(judge)).status_code == 404


def test_round_api_carries_criteria(client, make):
    organizer = make.user(role="organizer")
    contest = make.contest()
    now = make.clock()
    response = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=make.auth(organizer), json={
        "kind": "essay", "title": "Viết", "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=3)).isoformat(),
        "min_words": 100, "criteria": CRITERIA})
    assert response.status_code == 201, response.json
    criteria = response.json["criteria"]
    assert [c["name"] for c in criteria] == ["Nội dung", "Bố cục", "Ngôn ngữ"] and criteria[0]["weight"] == 2
    patched = client.patch(f"/api/v1/rounds/{response.json['id']}", headers=make.auth(organizer), json={
        "criteria": [{"id": criteria[0]["id"], "name": "Nội dung tư tưởng", "max_points": 50}]})
    assert patched.status_code == 200
    assert [(c["id"], c["name"]) for c in patched.json["criteria"]] == [(criteria[0]["id"], "Nội dung tư tưởng")]


@pytest.mark.parametrize("missing", ["title", "body"])
def test_missing_fields_are_validation_errors(client, make, missing):
    round_ = essay_round(make)
    payload = {"title": "T", "body": words(6)}
    payload.pop(missing)
    response = client.post(f"/api/v1/rounds/{round_.id}/entries", json=payload, headers=make.auth(make.user()))
    assert response.status_code == 422 and response.json["error"]["code"] == "validation_error"
