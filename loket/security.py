"""Staff secrets: PIN hashes and card fingerprints. Pure functions, no database.

A PIN of 4-8 digits has at most 10**8 values, so no hash makes a stolen hash table safe
by itself: scrypt makes each guess cost ~40 ms and 16 MiB, and the real protection is that
kiosk and display database roles cannot read the staff table, plus the counter's lockout.

A card UID is not secret (any reader can see it) but identifies a person, so only a keyed
hash is stored. It is deterministic so the login can look it up by index; the key lives
outside the staff table, which makes a table dump useless for linking cards to people.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

__all__ = [
    "COST",
    "PinFormatError",
    "PinTooEasy",
    "ScryptCost",
    "card_fingerprint",
    "hash_pin",
    "needs_rehash",
    "validate_new_pin",
    "validate_pin",
    "verify_pin",
]


@dataclass(frozen=True)
class ScryptCost:
    n: int
    r: int
    p: int


# RFC 7914's interactive-login setting: measured ~40 ms per hash on the build machine
# (n=2**15 took ~90 ms). Tests may assign a cheaper ScryptCost to COST; stored hashes
# carry their own parameters, so changing COST never breaks verification.
COST = ScryptCost(n=2**14, r=8, p=1)

_SALT_BYTES = 16
_HASH_BYTES = 32
# Bounds for parameters read back from storage, so a corrupt row cannot ask for gigabytes.
_MAX_N = 2**20
_MAX_R = 32
_MAX_P = 16
_MAX_MEMORY = 256 * 1024 * 1024

_PIN = re.compile(r"[0-9]{4,8}")
_CARD_DOMAIN = b"loket/card-uid\x00"
_MIN_KEY_BYTES = 16
_MAX_UID_BYTES = 32


class PinFormatError(ValueError):
    """A PIN that is not 4 to 8 digits. ``str()`` and ``message`` are plain Dutch."""

    message = "Een pincode bestaat uit 4 tot 8 cijfers."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class PinTooEasy(PinFormatError):
    message = "Deze pincode is te makkelijk te raden. Kies een andere, dus niet 1234 of 1111."


def validate_pin(pin: str) -> None:
    """Raise :class:`PinFormatError` unless ``pin`` is 4 to 8 digits (0-9 only)."""
    if not isinstance(pin, str) or _PIN.fullmatch(pin) is None:
        raise PinFormatError()


def validate_new_pin(pin: str) -> None:
    """For a PIN a person chooses: the format, and not one digit repeated or a run."""
    validate_pin(pin)
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({0}, {1}, {9}):
        raise PinTooEasy()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _scrypt(pin: str, salt: bytes, cost: ScryptCost, length: int) -> bytes:
    # OpenSSL refuses to run when its memory estimate exceeds maxmem (default 32 MiB).
    maxmem = 128 * cost.r * (cost.n + cost.p + 2) + 1024 * 1024
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=cost.n, r=cost.r, p=cost.p, maxmem=maxmem, dklen=length
    )


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64 without padding), with a fresh random salt."""
    validate_pin(pin)
    cost = COST
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(pin, salt, cost, _HASH_BYTES)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(digest)}"


def _parse(stored: str) -> tuple[ScryptCost, bytes, bytes]:
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("not a scrypt PIN hash")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
    except (ValueError, binascii.Error) as exc:
        raise ValueError("damaged scrypt PIN hash") from exc
    if (
        not (2 <= n <= _MAX_N and n & (n - 1) == 0)
        or not 1 <= r <= _MAX_R
        or not 1 <= p <= _MAX_P
        or 128 * r * (n + p) > _MAX_MEMORY
        or len(salt) < 8
        or len(digest) < 16
    ):
        raise ValueError("scrypt PIN hash with parameters out of range")
    return ScryptCost(n, r, p), salt, digest


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored``. A PIN of the wrong format simply does not.

    Raises ValueError only for a damaged ``stored`` value: that is a data error to see,
    not a wrong PIN.
    """
    cost, salt, digest = _parse(stored)
    if not isinstance(pin, str) or _PIN.fullmatch(pin) is None:
        return False
    return hmac.compare_digest(_scrypt(pin, salt, cost, len(digest)), digest)


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with other parameters than :data:`COST` (upgrade it
    after a successful login)."""
    cost, _salt, _digest = _parse(stored)
    return cost != COST


def _uid_bytes(uid: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(uid, str):
        compact = re.sub(r"[\s:-]", "", uid)
        if not re.fullmatch(r"(?:[0-9A-Fa-f]{2})+", compact):
            raise ValueError("card UID must be hexadecimal, e.g. 04A1B2C3")
        raw = bytes.fromhex(compact)
    elif isinstance(uid, bytes | bytearray | memoryview):
        raw = bytes(uid)
    else:
        raise TypeError("card UID must be bytes or a hex string")
    if not 1 <= len(raw) <= _MAX_UID_BYTES:
        raise ValueError(f"card UID must be 1 to {_MAX_UID_BYTES} bytes")
    return raw


def card_fingerprint(uid: bytes | bytearray | memoryview | str, key: bytes) -> str:
    """HMAC-SHA256 of the card UID under ``key``, as 64 lowercase hex digits.

    ``uid`` is the raw UID or its hex text (case, spaces, ':' and '-' do not matter), so
    the reader's bytes and an administrator's "04:A1:B2:C3" give the same fingerprint.
    """
    if len(key) < _MIN_KEY_BYTES:
        raise ValueError(f"card key must be at least {_MIN_KEY_BYTES} bytes")
    return hmac.new(key, _CARD_DOMAIN + _uid_bytes(uid), hashlib.sha256).hexdigest()
