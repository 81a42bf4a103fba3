"""Column types shared by the models."""
import unicodedata
from datetime import datetime, timezone

from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, always returns an aware UTC datetime (SQLite keeps no offsets)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text from a hand-written query
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


def nfc(text):
    """Vietnamese text is stored NFC-normalized."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower-case text without Vietnamese diacritics, for searching ("ho chi minh" finds "Hồ Chí Minh")."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()
