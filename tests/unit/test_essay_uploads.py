"""Uploaded essay files: sniffed by content, bomb-checked, body text only.

Every sample file is generated here (python-docx, pypdf, a hand-written PDF), so the repo
carries no binaries.
"""

import io
import random
import zipfile

import docx
import pypdf
import pytest

from contest.essays.uploads import (
    MAX_DOCX_ENTRIES,
    UploadError,
    check_declared_size,
    check_zip_members,
    extract_text,
    sniff,
)

MB = 1024 * 1024
AUTHOR = "Nguyễn Văn Bí Mật"


# ------------------------------------------------------------------ sample builders


def make_docx(paragraphs=("Học tập và làm theo tấm gương đạo đức Hồ Chí Minh.",), *,
              author=AUTHOR, table=None, header=None) -> bytes:
    document = docx.Document()
    document.core_properties.author = author
    document.core_properties.last_modified_by = author
    document.core_properties.title = "Bài dự thi của " + author
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    if header:
        document.sections[0].header.paragraphs[0].text = header
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rebuild_zip(data: bytes, extra: dict[str, bytes], compresslevel=9) -> bytes:
    """Copy a zip and add members (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for name, payload in extra.items():
            dst.writestr(name, payload)
    return out.getvalue()


def make_text_pdf(lines, *, author="Secret Author Name", pages=1) -> bytes:
    """A minimal hand-written PDF: Helvetica text objects, an /Info dictionary with /Author."""
    objects = {}
    page_ids = []
    next_id = 6
    for _ in range(pages):
        content = "BT /F1 12 Tf 72 720 Td 14 TL\n" + "\n".join(
            "(%s) '" % line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            for line in lines
        ) + "\nET"
        stream = content.encode("latin-1")
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        objects[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % content_id
        )
        page_ids.append(page_id)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects[4] = b"<< /Author (%s) /Title (Essay by %s) >>" % (author.encode(), author.encode())
    objects[5] = b"<< >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for oid in sorted(objects):
        offsets[oid] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (oid, objects[oid])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for oid in range(1, size):
        out += b"%010d 00000 n \n" % offsets[oid]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, xref)
    return bytes(out)


def blank_pdf(pages=1, *, password=None) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Secret Author Name"})
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def code_of(excinfo) -> str:
    return excinfo.value.code


# ------------------------------------------------------------------ sniff


def test_sniff_recognizes_kinds_by_content():
    assert sniff(make_docx()) == "docx"
    assert sniff(make_text_pdf(["Hello"])) == "pdf"
    assert sniff("Bài viết về Bác Hồ\n".encode()) == "txt"
    assert sniff(b"\xef\xbb\xbf" + "Có BOM".encode()) == "txt"
    assert sniff("UTF-16 có BOM".encode("utf-16")) == "txt"
    assert sniff(b"\xfe\xff" + "big endian".encode("utf-16-be")) == "txt"


def test_sniff_refuses_programs_archives_and_binary():
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)) is None
    assert sniff(b"\x7fELF\x02\x01\x01" + bytes(50)) is None
    assert sniff(bytes(range(256)) * 4) is None
    assert sniff(b"") is None
    # UTF-16 without a BOM has NUL bytes: not text
    assert sniff("không BOM".encode("utf-16-le")) is None
    # Windows-1258 / Latin-1 legacy bytes are not UTF-8
    assert sniff("Hồ Chí Minh".encode("utf-8").replace(b"\xe1", b"\xff")) is None


def test_sniff_plain_zip_or_other_office_file_is_not_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(buf.getvalue()) is None
    assert sniff(b"PK\x03\x04 truncated") is None


def test_sniff_text_must_be_mostly_printable():
    assert sniff(("chữ " * 100).encode() + b"\x01\x02\x03") == "txt"
    assert sniff(b"\x01\x02\x03\x04\x05\x06 abc") is None


# ------------------------------------------------------------------ size


def test_file_too_large():
    with pytest.raises(UploadError) as e:
        extract_text(b"x" * (2 * MB + 1), max_bytes=2 * MB)
    assert code_of(e) == "file_too_large"
    assert e.value.params["limit_mb"] == "2"
    assert "2 MB" in str(e.value.message)
    kind, text = extract_text(b"x" * 10, max_bytes=10)
    assert (kind, text) == ("txt", "x" * 10)


def test_check_declared_size_before_reading_body():
    check_declared_size(None, 10)
    check_declared_size("", 10)
    check_declared_size(10, 10)
    check_declared_size("10", 10)
    with pytest.raises(UploadError) as e:
        check_declared_size("11", 10)
    assert code_of(e) == "file_too_large"


# ------------------------------------------------------------------ txt


def test_txt_utf8_with_bom_and_crlf_is_normalized():
    data = b"\xef\xbb\xbf" + "Bác Hồ kính yêu  \r\n\r\n\r\n\r\n\r\nĐoạn hai\r\n".encode()
    assert extract_text(data, max_bytes=MB) == ("txt", "Bác Hồ kính yêu\n\n\nĐoạn hai")


def test_txt_utf16_with_bom():
    data = "Tư tưởng Hồ Chí Minh".encode("utf-16")
    assert extract_text(data, max_bytes=MB) == ("txt", "Tư tưởng Hồ Chí Minh")


# ------------------------------------------------------------------ docx


def test_docx_body_and_tables_without_metadata_or_header():
    data = make_docx(
        ["Mở đầu: học tập tấm gương Bác.", "", "Kết luận."],
        table=[["Năm", "Sự kiện"], ["1911", "Ra đi tìm đường cứu nước"]],
        header=AUTHOR,
    )
    kind, text = extract_text(data, max_bytes=5 * MB)
    assert kind == "docx"
    assert text == (
        "Mở đầu: học tập tấm gương Bác.\n\nKết luận.\n\n"
        "Năm\n\nSự kiện\n\n1911\n\nRa đi tìm đường cứu nước"
    )
    assert "Bí Mật" not in text and "Nguyễn" not in text


def test_docx_soft_line_break_and_tab_are_kept():
    document = docx.Document()
    run = document.add_paragraph().add_run("dòng một")
    run.add_break()
    run.add_text("dòng hai\tcột")
    buf = io.BytesIO()
    document.save(buf)
    assert extract_text(buf.getvalue(), max_bytes=MB)[1] == "dòng một\ndòng hai\tcột"


def test_docx_tracked_changes_keep_insertions_and_drop_deletions():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    p = document.add_paragraph("Bác Hồ ")
    p._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="1" w:author="{AUTHOR}"><w:r><w:t>kính yêu</w:t></w:r></w:ins>'
    ))
    p._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="2" w:author="{AUTHOR}">'
        "<w:r><w:delText> bị xóa</w:delText></w:r></w:del>"
    ))
    buf = io.BytesIO()
    document.save(buf)
    assert extract_text(buf.getvalue(), max_bytes=MB)[1] == "Bác Hồ kính yêu"


def test_renamed_exe_is_unsupported():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(1000)
    with pytest.raises(UploadError) as e:
        extract_text(exe, max_bytes=MB)  # the name "bai-du-thi.docx" never reaches us
    assert code_of(e) == "unsupported_file"
    assert ".docx" in str(e.value.message)


def test_kind_not_allowed_by_round_is_unsupported():
    with pytest.raises(UploadError) as e:
        extract_text(make_text_pdf(["Hello"]), max_bytes=MB, allowed={"docx"})
    assert code_of(e) == "unsupported_file"
    assert e.value.reason == "not_allowed"
    assert e.value.params["kinds"] == ".docx"


def test_zip_bomb_docx_is_refused_before_extraction():
    bomb = rebuild_zip(make_docx(), {"word/media/image1.bin": bytes(20 * MB)})
    assert len(bomb) < MB  # tiny on the wire
    assert sniff(bomb) == "docx"
    with pytest.raises(UploadError) as e:
        extract_text(bomb, max_bytes=5 * MB)
    assert code_of(e) == "bad_file"
    assert e.value.reason == "zip_bomb"
    assert e.value.params["member"] == "word/media/image1.bin"


def test_docx_with_too_many_entries_is_refused():
    extra = {f"customXml/extra{i}.xml": b"<a/>" for i in range(MAX_DOCX_ENTRIES)}
    with pytest.raises(UploadError) as e:
        extract_text(rebuild_zip(make_docx(), extra, compresslevel=1), max_bytes=5 * MB)
    assert code_of(e) == "bad_file" and e.value.reason == "zip_bomb"


def _infos(*members):
    infos = []
    for name, size, compressed in members:
        info = zipfile.ZipInfo(name)
        info.file_size, info.compress_size = size, compressed
        infos.append(info)
    return infos


def test_declared_uncompressed_total_over_20_mb_is_refused():
    # The rule reads the zip directory only; members with modest ratios can still add up.
    infos = _infos(*((f"word/media/image{i}.png", 5 * MB, 4 * MB) for i in range(5)))
    with pytest.raises(UploadError) as e:
        check_zip_members(infos, max_bytes=5 * MB)
    assert e.value.code == "file_too_large" and e.value.reason == "too_much_content"
    assert e.value.params == {"size_mb": "25", "limit_mb": "20"}
    check_zip_members(infos[:4], max_bytes=5 * MB)  # 20 MB is fine
    check_zip_members(infos, max_bytes=15 * MB)  # a round taking 15 MB files allows twice that


def test_document_xml_over_8_mb_is_refused_whatever_its_ratio():
    infos = _infos(("[Content_Types].xml", 1000, 300), ("word/document.xml", 8 * MB + 1, MB))
    with pytest.raises(UploadError) as e:
        check_zip_members(infos)
    assert e.value.code == "file_too_large" and e.value.reason == "too_much_content"
    assert e.value.params == {"size_mb": "8.0", "limit_mb": "8"}
    check_zip_members(_infos(("word/document.xml", 8 * MB, MB)))


def test_xml_parts_together_over_12_mb_are_refused():
    infos = _infos(("word/document.xml", 7 * MB, MB), ("word/styles.xml", 3 * MB, MB),
                   ("customXml/item1.xml", 3 * MB, MB), ("word/media/image1.png", 3 * MB, 3 * MB))
    with pytest.raises(UploadError) as e:
        check_zip_members(infos)
    assert e.value.reason == "too_much_content" and e.value.params["size_mb"] == "13"
    check_zip_members(infos[:2] + infos[3:])


def _text_heavy_docx(xml_mb: float) -> bytes:
    """A small .docx whose document.xml unpacks to ``xml_mb`` MB of varied paragraphs (about
    40:1, under the per-member ratio limit, like the 0.7 MB upload with 46 MB of XML)."""
    rnd = random.Random(7)
    words = ["Bác", "Hồ", "học", "tập", "làm", "theo", "đạo", "đức", "phong", "cách"]
    paragraphs, size = [], 0
    while size < xml_mb * MB:
        p = ('<w:p><w:pPr><w:spacing w:after="120"/></w:pPr><w:r><w:rPr><w:sz w:val="26"/></w:rPr>'
             f"<w:t>{rnd.choice(words)} {rnd.randrange(1000)}</w:t></w:r></w:p>")
        paragraphs.append(p)
        size += len(p.encode())
    src = zipfile.ZipFile(io.BytesIO(make_docx(["x"])))
    body = src.read("word/document.xml").decode().replace("<w:body>", "<w:body>" + "".join(paragraphs), 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            payload = body.encode() if info.filename == "word/document.xml" else src.read(info.filename)
            dst.writestr(info.filename, payload)
    return out.getvalue()


def test_small_docx_with_46_mb_of_xml_is_refused_before_parsing():
    import time

    data = _text_heavy_docx(46)
    assert len(data) < 1.5 * MB and sniff(data) == "docx"
    started = time.monotonic()
    with pytest.raises(UploadError) as e:
        extract_text(data, max_bytes=5 * MB)
    assert time.monotonic() - started < 0.5  # it used to take 10 s and more
    assert code_of(e) == "file_too_large" and e.value.reason == "too_much_content"
    assert e.value.params["limit_mb"] == "8"


def test_docx_that_takes_longer_than_the_time_budget_is_refused(monkeypatch):
    import contest.essays.uploads as uploads

    data = _text_heavy_docx(0.5)
    assert extract_text(data, max_bytes=5 * MB)[0] == "docx"  # within the budget it is read
    monkeypatch.setattr(uploads, "DOCX_TIME_BUDGET", 0.0)
    with pytest.raises(UploadError) as e:
        extract_text(data, max_bytes=5 * MB)
    assert code_of(e) == "bad_file" and e.value.reason == "too_complex"


def test_incompressible_large_image_is_not_a_bomb():
    rnd = random.Random(1)
    image = bytes(rnd.getrandbits(8) for _ in range(300_000))
    data = rebuild_zip(make_docx(["Có hình minh họa."]), {"word/media/image1.png": image})
    assert extract_text(data, max_bytes=5 * MB) == ("docx", "Có hình minh họa.")


def test_damaged_docx_is_bad_file():
    data = make_docx()
    # keep the zip directory valid but break word/document.xml
    broken = rebuild_zip(data, {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(broken)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "word/document.xml":
                payload = payload[: len(payload) // 2]
            dst.writestr(info.filename, payload)
    with pytest.raises(UploadError) as e:
        extract_text(out.getvalue(), max_bytes=MB)
    assert code_of(e) == "bad_file" and e.value.reason == "damaged"


def test_empty_file_is_bad_file():
    with pytest.raises(UploadError) as e:
        extract_text(b"", max_bytes=MB)
    assert code_of(e) == "bad_file" and e.value.reason == "empty"


# ------------------------------------------------------------------ pdf


def test_pdf_text_without_author_metadata():
    data = make_text_pdf(["Hoc tap va lam theo Bac Ho", "Can kiem liem chinh"],
                         author="Secret Author Name")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.author == "Secret Author Name"  # the file does carry it
    kind, text = extract_text(data, max_bytes=MB)
    assert kind == "pdf"
    assert "Hoc tap va lam theo Bac Ho" in text
    assert "Can kiem liem chinh" in text
    assert "Secret" not in text and "Author" not in text


def test_pdf_pages_are_joined_in_order():
    data = make_text_pdf(["Trang"], pages=3)
    _, text = extract_text(data, max_bytes=MB)
    assert text.split("\n\n") == ["Trang", "Trang", "Trang"]


def test_blank_pdf_gives_empty_text():
    assert extract_text(blank_pdf(), max_bytes=MB) == ("pdf", "")


def test_encrypted_pdf_is_refused():
    with pytest.raises(UploadError) as e:
        extract_text(blank_pdf(password="bimat"), max_bytes=MB)
    assert code_of(e) == "bad_file" and e.value.reason == "encrypted"


def test_pdf_over_200_pages_is_refused():
    with pytest.raises(UploadError) as e:
        extract_text(blank_pdf(pages=201), max_bytes=5 * MB)
    assert code_of(e) == "bad_file" and e.value.reason == "too_many_pages"
    assert "200" in str(e.value.message)
    assert extract_text(blank_pdf(pages=200), max_bytes=5 * MB)[0] == "pdf"


def test_garbage_after_pdf_header_is_bad_file():
    with pytest.raises(UploadError) as e:
        extract_text(b"%PDF-1.7\n" + bytes(range(256)) * 10, max_bytes=MB)
    assert code_of(e) == "bad_file"
