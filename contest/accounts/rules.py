"""Account rules: password hashing (Argon2id via argon2-cffi), password strength (zxcvbn) and
username shape."""
import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Passwords the platform generates (an import's initial ones, a reset's temporary one) are random
# (GENERATED_BITS of entropy, see generate_password) and must be changed at the first sign-in, so
# their hash needs no memory-hardness against guessing: Argon2id with one pass over 8 MiB, about
# 40 times cheaper than the default (3 passes over 64 MiB). That is what lets 5,000 members be
# imported in seconds (bench/members_import.py); the member's own password gets the default.
_generated_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_generated_password(password: str) -> str:
    """The hash of a password from generate_password() (verify_password reads either kind)."""
    return _generated_hasher.hash(password)


# Letters and digits no one misreads on paper: no 0/o, 1/l/i.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 3, 4
GENERATED_BITS = 59  # log2(31) * 12


def generate_password() -> str:
    """A random password an organizer can hand out on paper: three groups of four, "k7mp-x3qa-9tzr"
    (secrets: 12 characters of 31, about 59 bits), which zxcvbn rates strong enough."""
    import secrets

    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
                    for _ in range(PASSWORD_GROUPS))


# The password_hash of a member imported whose initial password the credentials job has not set
# yet (members.py): not an Argon2 hash at all, so nothing verifies against it (argon2 refuses it
# as InvalidHashError) and the member can neither sign in nor change it until the job sets one.
NO_PASSWORD_YET = "!no-password-yet"


def verify_password(password_hash: str, password: str) -> bool:
    """True for the right password only; never for a hash that is not one (NO_PASSWORD_YET).

    >>> verify_password(NO_PASSWORD_YET, ""), verify_password(NO_PASSWORD_YET, NO_PASSWORD_YET)
    (False, False)
    >>> verify_password(hash_generated_password("k7mp-x3qa-9tzr"), "k7mp-x3qa-9tzr")
    True
    """
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_username(username: str) -> str:
    return unicodedata.normalize("NFC", (username or "").strip()).lower()


def valid_username(username: str) -> bool:
    return bool(USERNAME_RE.match(username or ""))


# Passwords are judged by zxcvbn (Dropbox's estimator, with its lists of the commonest passwords,
# names and words): a score below this, on its 0-4 scale, is "guessable in under 10^6 guesses".
MIN_PASSWORD_SCORE = 2
ZXCVBN_MAX = 72


def _fold(text: str) -> str:
    """Lower case without Vietnamese accents: "Bình Đặng" -> "binh dang"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def password_weakness(password: str, username: str = "", other_inputs=()) -> str | None:
    """None when the password may be used; else why not: "username" (it is, or contains, the
    username) or "guessable" (among the commonest passwords, or as easy to guess).

    >>> password_weakness("mat-khau-dai", "binh") is None
    True
    >>> password_weakness("Binh.2026!xyz", "binh"), password_weakness("BÌNH", "binh")
    ('username', 'username')
    >>> password_weakness("12345678", "binh"), password_weakness("iloveyou", "binh")
    ('guessable', 'guessable')
    """
    from zxcvbn import zxcvbn

    folded = _fold(password)
    name = _fold(username)
    if len(name) >= 3 and name in folded:
        return "username"
    inputs = [name]
    for value in other_inputs:  # e.g. the full name: its words, and its words run together
        words = _fold(value or "").split()
        inputs += words + ["".join(words)]
    # zxcvbn refuses (ValueError) more than its 72 characters, and its effort grows quickly with
    # length: the first 72 decide (a password that long is not guessable unless they are).
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=[i for i in inputs if i])["score"] < MIN_PASSWORD_SCORE:
        return "guessable"
    return None
