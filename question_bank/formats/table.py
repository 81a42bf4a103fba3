"""The column layout shared by the CSV and Excel formats.

One row per question, the first non-empty row names the columns (Vietnamese names;
English names are accepted too, and names are matched ignoring case, diacritics,
spaces and dashes):

==============  ===========  =====================================================
Vietnamese      English      meaning
==============  ===========  =====================================================
chu_de          topic        topic path, levels separated by "/" ("//" is a "/" in a name)
loai            kind         single | multiple | true_false, or mot_dap_an |
                             nhieu_dap_an | dung_sai; blank = guessed from dap_an
cau_hoi         question     question text (required)
phuong_an_a..f  option_a..f  options; more letters (phuong_an_g...) are accepted
dap_an          answer       "A" or "A,C"; for true/false "Đúng" or "Sai"
do_kho          difficulty   1 (easy), 2 (medium), 3 (hard) or blank
giai_thich      explanation  shown after the answer is revealed
nguon           source       where the question comes from
the             tags         comma separated
tieu_de         title        optional short title
==============  ===========  =====================================================
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from .common import (
    FALSE_LABEL,
    MULTIPLE,
    SINGLE,
    TRUE_FALSE,
    TRUE_LABEL,
    ExportError,
    LineError,
    OptionDraft,
    QuestionDraft,
    clean_text,
    error,
    match_key,
    join_topic_path,
    split_topic_path,
)

BASE_OPTION_LETTERS = "ABCDEF"

# Canonical key -> accepted folded header names.
_ALIASES = {
    "topic": ("chu_de", "topic", "chude", "topic_path"),
    "kind": ("loai", "kind", "type", "loai_cau_hoi"),
    "question": ("cau_hoi", "question", "noi_dung", "noi_dung_cau_hoi", "text"),
    "answer": ("dap_an", "answer", "dap_an_dung", "correct"),
    "difficulty": ("do_kho", "difficulty", "muc_do"),
    "explanation": ("giai_thich", "explanation"),
    "source": ("nguon", "source", "source_note"),
    "tags": ("the", "tags", "tag"),
    "title": ("tieu_de", "title"),
}
_HEADER_TO_KEY = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
_OPTION_HEADER = re.compile(r"^(?:phuong_an|option|pa)_?([a-z])$")

VI_HEADER = {
    "topic": "chu_de", "kind": "loai", "question": "cau_hoi", "answer": "dap_an",
    "difficulty": "do_kho", "explanation": "giai_thich", "source": "nguon", "tags": "the",
    "title": "tieu_de",
}

_KIND_VALUES = {
    "single": SINGLE, "mot_dap_an": SINGLE, "mot": SINGLE,
    "multiple": MULTIPLE, "nhieu_dap_an": MULTIPLE, "nhieu": MULTIPLE,
    "true_false": TRUE_FALSE, "truefalse": TRUE_FALSE, "dung_sai": TRUE_FALSE, "dung/sai": TRUE_FALSE,
}
KIND_EXPORT = {SINGLE: "mot_dap_an", MULTIPLE: "nhieu_dap_an", TRUE_FALSE: "dung_sai"}

_TRUE_WORDS = {"dung", "true", "t"}
_FALSE_WORDS = {"sai", "false", "f"}
_DIFFICULTY_WORDS = {
    "de": 1, "easy": 1, "trung_binh": 2, "medium": 2, "kho": 3, "hard": 3,
}


def header(option_count: int = 6) -> list[str]:
    """The column names written by exports and templates."""
    letters = [chr(ord("a") + i) for i in range(max(option_count, len(BASE_OPTION_LETTERS)))]
    return (["chu_de", "loai", "cau_hoi"] + [f"phuong_an_{c}" for c in letters]
            + ["dap_an", "do_kho", "giai_thich", "nguon", "the", "tieu_de"])


def header_score(cells: list[str]) -> int:
    """How many cells are known column names (used to sniff the CSV delimiter)."""
    return sum(1 for c in cells if _column_key(c) is not None)


def _column_key(name: str) -> str | None:
    folded = match_key(name or "")
    if folded in _HEADER_TO_KEY:
        return _HEADER_TO_KEY[folded]
    match = _OPTION_HEADER.match(folded)
    if match:
        return "option_" + match.group(1).upper()
    return None


#: A file with more question rows than this is refused (protects the server from
#: spreadsheets that unpack to millions of rows).
MAX_ROWS = 100_000


def parse_rows(rows: Iterable[tuple[int, list[str]]],
               max_rows: int = MAX_ROWS) -> tuple[list[QuestionDraft], list[LineError]]:
    """Turn ``(line_or_row_number, cells)`` pairs into drafts and errors.

    Cells must already be strings (spreadsheet values converted by the caller).
    """
    drafts: list[QuestionDraft] = []
    errors: list[LineError] = []
    columns: dict[str, int] | None = None
    seen = 0
    for number, cells in rows:
        cells = [clean_text(c) for c in cells]
        if not any(cells):
            continue
        seen += 1
        if seen > max_rows + 1:  # + the header row
            errors.append(error(number, "too_many_rows",
                                _l("The file has more than %(limit)s questions; split it into smaller files."),
                                limit=max_rows))
            break
        if columns is None:
            columns, header_errors = _read_header(number, cells)
            if header_errors:
                errors.extend(header_errors)
                return drafts, errors
            continue
        draft, row_errors = _read_row(number, cells, columns)
        errors.extend(row_errors)
        if draft is not None and not row_errors:
            drafts.append(draft)
    return drafts, errors


def _read_header(number: int, cells: list[str]) -> tuple[dict[str, int], list[LineError]]:
    columns: dict[str, int] = {}
    errors: list[LineError] = []
    for index, name in enumerate(cells):
        key = _column_key(name)
        if key is None:
            continue
        if key in columns:
            errors.append(error(number, "duplicate_column",
                                _l("The column \u201c%(name)s\u201d appears twice in the header row."), name=name))
        columns[key] = index
    for required in ("question", "answer"):
        if required not in columns:
            errors.append(error(number, "missing_column",
                                _l("The header row has no \u201c%(name)s\u201d column. The first row must name the columns: %(columns)s."),
                                name=VI_HEADER[required], columns=", ".join(header())))
    return columns, errors


def _get(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _split_list(value: str, separators: str) -> list[str]:
    out: list[str] = []
    for part in re.split(separators, value):
        part = clean_text(part)
        if part and part not in out:
            out.append(part)
    return out


def _read_row(number: int, cells: list[str], columns: dict[str, int]) -> tuple[QuestionDraft | None, list[LineError]]:
    errors: list[LineError] = []
    text = _get(cells, columns, "question")
    answer = _get(cells, columns, "answer")
    kind_raw = _get(cells, columns, "kind")

    option_keys = sorted(k for k in columns if k.startswith("option_"))
    filled: list[tuple[str, str]] = []
    gap: str | None = None
    for key in option_keys:
        letter = key[-1]
        value = _get(cells, columns, key)
        if value:
            if gap is not None:
                errors.append(error(number, "option_gap",
                                    _l("Option %(label)s is empty but a later option is filled; fill the options in order from A."),
                                    label=gap))
                gap = None
            filled.append((letter, value))
        elif gap is None and letter == chr(ord("A") + len(filled)):
            gap = letter

    kind: str | None
    if kind_raw:
        kind = _KIND_VALUES.get(match_key(kind_raw))
        if kind is None:
            errors.append(error(number, "unknown_kind",
                                _l("The question type \u201c%(kind)s\u201d is not one of mot_dap_an, nhieu_dap_an or dung_sai (single, multiple, true_false)."),
                                kind=kind_raw))
            return None, errors
    elif match_key(answer) in _TRUE_WORDS | _FALSE_WORDS and not filled:
        kind = TRUE_FALSE
    elif len(_answer_letters(answer) or []) > 1:
        kind = MULTIPLE
    else:
        kind = SINGLE

    if not answer:
        errors.append(error(number, "missing_answer",
                            _l("The answer column (dap_an) is empty; write the letter of the correct option, for example A.")
                            if kind != TRUE_FALSE else
                            _l("The answer column (dap_an) is empty; write Đúng or Sai.")))
        return None, errors

    if kind == TRUE_FALSE:
        folded = match_key(answer)
        if folded in _TRUE_WORDS:
            options = [OptionDraft(TRUE_LABEL, True), OptionDraft(FALSE_LABEL, False)]
        elif folded in _FALSE_WORDS:
            options = [OptionDraft(TRUE_LABEL, False), OptionDraft(FALSE_LABEL, True)]
        else:
            errors.append(error(number, "bad_true_false_answer",
                                _l("For a true/false question the answer must be Đúng or Sai, not \u201c%(value)s\u201d."),
                                value=answer))
            return None, errors
    else:
        letters = _answer_letters(answer)
        if letters is None:
            errors.append(error(number, "bad_answer_letters",
                                _l("The answer \u201c%(value)s\u201d must be option letters such as A or A,C."),
                                value=answer))
            return None, errors
        present = {letter for letter, _ in filled}
        for letter in letters:
            if letter not in present:
                errors.append(error(number, "answer_option_empty",
                                    _l("The answer %(letter)s points to an empty option."), letter=letter))
        options = [OptionDraft(value, letter in letters) for letter, value in filled]

    difficulty = None
    difficulty_raw = _get(cells, columns, "difficulty")
    if difficulty_raw:
        difficulty = _difficulty(difficulty_raw)
        if difficulty is None:
            errors.append(error(number, "bad_difficulty",
                                _l("The difficulty must be 1 (easy), 2 (medium) or 3 (hard), not %(value)s."),
                                value=difficulty_raw))

    draft = QuestionDraft(
        text=text,
        kind=kind,
        options=options,
        topic_path=split_topic_path(_get(cells, columns, "topic")),
        title=_get(cells, columns, "title"),
        explanation=_get(cells, columns, "explanation"),
        source_note=_get(cells, columns, "source"),
        tags=_split_list(_get(cells, columns, "tags"), r"[,;]"),
        difficulty=difficulty,
        line=number,
    )
    return draft, errors


def _answer_letters(value: str) -> list[str] | None:
    value = value.strip().upper()
    if not value:
        return []
    parts = [p for p in re.split(r"[\s,;/+&]+", value) if p]
    letters: list[str] = []
    for part in parts:
        part = part.strip(".)")
        if not re.fullmatch(r"[A-Z]+", part):
            return None
        for letter in part:
            if letter not in letters:
                letters.append(letter)
    return letters


def _difficulty(value: str) -> int | None:
    folded = match_key(value)
    if folded in _DIFFICULTY_WORDS:
        return _DIFFICULTY_WORDS[folded]
    match = re.fullmatch(r"([123])(?:[.,]0+)?", folded)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------- writing

def option_count(questions: list[QuestionDraft]) -> int:
    return max([len(BASE_OPTION_LETTERS)] + [len(q.options) for q in questions if q.kind != TRUE_FALSE])


def to_rows(questions: list[QuestionDraft]) -> tuple[list[str], list[list[str]]]:
    """Header and one row of strings per question. Raises :class:`ExportError`."""
    count = option_count(questions)
    problems: list[LineError] = []
    rows: list[list[str]] = []
    for number, q in enumerate(questions, start=1):
        if q.kind not in KIND_EXPORT:
            problems.append(error(number, "unknown_kind",
                                  _l("The question type \u201c%(kind)s\u201d is not one of single, multiple or true_false."),
                                  kind=q.kind))
            continue
        if any("," in t or ";" in t for t in q.tags):
            problems.append(error(number, "unexportable_tag",
                                  _l("A tag contains a comma or semicolon, which separate tags in this format.")))
            continue
        options = [""] * count
        if q.kind == TRUE_FALSE:
            correct = next((o.text for o in q.options if o.is_correct), "")
            answer = correct
        else:
            for index, option in enumerate(q.options):
                options[index] = option.text
            answer = ",".join(chr(ord("A") + i) for i, o in enumerate(q.options) if o.is_correct)
        rows.append([
            join_topic_path(q.topic_path), KIND_EXPORT[q.kind], q.text, *options, answer,
            "" if q.difficulty is None else str(q.difficulty), q.explanation, q.source_note,
            ", ".join(q.tags), q.title,
        ])
    if problems:
        raise ExportError(problems)
    return header(count), rows


# --------------------------------------------------------------------------- template

def example_questions() -> list[QuestionDraft]:
    """The two example rows of the CSV and Excel templates."""
    return [
        QuestionDraft(
            text="Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn Độc lập, khai sinh nước Việt Nam Dân chủ Cộng hòa, vào ngày nào?",
            kind=SINGLE,
            options=[
                OptionDraft("19/8/1945", False),
                OptionDraft("2/9/1945", True),
                OptionDraft("6/1/1946", False),
                OptionDraft("19/12/1946", False),
            ],
            topic_path=["Cuộc đời và sự nghiệp", "Cách mạng Tháng Tám"],
            explanation="Ngày 2/9/1945, tại Quảng trường Ba Đình, Hà Nội, Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn Độc lập.",
            source_note="Tuyên ngôn Độc lập, 2/9/1945",
            tags=["lịch sử", "1945"],
            difficulty=1,
        ),
        QuestionDraft(
            text="Những đức tính nào sau đây thuộc các đức tính “Cần, Kiệm, Liêm, Chính” mà Chủ tịch Hồ Chí Minh nêu trong tác phẩm cùng tên (1949)?",
            kind=MULTIPLE,
            options=[
                OptionDraft("Cần", True),
                OptionDraft("Dũng", False),
                OptionDraft("Liêm", True),
                OptionDraft("Trí", False),
            ],
            topic_path=["Đạo đức Hồ Chí Minh"],
            explanation="Tác phẩm “Cần, Kiệm, Liêm, Chính” (1949) nêu bốn đức tính: cần, kiệm, liêm, chính.",
            source_note="Hồ Chí Minh, “Cần, Kiệm, Liêm, Chính”, 1949",
            tags=["đạo đức"],
            difficulty=2,
        ),
    ]


#: (column, required?, meaning, example) for the "Huong_dan" sheet and the docs.
GUIDE: list[tuple[str, str, str, str]] = [
    ("chu_de", "Không bắt buộc",
     "Chủ đề của câu hỏi. Chủ đề con viết sau dấu “/”; dấu “/” nằm trong tên chủ đề thì viết hai lần “//” "
     "(ví dụ Tuần 1//2026). Chủ đề chưa có sẽ được tạo mới.",
     "Đạo đức Hồ Chí Minh/Cần, kiệm, liêm, chính"),
    ("loai", "Không bắt buộc",
     "Loại câu hỏi: mot_dap_an (một đáp án đúng), nhieu_dap_an (nhiều đáp án đúng), dung_sai (đúng/sai). "
     "Cũng chấp nhận single, multiple, true_false. Để trống thì hệ thống tự suy ra từ cột dap_an.",
     "mot_dap_an"),
    ("cau_hoi", "Bắt buộc", "Nội dung câu hỏi. Có thể xuống dòng trong ô (Alt+Enter).",
     "Bác Hồ đọc Tuyên ngôn Độc lập vào ngày nào?"),
    ("phuong_an_a … phuong_an_f", "Bắt buộc (trừ câu đúng/sai)",
     "Các phương án trả lời, điền lần lượt từ A, không bỏ trống ở giữa. Cần ít nhất 2 phương án; "
     "có thể thêm cột phuong_an_g, phuong_an_h… nếu cần. Câu đúng/sai để trống các cột này.",
     "2/9/1945"),
    ("dap_an", "Bắt buộc",
     "Chữ cái của phương án đúng. Câu nhiều đáp án: các chữ cái cách nhau bằng dấu phẩy. "
     "Câu đúng/sai: ghi Đúng hoặc Sai.",
     "B   hoặc   A,C   hoặc   Đúng"),
    ("do_kho", "Không bắt buộc", "Độ khó: 1 (dễ), 2 (trung bình), 3 (khó). Để trống nếu chưa xếp loại.", "2"),
    ("giai_thich", "Không bắt buộc", "Giải thích đáp án, hiển thị khi công bố kết quả.",
     "Ngày 2/9/1945 tại Quảng trường Ba Đình…"),
    ("nguon", "Không bắt buộc", "Nguồn tư liệu của câu hỏi (sách, bài báo, văn kiện).",
     "Hồ Chí Minh Toàn tập, tập 4"),
    ("the", "Không bắt buộc", "Các thẻ (nhãn) để tìm kiếm, cách nhau bằng dấu phẩy.", "lịch sử, 1945"),
    ("tieu_de", "Không bắt buộc", "Tiêu đề ngắn của câu hỏi, dùng để quản lý ngân hàng câu hỏi.", "Tuyên ngôn Độc lập"),
]

GUIDE_NOTES: list[str] = [
    "Dòng đầu tiên của trang Cau_hoi là tên cột; không đổi tên cột (tên tiếng Anh như question, answer cũng được chấp nhận).",
    "Mỗi dòng tiếp theo là một câu hỏi. Dòng trống được bỏ qua.",
    "Nếu có bất kỳ dòng nào sai, hệ thống không nhập câu hỏi nào và báo lỗi kèm số dòng để sửa.",
    "Câu hỏi trùng với câu đã có trong ngân hàng (cùng nội dung và đáp án) sẽ được bỏ qua.",
    "Tệp CSV cần lưu dạng UTF-8 (CSV UTF-8); dấu phân cách có thể là dấu phẩy, chấm phẩy hoặc tab.",
]
