"""Certificates (issue 9 point 6): issued by a background job once results are published, one
per member, an unguessable code, a PDF in the embedded font with a QR code of /verify/<code>,
verified by anyone, revoked by an organizer (audited)."""
import io
import unicodedata
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.certificates import render, rules, service
from contest.certificates.models import Certificate
from contest.extensions import db
from contest.rounds import service as rounds

NAME = unicodedata.normalize("NFC", "Nguyễn Thị Ánh Tuyết")


@pytest.fixture
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)  # as TestConfig has it: said for the reader


def _round(make, names=(NAME, "Trần Văn Bảo"), publish=True):
    unit = make.unit("Chi bộ Lê Lợi")
    make.questions(4)
    round_ = make.round(question_count=3)
    people = []
    for name in names:
        user = make.user(unit=unit, full_name=name)
        attempt, _ = rounds.start_attempt(round_, user)
        rounds.submit_attempt(attempt)
        people.append(user)
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    if publish:
        round_.results_published = True
    db.session.commit()
    return round_, people


def _issue(client, make, round_, organizer, scope="all"):
    response = client.post(f"/api/v1/rounds/{round_.id}/certificates", json={"scope": scope},
                           headers=make.auth(organizer))
    return response


def test_codes_are_long_random_and_all_distinct():
    codes = [rules.new_code() for _ in range(2000)]
    assert len(set(codes)) == 2000
    assert all(len(c) == 20 for c in codes)  # 15 bytes: 120 random bits
    assert sorted(codes) != codes


def test_issuing_runs_as_a_job_and_is_idempotent(client, make, inline):
    round_, people = _round(make)
    organizer = make.user(role="organizer")
    response = _issue(client, make, round_, organizer)
    assert response.status_code == 202
    job_id = response.get_json()["job_id"]
    job = client.get(f"/api/v1/jobs/{job_id}", headers=make.auth(organizer)).get_json()
    assert (job["status"], job["progress"], job["result"]) == ("done", 1.0, {"issued": 2, "already": 0, "total": 2})
    first = {c.user_id: c.code for c in db.session.execute(select(Certificate)).scalars()}
    again = _issue(client, make, round_, organizer).get_json()["job_id"]
    job = client.get(f"/api/v1/jobs/{again}", headers=make.auth(organizer)).get_json()
    assert job["result"] == {"issued": 0, "already": 2, "total": 2}
    db.session.expire_all()
    assert {c.user_id: c.code for c in db.session.execute(select(Certificate)).scalars()} == first
    listing = client.get(f"/api/v1/rounds/{round_.id}/certificates", headers=make.auth(organizer)).get_json()
    assert listing["total"] == 2
    item = next(i for i in listing["items"] if i["full_name"] == NAME)
    assert item == {"code": first[people[0].id], "full_name": NAME, "unit": "Chi bộ Lê Lợi", "prize": None,
                    "issued_at": item["issued_at"], "revoked": False,
                    "pdf_url": f"/api/v1/certificates/{first[people[0].id]}.pdf"}


def test_a_second_certificate_for_the_same_member_is_refused_by_the_database(make):
    round_, people = _round(make)
    service.issue(round_, "all")
    db.session.commit()
    from sqlalchemy.exc import IntegrityError

    db.session.add(Certificate(code=rules.new_code(), round_id=round_.id, user_id=people[0].id,
                               full_name="x", issued_at=round_.closes_at))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_not_published_is_409_and_starts_nothing(client, make, inline):
    round_, _people = _round(make, publish=False)
    response = _issue(client, make, round_, make.user(role="organizer"))
    assert response.status_code == 409
    assert response.get_json()["error"] == {"code": "not_published",
                                            "message": "Kết quả vòng thi này chưa được công bố."}
    assert db.session.execute(select(Certificate)).first() is None


def test_a_member_cannot_issue_or_list(client, make):
    round_, people = _round(make)
    member = make.auth(people[0])
    assert _issue(client, make, round_, people[0]).status_code == 403
    assert client.get(f"/api/v1/rounds/{round_.id}/certificates", headers=member).status_code == 403
    assert client.get(f"/api/v1/rounds/{round_.id}/certificates.pdf", headers=member).status_code == 403


def test_winners_are_the_ranked_rows_with_a_prize(make, monkeypatch):
    round_, people = _round(make)
    from contest.standings import service as standings

    rows = standings.leaderboard(round_)
    monkeypatch.setattr(standings, "leaderboard", lambda r: [
        {**row, "prize": "Giải Nhất" if row["user_id"] == people[1].id else None} for row in rows])
    assert [(p.user_id, p.prize) for p in service.recipients(round_, "winners")] == [(people[1].id, "Giải Nhất")]
    assert len(service.recipients(round_, "all")) == 2


def _fonts(page) -> set[str]:
    found = set()

    def walk(resources):
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if font.get("/FontDescriptor") or font.get("/DescendantFonts"):
                found.add(str(font.get("/BaseFont")))
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    walk(page.get("/Resources"))
    return found


