"""Every user-facing string has its Vietnamese translation, and the compiled catalog is current."""
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/vi/LC_MESSAGES/messages.po"
MO = ROOT / "translations/vi/LC_MESSAGES/messages.mo"


def _text(message):
    return message.string if isinstance(message.string, str) else message.string[0]


def test_every_string_in_the_code_is_translated():
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        done = subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
             "-k", "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    assert len(wanted) > 500  # the extraction really read the code and templates
    catalog = read_po(PO.open("rb"))
    missing = sorted(str(i) for i in wanted if i not in catalog or not _text(catalog[i]))
    assert missing == [], f"add Vietnamese for these (make translations): {missing}"


def test_compiled_catalog_matches_the_po_file():
    po = {m.id: _text(m) for m in read_po(PO.open("rb")) if m.id and _text(m)}
    mo = {m.id: _text(m) for m in read_mo(MO.open("rb")) if m.id}
    assert po == mo, "run: pybabel compile -d translations"
