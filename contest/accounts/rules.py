"""Account rules: passwords (Argon2id via argon2-cffi) and username shape."""
import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_username(username: str) -> str:
    return unicodedata.normalize("NFC", (username or "").strip()).lower()


def valid_username(username: str) -> bool:
    return bool(USERNAME_RE.match(username or ""))