def _text(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_has_the_name_exactly_the_code_and_the_qr_image(client, make, app):
    app.config["PUBLIC_BASE_URL"] = "https://thi.example.vn"
    try:
        round_, people = _round(make)
        service.issue(round_, "all")
        db.session.commit()
        certificate = service.own_certificate(round_.id, people[0].id)
        html = render.page_html(certificate, None, render.base_url())
        assert f"https://thi.example.vn/verify/{certificate.code}" in html
        response = client.get(f"/api/v1/certificates/{certificate.code}.pdf", headers=make.auth(people[0]))
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        reader, text = _text(response.data)
        assert len(reader.pages) == 1
        assert NAME in unicodedata.normalize("NFC", text)
        assert "GIẤY CHỨNG NHẬN" in unicodedata.normalize("NFC", text)
        assert certificate.code in text.replace("\n", "")
        assert len(reader.pages[0].images) >= 1  # the QR code
        assert any("Noto-Serif" in f for f in _fonts(reader.pages[0]))  # embedded, not a system font
        everything = client.get(f"/api/v1/rounds/{round_.id}/certificates.pdf",
                                headers=make.auth(make.user(role="organizer")))
        assert len(PdfReader(io.BytesIO(everything.data)).pages) == 2
    finally:
        app.config["PUBLIC_BASE_URL"] = None


def test_the_qr_code_holds_the_verify_url():
    import segno

    url = "https://thi.example.vn/verify/abcDEF123"
    qr = segno.make(url, error="m")
    assert render.qr_data_uri(url) == qr.png_data_uri(scale=6, border=2)
    assert render.qr_data_uri(url).startswith("data:image/png;base64,")


def test_someone_elses_pdf_is_not_found(client, make):
    round_, people = _round(make)
    service.issue(round_, "all")
    db.session.commit()
    code = service.own_certificate(round_.id, people[0].id).code
    assert client.get(f"/api/v1/certificates/{code}.pdf", headers=make.auth(people[1])).status_code == 404
    assert client.get(f"/api/v1/certificates/{code}.pdf").status_code == 401


def test_anyone_verifies_and_a_revoked_code_says_so(client, make):
    round_, people = _round(make)
    service.issue(round_, "all")
    db.session.commit()
    certificate = service.own_certificate(round_.id, people[0].id)
    code = certificate.code
    body = client.get(f"/api/v1/certificates/{code}").get_json()
    assert body == {"code": code, "full_name": NAME, "unit": "Chi bộ Lê Lợi", "contest": round_.contest.title,
                    "round": round_.title, "prize": None, "issued_at": body["issued_at"], "revoked": False}
    assert client.get("/api/v1/certificates/khong-co-ma-nay").get_json()["error"]["code"] == "not_found"
    organizer = make.user(role="organizer")
    response = client.delete(f"/api/v1/certificates/{code}", json={"reason": "Gian lận"},
                             headers=make.auth(organizer))
    assert response.status_code == 204
    assert client.get(f"/api/v1/certificates/{code}").get_json()["revoked"] is True
    events = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "certificate")).scalars().all()
    assert [(e.action, e.before, e.after, e.reason, e.actor_id) for e in events] == [
        ("certificate.revoke", {"revoked": False}, {"revoked": True}, "Gian lận", organizer.id)]
    again = client.delete(f"/api/v1/certificates/{code}", json={"reason": "x"}, headers=make.auth(organizer))
    assert again.status_code == 409
    assert client.delete(f"/api/v1/certificates/{code}", json={"reason": "x"},
                         headers=make.auth(people[1])).status_code == 403


def test_the_job_builds_the_rounds_pdf_and_a_revocation_forgets_it(client, make, inline):
    round_, people = _round(make)
    organizer = make.user(role="organizer")
    _issue(client, make, round_, organizer)
    bundle = service.bundle_of(round_.id)
    assert bundle is not None and bundle.count == 2
    served = client.get(f"/api/v1/rounds/{round_.id}/certificates.pdf", headers=make.auth(organizer))
    assert served.data == bundle.pdf
    code = service.own_certificate(round_.id, people[0].id).code
    client.delete(f"/api/v1/certificates/{code}", json={"reason": "Gian lận"}, headers=make.auth(organizer))
    db.session.expire_all()
    assert service.bundle_of(round_.id) is None
    _reader, text = _text(client.get(f"/api/v1/rounds/{round_.id}/certificates.pdf",
                                     headers=make.auth(organizer)).data)
    assert NAME not in unicodedata.normalize("NFC", text) and "Trần Văn Bảo" in unicodedata.normalize("NFC", text)


