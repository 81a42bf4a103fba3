"""Export then import gives back the same questions, for every format."""
import pytest

from question_bank import formats
from question_bank.formats import OptionDraft, QuestionDraft


def bank() -> list[QuestionDraft]:
    """Every supported kind, with the awkward characters each format must escape."""
    return [
        QuestionDraft(
            text="Chủ tịch Hồ Chí Minh đọc Tuyên ngôn Độc lập ngày nào?",
            kind="single",
            options=[OptionDraft("19/8/1945", False), OptionDraft("2/9/1945", True), OptionDraft("6/1/1946", False)],
            topic_path=["Tư tưởng Hồ Chí Minh", "Độc lập dân tộc"],
            title="Tuyên ngôn: ngày đọc",
            explanation="Ngày 2/9/1945 tại Quảng trường Ba Đình.\nSự kiện khai sinh nước Việt Nam Dân chủ Cộng hòa.",
            source_note="Tuyên ngôn Độc lập (1945)",
            tags=["lịch sử", "1945"],
            difficulty=1,
        ),
        QuestionDraft(
            text="Những đức tính nào thuộc “Cần, Kiệm, Liêm, Chính”?",
            kind="multiple",
            options=[OptionDraft("Cần", True), OptionDraft("Dũng", False), OptionDraft("Liêm", True),
                     OptionDraft("Chính", True), OptionDraft("Trí", False)],
            topic_path=["Đạo đức Hồ Chí Minh"],
            tags=["đạo đức"],
            difficulty=2,
        ),
        QuestionDraft(
            text="“Không có gì quý hơn độc lập, tự do” được nêu năm 1966.",
            kind="true_false",
            options=[OptionDraft("Đúng", True), OptionDraft("Sai", False)],
            topic_path=["Đạo đức Hồ Chí Minh"],
            source_note="Lời kêu gọi đồng bào và chiến sĩ cả nước, 17/7/1966",
            difficulty=3,
        ),
        QuestionDraft(
            text="Sai hay đúng: 1 + 1 = 3?",
            kind="true_false",
            options=[OptionDraft("Đúng", False), OptionDraft("Sai", True)],
        ),
        QuestionDraft(
            text="Ký hiệu nào sau đây: a = b ~ c {x} # y : z \\ w?\nChọn một.",
            kind="single",
            options=[OptionDraft("= và ~", True), OptionDraft("{ và }", False), OptionDraft("# và :", False),
                     OptionDraft("50% số phiếu", False), OptionDraft("// không phải chú thích", False),
                     OptionDraft("-1", False), OptionDraft("Phương án G thứ bảy", False)],
            title="Ký tự đặc biệt {GIFT}",
            explanation="[html] không phải tiền tố; #### cũng không.",
        ),
        QuestionDraft(
            text="// Câu hỏi bắt đầu như chú thích?",
            kind="multiple",
            options=[OptionDraft("1945", True), OptionDraft("1946", True), OptionDraft("1954", True)],
            topic_path=["Chủ đề/có gạch chéo", "/đầu", "cuối/", "http://a//b", "Chủ đề/có gạch chéo/"],
        ),
    ]


def aiken_subset(questions):
    """Aiken holds only the text, options and key of single-answer questions."""
    return [QuestionDraft(text=q.text, kind=q.kind, options=q.options) for q in questions if q.kind == "single"]


@pytest.mark.parametrize("fmt", ["gift", "csv", "xlsx"])
def test_round_trip_identity(fmt):
    questions = bank()  # the last one's topic names contain "/" (written "//" in every format)
    data = formats.export(questions, fmt)
    result = formats.parse(data, fmt)
    assert result.errors == []
    assert result.questions == questions
    # the format is recognised from the content and a usual file name too
    name = {"gift": "bank.txt", "csv": "bank.csv", "xlsx": "bank.xlsx"}[fmt]
    assert formats.detect_format(name, data) == fmt


def test_round_trip_identity_aiken():
    questions = aiken_subset(bank())
    data = formats.export(questions, "aiken")
    result = formats.parse(data, "aiken")
    assert result.errors == []
    assert result.questions == questions
    assert formats.detect_format("bank.txt", data) == "aiken"


def test_aiken_export_refuses_the_whole_bank():
    with pytest.raises(formats.ExportError) as caught:
        formats.export(bank(), "aiken")
    assert {p.line for p in caught.value.problems} == {2, 3, 4, 6}
    assert all(p.code == "aiken_unsupported_kind" for p in caught.value.problems)


def test_round_trip_preserves_fingerprints():
    questions = bank()
    back = formats.parse(formats.export(questions, "gift"), "gift").questions
    assert [q.fingerprint() for q in back] == [q.fingerprint() for q in questions]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_more_than_six_options_get_extra_columns(fmt):
    data = formats.export(bank(), "gift")
    questions = formats.parse(data, "gift").questions
    questions[-1].topic_path = []
    assert formats.parse(formats.export(questions, fmt), fmt).questions == questions


def test_export_is_repeatable():
    assert formats.export(bank(), "gift") == formats.export(formats.parse(formats.export(bank(), "gift"), "gift").questions, "gift")
