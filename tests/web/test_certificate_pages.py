"""Certificate pages: /verify/<code> for anyone, the organizer's template and seal, the round's
certificates with the progress bar, the member's own download."""
import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from contest.certificates import rules, service
from contest.certificates.models import CertificateSettings
from contest.errors import Refusal
from contest.extensions import db
from tests.api.test_certificates import NAME, _round, inline  # noqa: F401  (fixture)
from tests.factories import sign_in


def _issued(make):
    round_, people = _round(make)
    service.issue(round_, "all")
    db.session.commit()
    return round_, people, service.own_certificate(round_.id, people[0].id)


def test_verify_confirms_holder_prize_contest_round_and_date_without_sign_in(client, make):
    round_, _people, certificate = _issued(make)
    response = client.get(f"/verify/{certificate.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Giấy chứng nhận này hợp lệ: do ban tổ chức cuộc thi cấp." in html
    assert f'<dd class="col-sm-8" data-testid="verify-holder">{NAME}</dd>' in html
    assert round_.title in html and round_.contest.title in html
    issued_on = (certificate.issued_at + timedelta(hours=7)).strftime("%d/%m/%Y")  # Hà Nội
    assert f'Ngày cấp</dt><dd class="col-sm-8">{issued_on}</dd>' in html


def test_verify_says_plainly_an_unknown_code(client, make):
    response = client.get("/verify/khongcomanay")
    assert response.status_code == 404
    assert ("Mã này không tồn tại: không có giấy chứng nhận nào được cấp với mã khongcomanay."
            in response.get_data(as_text=True))
    assert client.get("/verify/" + "x" * 65).status_code == 404


def test_verify_says_revoked_with_the_date(client, make):
    _round_, _people, certificate = _issued(make)
    make.clock.set(make.clock() + timedelta(days=2))
    service.revoke(certificate, "Gian lận", make.user(role="organizer"))
    db.session.commit()
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    revoked_on = (make.clock() + timedelta(hours=7)).strftime("%d/%m/%Y")
    assert f"Giấy chứng nhận này đã bị thu hồi ngày {revoked_on}: không còn giá trị." in html
    assert "hợp lệ: do ban tổ chức" not in html


def test_the_template_sandbox_refuses_python(make):
    with pytest.raises(Refusal) as refused:
        rules.render_source("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})
    assert refused.value.code == "invalid_template"
    with pytest.raises(Refusal):
        rules.render_source("{{ cycler.__init__.__globals__.os }}", {})
    assert rules.render_source("[{{ ''.__class__ }}]", {}) == "[]"  # an unsafe attribute is nothing
    assert rules.render_source("{{ full_name }}", {"full_name": "<b>Á</b>"}) == "&lt;b&gt;Á&lt;/b&gt;"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "PNG")
    return out.getvalue()


def test_settings_page_saves_signer_and_image_and_refuses_a_renamed_file(client, make):
    contest = make.contest()
    sign_in(client, make.user(role="organizer"))
    page = client.get(f"/manage/contests/{contest.id}/certificates").get_data(as_text=True)
    assert "GIẤY CHỨNG NHẬN" in page  # the default template, to edit
    response = client.post(f"/manage/contests/{contest.id}/certificates", data={
        "signer_name": "Lê Văn Đức", "signer_title": "Trưởng ban tổ chức", "template": "",
        "image": (io.BytesIO(b"MZ\x90\x00 not a picture"), "dau.png")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert "Hình ảnh phải là ảnh PNG hoặc JPEG." in response.get_data(as_text=True)
    assert db.session.get(CertificateSettings, contest.id) is None
    response = client.post(f"/manage/contests/{contest.id}/certificates", data={
        "signer_name": "Lê Văn Đức", "signer_title": "Trưởng ban tổ chức", "template": "",
        "image": (io.BytesIO(_png()), "dau.png")}, content_type="multipart/form-data", follow_redirects=True)
    assert "Đã lưu mẫu giấy chứng nhận." in response.get_data(as_text=True)
    saved = db.session.get(CertificateSettings, contest.id)
    assert (saved.signer_name, saved.image_type, saved.template) == ("Lê Văn Đức", "image/png", None)
    response = client.post(f"/manage/contests/{contest.id}/certificates", data={  # no new image: kept
        "signer_name": "Lê Văn Đức", "signer_title": "Trưởng ban tổ chức", "template": ""},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Đã lưu mẫu giấy chứng nhận." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CertificateSettings, contest.id).image_type == "image/png"
    preview = client.get(f"/manage/contests/{contest.id}/certificates/preview.pdf")
    assert preview.status_code == 200 and preview.data[:5] == b"%PDF-"
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(preview.data)).pages[0]
    assert len(page.images) == 2  # the QR code and the seal
    assert "Lê Văn Đức" in page.extract_text() and "Trưởng ban tổ chức" in page.extract_text()


def test_a_template_reaching_python_is_refused_on_save(client, make):
    contest = make.contest()
    sign_in(client, make.user(role="organizer"))
    for evil in ("{% if %}", "{{ ''.__class__.__mro__[1].__subclasses__() }}"):
        response = client.post(f"/manage/contests/{contest.id}/certificates", data={"template": evil},
                               follow_redirects=True)
        assert "Mẫu giấy chứng nhận không hợp lệ" in response.get_data(as_text=True)
    assert db.session.get(CertificateSettings, contest.id) is None


def test_an_image_over_1_mb_is_refused():
    with pytest.raises(Refusal) as refused:
        rules.check_image(b"\x89PNG" + b"0" * (1024 * 1024))
    assert refused.value.status == 413


def test_the_organizer_issues_from_the_page_and_sees_the_progress_bar(client, make, inline):  # noqa: F811
    round_, _people = _round(make)
    sign_in(client, make.user(role="organizer"))
    page = client.get(f"/rounds/{round_.id}/certificates").get_data(as_text=True)
    assert "Cấp giấy chứng nhận cho mọi người tham gia" in page
    response = client.post(f"/rounds/{round_.id}/certificates/issue", data={"scope": "all"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="job-progress"' in page and "js/job-progress.js" in page
    assert NAME in page and "Còn hiệu lực" in page
    everything = client.get(f"/rounds/{round_.id}/certificates.pdf")
    assert everything.status_code == 200 and everything.data[:5] == b"%PDF-"


def test_the_page_refuses_to_issue_before_publication(client, make):
    round_, _people = _round(make, publish=False)
    sign_in(client, make.user(role="organizer"))
    page = client.post(f"/rounds/{round_.id}/certificates/issue", data={"scope": "all"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Kết quả vòng thi này chưa được công bố." in page
    assert service.of_round(round_.id) == []


def test_a_member_downloads_their_own_certificate_from_the_round_page_only(client, make):
    round_, people, certificate = _issued(make)
    sign_in(client, people[0])
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-testid="my-certificate"', page).group(1)
    assert link == f"/certificates/{certificate.code}.pdf"
    assert client.get(link).data[:5] == b"%PDF-"
    other = service.own_certificate(round_.id, people[1].id)
    assert client.get(f"/certificates/{other.code}.pdf").status_code == 404
    assert client.get(f"/rounds/{round_.id}/certificates").status_code == 403


def test_the_member_finds_the_download_on_the_attempts_result_too(client, make):
    from contest.rounds.models import Attempt
    from sqlalchemy import select

    round_, people, certificate = _issued(make)
    attempt = db.session.execute(select(Attempt).where(Attempt.user_id == people[0].id)).scalar_one()
    sign_in(client, people[0])
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert f'href="/certificates/{certificate.code}.pdf" data-testid="my-certificate"' in page


def test_an_organizers_own_template_is_what_the_pdf_shows(client, make):
    round_, people, certificate = _issued(make)
    sign_in(client, make.user(role="organizer"))
    client.post(f"/manage/contests/{round_.contest_id}/certificates", data={
        "template": "<h1>BẰNG KHEN {{ full_name }}</h1><p>{{ code }}</p>{{ qr }}"})
    assert client.get(f"/manage/contests/{round_.contest_id}/certificates").get_data(as_text=True).count(
        "BẰNG KHEN {{ full_name }}") == 1
    from pypdf import PdfReader

    data = client.get(f"/certificates/{certificate.code}.pdf").data
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert f"BẰNG KHEN {NAME}" in text and "GIẤY CHỨNG NHẬN" not in text