def test_many_certificates_are_laid_out_in_chunks_into_one_pdf(make):
    round_, _people = _round(make, names=[f"Người {i}" for i in range(5)])
    service.issue(round_, "all")
    db.session.commit()
    seen = []
    data = render.pdf(service.of_round(round_.id), None, "http://x", chunk=2,
                      progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert len(PdfReader(io.BytesIO(data)).pages) == 5


def test_a_writing_rounds_winners_are_its_entries_with_a_prize(client, make, inline):
    from tests.anthology_data import judged_round

    round_, _entries = judged_round(make, [
        {"title": "Tấm gương", "author": "Nguyễn Văn An", "unit": "Chi bộ A", "score": 90, "prize": "first"},
        {"title": "Làm theo Bác", "author": "Lê Thị Bình", "score": 70, "prize": None}])
    organizer = make.user(role="organizer")
    assert _issue(client, make, round_, organizer, scope="winners").status_code == 202
    items = client.get(f"/api/v1/rounds/{round_.id}/certificates", headers=make.auth(organizer)).get_json()["items"]
    assert [(i["full_name"], i["unit"], i["prize"]) for i in items] == [("Nguyễn Văn An", "Chi bộ A", "Giải Nhất")]
    _issue(client, make, round_, organizer, scope="all")
    items = client.get(f"/api/v1/rounds/{round_.id}/certificates", headers=make.auth(organizer)).get_json()["items"]
    assert [(i["full_name"], i["prize"]) for i in items] == [("Nguyễn Văn An", "Giải Nhất"), ("Lê Thị Bình", None)]


def test_the_qr_image_in_the_pdf_is_the_qr_code_of_the_verify_url(client, make, app):
    """Read the QR back: the image embedded in the PDF, sampled at the centre of each module,
    is exactly segno's matrix for the certificate's absolute /verify/<code> URL."""
    import segno

    app.config["PUBLIC_BASE_URL"] = "https://thi.example.vn"
    try:
        round_, people = _round(make)
        service.issue(round_, "all")
        db.session.commit()
        code = service.own_certificate(round_.id, people[0].id).code
        data = client.get(f"/api/v1/certificates/{code}.pdf", headers=make.auth(people[0])).data
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    image = PdfReader(io.BytesIO(data)).pages[0].images[0].image.convert("L")
    matrix = segno.make(f"https://thi.example.vn/verify/{code}", error="m").matrix
    size = len(matrix) + 4  # two modules of quiet zone each side
    module = image.width / size
    assert image.width == image.height == size * 6
    read = [[image.getpixel((int((c + 2.5) * module), int((r + 2.5) * module))) < 128
             for c in range(len(matrix))] for r in range(len(matrix))]
    assert read == [[bool(v) for v in row] for row in matrix]


def test_revoking_needs_a_reason(client, make):
    round_, people = _round(make)
    service.issue(round_, "all")
    db.session.commit()
    code = service.own_certificate(round_.id, people[0].id).code
    response = client.delete(f"/api/v1/certificates/{code}", json={}, headers=make.auth(make.user(role="organizer")))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == [{"field": "reason",
                                                        "message": "Hãy nêu lý do thu hồi giấy chứng nhận."}]
    assert client.get(f"/api/v1/certificates/{code}").get_json()["revoked"] is False
    assert db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "certificate")).first() is None


def test_quiz_winners_are_the_leaderboards_rows_with_a_prize_tier(client, make, inline):
    """With the round's prize tiers (one "Giải Nhất"), scope=winners issues the first's only."""
    unit = make.unit("Chi bộ Lê Lợi")
    make.questions(4)
    round_ = make.round(question_count=3, prizes=[{"name": "Giải Nhất", "count": 1}])
    names = ("Nguyễn Thị Ánh Tuyết", "Trần Văn Bảo")
    for i, name in enumerate(names):
        attempt, _ = rounds.start_attempt(round_, make.user(unit=unit, full_name=name))
        if i == 0:  # the first answers everything right: the only winner
            from tests.web.test_taking_a_round import correct_ids

            for question_id, option_ids in correct_ids(attempt.id).items():
                rounds.save_answer(attempt.id, question_id, option_ids)
        rounds.submit_attempt(attempt)
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    round_.results_published = True
    db.session.commit()
    organizer = make.user(role="organizer")
    assert _issue(client, make, round_, organizer, scope="winners").status_code == 202
    items = client.get(f"/api/v1/rounds/{round_.id}/certificates", headers=make.auth(organizer)).get_json()["items"]
    assert [(i["full_name"], i["prize"]) for i in items] == [(NAME, "Giải Nhất")]


def test_a_run_racing_another_keeps_the_certificates_the_other_issued(make, monkeypatch):
    """Two issuing jobs at once: the one whose batch hits the unique constraint rolls back and
    issues only what is still missing; nobody gets two certificates or a changed code."""
    round_, people = _round(make)
    service.issue(round_, "all", progress=lambda done, total: None)  # the other run, committed
    codes = {c.user_id: c.code for c in service.of_round(round_.id)}
    real = service.issued_user_ids
    calls = []

    def stale_then_real(round_id):  # this run read the issued ones before the other committed
        calls.append(round_id)
        return set() if len(calls) == 1 else real(round_id)

    monkeypatch.setattr(service, "issued_user_ids", stale_then_real)
    result = service.issue(round_, "all", progress=lambda done, total: None)
    assert len(calls) == 2 and result == {"issued": 0, "already": 2, "total": 2}
    db.session.expire_all()
    assert {c.user_id: c.code for c in service.of_round(round_.id)} == codes
