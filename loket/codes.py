"""Signed appointment codes (QR and keyboard-wedge scanners), short codes to type, and
the kiosk's throttle against guessing.

Code layout (15 bytes, 24 Base32 characters, no padding, no separators)::

    byte 0      version (3 bits, now 1) | key id (5 bits, 0-31)
    bytes 1-5   reference as a base-29 number (8 symbols < 29**8 < 2**39)
    bytes 6-7   appointment day, days since 2024-01-01 (big-endian, up to the year 2203)
    bytes 8-14  HMAC-SHA256(key, DOMAIN + bytes 0-7), first 56 bits

15 bytes is a multiple of 5, so the Base32 text has no padding bits: every code has
exactly one spelling. 24 alphanumeric characters fit a version-2 QR symbol even at
error-correction level Q. A 56-bit tag cannot be guessed online (the kiosk throttles) and
cannot be tested offline without the key.

Alphabet and keyboard layouts. RFC 4648 Base32 (A-Z, 2-7) keeps the code inside QR
alphanumeric mode and free of punctuation, but no 32-symbol alphabet is layout-proof: a
keyboard-wedge scanner sends key positions, and when its layout differs from the PC's,
AZERTY swaps A/Q and W/Z, moves M and turns the digit row into accents (2 -> é), and
QWERTZ swaps Y/Z. The first remedy is operational (serial/USB-COM mode, or the scanner
set to the PC's layout); as a second line :func:`read_code` also tries the spellings those
mismatches produce. Characters that never occur in a code (é, ", @, ?, ...) map back
unambiguously; the letter swaps are tried as at most two extra candidates, each accepted
only if its tag verifies, so a forger gains less than two bits.

References and short codes. A reference is 8 symbols from a 29-symbol alphabet: the
digits 2-9 and the capitals without I, L, O (confused with 1 and 0) and Y, Z (Y is read
as "ij" in Dutch, Z looks like 2 when written, and the two swap on QWERTZ). People type
it on the kiosk's own keypad or read it over the phone; no scanner ever sends it. 29 is
prime, so the short code's check symbol (weights 1..9 mod 29) catches every single
substitution and every swap of two different symbols.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import math
import secrets
import threading
from collections import deque
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from loket.language import format_day

if TYPE_CHECKING:
    from PIL.Image import Image
    from qrcode.image.pil import PilImage
    from qrcode.main import QRCode

__all__ = [
    "CODE_LENGTH",
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "CodeAlreadyUsed",
    "CodeError",
    "CodeExpired",
    "CodeInvalid",
    "CodeKeys",
    "CodePayload",
    "CodeTooManyAttempts",
    "CodeUnreadable",
    "CodeWrongBranch",
    "CodeWrongDay",
    "FailedAttemptThrottle",
    "ShortCodeTypo",
    "dutch_date",
    "generate_key",
    "is_reference",
    "make_code",
    "make_short_code",
    "new_reference",
    "qr_image",
    "qr_png",
    "read_code",
    "read_short_code",
]

BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWX"
REFERENCE_LENGTH = 8
SHORT_CODE_LENGTH = REFERENCE_LENGTH + 1

VERSION = 1
MAX_KEY_ID = 31
EPOCH = date(2024, 1, 1)
_MAX_DAY_OFFSET = 0xFFFF
_BODY_LENGTH = 8
_TAG_LENGTH = 7
_CODE_BYTES = _BODY_LENGTH + _TAG_LENGTH
CODE_LENGTH = _CODE_BYTES * 8 // 5
_DOMAIN = b"loket/appointment-code\x00"
MIN_KEY_LENGTH = 16

_B32_INDEX = {c: i for i, c in enumerate(BASE32_ALPHABET)}
_REF_BASE = len(REFERENCE_ALPHABET)
_REF_INDEX = {c: i for i, c in enumerate(REFERENCE_ALPHABET)}

# Scanner and PC layouts disagreeing: what arrives for 2-7 and M. None of these characters
# occurs in a code, so mapping them back is never ambiguous.
_FOREIGN = str.maketrans(
    {
        # US scanner on a French/Belgian AZERTY PC: the unshifted digit row.
        "é": "2", "É": "2", '"': "3", "'": "4", "(": "5", "-": "6", "§": "6",
        "è": "7", "È": "7", "?": "M", ",": "M",
        # AZERTY scanner on a US PC: shifted digits come out as symbols.
        "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", ";": "M", ":": "M",
    }
)  # fmt: skip
_SWAP_AZERTY = str.maketrans("AQWZ", "QAZW")
_SWAP_QWERTZ = str.maketrans("YZ", "ZY")
# Anything longer is not a scan of a code; stop before doing work on it.
_MAX_INPUT = 200


def dutch_date(day: date, today: date | None = None) -> str:
    """The day as in "dinsdag 24 november", with the year only when it is not this year."""
    return format_day(day, "nl", year=today is not None and today.year != day.year)


# --- refusals ---------------------------------------------------------------------------


class CodeError(Exception):
    """A code the kiosk refuses. ``message`` is plain Dutch (B1); ``code`` and ``params``
    (a day, a branch, seconds) are what the kiosk words in the visitor's language."""

    code: str = "code_error"
    message: str = "Er ging iets mis met deze code. Vraag een medewerker om hulp."
    # The appointment's service, when known: the kiosk offers a number for it.
    service: str = ""
    reference: str = ""

    def __init__(self, message: str | None = None, **params: object) -> None:
        if message is not None:
            self.message = message
        self.params: dict[str, object] = params
        # The code in str(): logs say what happened without any text of the visitor.
        super().__init__(self.code)


class CodeUnreadable(CodeError):
    """Not a code at all, cut short or misread by the scanner."""

    code = "code_unreadable"
    message = "De code is niet goed gelezen. Probeer het nog een keer."


class ShortCodeTypo(CodeUnreadable):
    """A typed short code whose check symbol does not match: almost surely a typo."""

    code = "code_typo"
    message = "Deze code klopt niet. Kijk goed en typ de code nog een keer."


class CodeInvalid(CodeError):
    """Forged, altered, signed with an unknown key, or an unknown reference.

    One text for all of them, so trying codes teaches an attacker nothing.
    """

    code = "code_invalid"
    message = "Deze code is niet geldig. Vraag een medewerker om hulp."


class CodeExpired(CodeError):
    """The appointment day has passed."""

    code = "code_expired"
    message = "Deze code is verlopen. Maak een nieuwe afspraak of neem een nummer."

    def __init__(
        self, day: date | None = None, today: date | None = None, *, service: str = ""
    ) -> None:
        self.day = day
        self.service = service
        if day is None:
            super().__init__()
            return
        super().__init__(
            f"Deze code is verlopen. Uw afspraak was op {dutch_date(day, today)}. "
            "Maak een nieuwe afspraak of neem een nummer.",
            day=day,
        )


class CodeWrongDay(CodeError):
    """The appointment is on a later day."""

    code = "code_wrong_day"
    message = "Uw afspraak is niet vandaag. Kijk in uw bevestiging wanneer u kunt komen."

    def __init__(self, day: date | None = None, today: date | None = None) -> None:
        self.day = day
        if day is None:
            super().__init__()
            return
        super().__init__(
            f"Uw afspraak is niet vandaag. Uw afspraak is op {dutch_date(day, today)}.", day=day
        )


class CodeWrongBranch(CodeError):
    """The appointment is at another branch (decided by the engine)."""

    code = "code_wrong_branch"
    message = "Uw afspraak is niet op deze locatie. Kijk in uw bevestiging waar u moet zijn."

    def __init__(self, branch_name: str | None = None) -> None:
        self.branch_name = branch_name
        if not branch_name:
            super().__init__()
            return
        super().__init__(
            f"Uw afspraak is niet op deze locatie. Uw afspraak is bij {branch_name}.",
            branch=branch_name,
        )


class CodeAlreadyUsed(CodeError):
    """Already checked in or served (decided by the engine)."""

    code = "code_used"
    message = "Deze code is al gebruikt. Heeft u een vraag? Ga dan naar de balie."


class CodeTooManyAttempts(CodeError):
    """The kiosk makes the next attempt wait (see :class:`FailedAttemptThrottle`)."""

    code = "code_attempts"
    message = "Er zijn te veel foute codes ingevoerd. Wacht even en probeer het opnieuw."

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        if seconds is None:
            super().__init__()
            return
        n = max(1, math.ceil(seconds))
        unit_nl = "seconde" if n == 1 else "seconden"
        super().__init__(
            f"Er zijn te veel foute codes ingevoerd. Wacht {n} {unit_nl} en probeer het "
            "dan opnieuw.",
            seconds=n,
        )


# --- keys and references ------------------------------------------------------------


def generate_key() -> bytes:
    """A fresh 256-bit signing key."""
    return secrets.token_bytes(32)


@dataclass(frozen=True)
class CodeKeys:
    """Signing keys by id. New codes use ``current_key_id``; any listed key verifies.

    Rotation: add a key under a new id, make it current, and drop the old one once the
    last appointment day signed with it has passed. Ids are 0-31 and may be reused after
    that, since a code's day bounds its life.
    """

    current_key_id: int
    keys: Mapping[int, bytes]

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not 0 <= key_id <= MAX_KEY_ID:
                raise ValueError(f"key id {key_id} is outside 0..{MAX_KEY_ID}")
            if len(key) < MIN_KEY_LENGTH:
                raise ValueError(f"key {key_id} is shorter than {MIN_KEY_LENGTH} bytes")
        if self.current_key_id not in self.keys:
            raise ValueError(f"current key id {self.current_key_id} has no key")


@dataclass(frozen=True)
class CodePayload:
    reference: str
    day: date
    key_id: int


def new_reference() -> str:
    """A random public reference for an appointment (8 symbols, about 39 bits)."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def is_reference(text: str) -> bool:
    return len(text) == REFERENCE_LENGTH and all(c in _REF_INDEX for c in text)


def _reference_to_int(reference: str) -> int:
    if not is_reference(reference):
        raise ValueError(f"not a reference: {reference!r}")
    value = 0
    for c in reference:
        value = value * _REF_BASE + _REF_INDEX[c]
    return value


def _int_to_reference(value: int) -> str:
    if not 0 <= value < _REF_BASE**REFERENCE_LENGTH:
        raise CodeUnreadable()
    symbols = []
    for _ in range(REFERENCE_LENGTH):
        value, digit = divmod(value, _REF_BASE)
        symbols.append(REFERENCE_ALPHABET[digit])
    return "".join(reversed(symbols))


# --- Base32 -------------------------------------------------------------------------
# Own codec instead of base64.b32decode: it needs '=' padding, and for lengths that are
# multiples of 5 bytes a strict integer codec is shorter than padding and un-padding.


def _b32encode(data: bytes) -> str:
    bits = len(data) * 8
    value = int.from_bytes(data, "big")
    return "".join(BASE32_ALPHABET[(value >> shift) & 31] for shift in range(bits - 5, -1, -5))


def _b32decode(text: str) -> bytes:
    value = 0
    for c in text:
        value = (value << 5) | _B32_INDEX[c]
    return value.to_bytes(len(text) * 5 // 8, "big")


# --- codes --------------------------------------------------------------------------


def _tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + body, hashlib.sha256).digest()[:_TAG_LENGTH]


def make_code(reference: str, day: date, keys: CodeKeys) -> str:
    """The signed code for an appointment on ``day``: 24 characters A-Z, 2-7."""
    offset = (day - EPOCH).days
    if not 0 <= offset <= _MAX_DAY_OFFSET:
        raise ValueError(f"day {day} is outside the range a code can carry")
    key_id = keys.current_key_id
    body = (
        bytes([(VERSION << 5) | key_id])
        + _reference_to_int(reference).to_bytes(5, "big")
        + offset.to_bytes(2, "big")
    )
    return _b32encode(body + _tag(keys.keys[key_id], body))


def _strip_scanner_noise(text: str) -> str:
    # Scanners add CR, LF or TAB, and in serial mode sometimes STX/ETX framing.
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or not text[start].isprintable()):
        start += 1
    while end > start and (text[end - 1].isspace() or not text[end - 1].isprintable()):
        end -= 1
    return text[start:end]


def _spellings(text: str) -> list[str]:
    """The input as read, then as it would be if the scanner's layout were mismatched."""
    base = text.translate(_FOREIGN)
    if not base.isascii():
        # Left as is: the alphabet check refuses it (and str.upper would turn "ﬃ" into FFI).
        return [base]
    base = base.upper()
    spellings = [base]
    for swap in (_SWAP_AZERTY, _SWAP_QWERTZ):
        candidate = base.translate(swap)
        if candidate not in spellings:
            spellings.append(candidate)
    return spellings


def _verify(text: str, keys: CodeKeys) -> CodePayload:
    if len(text) != CODE_LENGTH or any(c not in _B32_INDEX for c in text):
        raise CodeUnreadable()
    raw = _b32decode(text)
    body, tag = raw[:_BODY_LENGTH], raw[_BODY_LENGTH:]
    if body[0] >> 5 != VERSION:
        raise CodeUnreadable()
    key_id = body[0] & 31
    key = keys.keys.get(key_id)
    if key is None:
        raise CodeInvalid()
    if not hmac.compare_digest(_tag(key, body), tag):
        raise CodeInvalid()
    reference = _int_to_reference(int.from_bytes(body[1:6], "big"))
    day = EPOCH + timedelta(days=int.from_bytes(body[6:8], "big"))
    return CodePayload(reference=reference, day=day, key_id=key_id)


def read_code(text: str, keys: CodeKeys, today: date) -> CodePayload:
    """Verify a scanned or pasted code for use today.

    Tolerates surrounding whitespace (the CR/LF/TAB a scanner appends), lower case (Caps
    Lock) and mismatched scanner layouts. Raises a :class:`CodeError` subclass and
    nothing else. Wrong branch and already used are for the engine to decide.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        raise CodeUnreadable()
    text = _strip_scanner_noise(text)
    first_error: CodeError | None = None
    payload: CodePayload | None = None
    for spelling in _spellings(text):
        try:
            payload = _verify(spelling, keys)
            break
        except CodeError as exc:
            # The text as read decides the message; the layout guesses only rescue.
            first_error = first_error or exc
    if payload is None:
        assert first_error is not None
        raise first_error
    if payload.day < today:
        expired = CodeExpired(payload.day, today)
        expired.reference = payload.reference  # genuine: the caller may name its service
        raise expired
    if payload.day > today:
        raise CodeWrongDay(payload.day, today)
    return payload


# --- short codes --------------------------------------------------------------------


def _check_symbol(reference: str) -> str:
    # sum(w_i * v_i) + 9 * check == 0 (mod 29) with weights 1..9, all distinct and non-zero.
    total = sum((i + 1) * _REF_INDEX[c] for i, c in enumerate(reference))
    inverse_of_9 = pow(SHORT_CODE_LENGTH, -1, _REF_BASE)
    return REFERENCE_ALPHABET[(-total * inverse_of_9) % _REF_BASE]


def make_short_code(reference: str) -> str:
    """The reference plus a check symbol, grouped in threes for reading: "K7Q-2M9-XDR"."""
    if not is_reference(reference):
        raise ValueError(f"not a reference: {reference!r}")
    full = reference + _check_symbol(reference)
    return "-".join(full[i : i + 3] for i in range(0, SHORT_CODE_LENGTH, 3))


def read_short_code(text: str) -> str:
    """The reference in a typed short code; dashes, spaces and case do not matter.

    Raises :class:`CodeUnreadable` for anything that is not nine symbols of the
    alphabet, and :class:`ShortCodeTypo` (a CodeUnreadable) when the check fails.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        raise CodeUnreadable()
    compact = "".join(c for c in text if not c.isspace() and c not in "-.").upper()
    if len(compact) != SHORT_CODE_LENGTH or any(c not in _REF_INDEX for c in compact):
        raise CodeUnreadable()
    reference, check = compact[:-1], compact[-1]
    if _check_symbol(reference) != check:
        raise ShortCodeTypo()
    return reference


# --- QR -----------------------------------------------------------------------------


def _qr(code: str, box_size: int, border: int) -> QRCode[PilImage]:
    import qrcode
    import qrcode.constants
    import qrcode.util

    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=box_size, border=border
    )
    # Explicit mode: alphanumeric packs 5.5 bits a character instead of 8 in byte mode.
    qr.add_data(qrcode.util.QRData(code.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM))
    qr.make(fit=True)
    return qr


def qr_image(code: str, box_size: int = 8, border: int = 4) -> Image:
    """The code as a black-and-white QR image (mode "1"), quiet zone included."""
    from qrcode.image.pil import PilImage

    image: PilImage = _qr(code, box_size, border).make_image(image_factory=PilImage)
    return image.get_image()


def qr_png(code: str, box_size: int = 8, border: int = 4) -> bytes:
    buffer = io.BytesIO()
    qr_image(code, box_size, border).save(buffer, format="PNG")
    return buffer.getvalue()


# --- throttle -----------------------------------------------------------------------


@dataclass
class FailedAttemptThrottle:
    """Makes guessing codes at a kiosk slow; pure, the caller passes the clock.

    ``now`` is seconds on any monotonic clock (``time.monotonic()``). After
    ``free_failures`` failures within ``window`` seconds, the next attempt waits
    ``base_delay`` seconds after the last failure, doubling with each further failure up
    to ``max_delay``. Failures older than the window are forgotten; a success forgets the
    kiosk's failures (a success needs a real, unused appointment, so an attacker cannot
    buy resets). Count CodeInvalid and unknown references as failures; counting
    CodeUnreadable too is harmless.
    """

    free_failures: int = 5
    window: float = 600.0
    base_delay: float = 2.0
    max_delay: float = 120.0
    _failures: dict[Hashable, deque[float]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _recent(self, kiosk_id: Hashable, now: float) -> deque[float]:
        failures = self._failures.get(kiosk_id)
        if failures is None:
            return deque()
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[kiosk_id]
        return failures

    def check(self, kiosk_id: Hashable, now: float) -> float:
        """Seconds the kiosk must still wait before it may try a code; 0 if none."""
        with self._lock:
            failures = self._recent(kiosk_id, now)
            excess = len(failures) - self.free_failures
            if excess < 0 or not failures:
                return 0.0
            delay = min(self.max_delay, self.base_delay * 2.0 ** min(excess, 64))
            return max(0.0, failures[-1] + delay - now)

    def record_failure(self, kiosk_id: Hashable, now: float) -> None:
        with self._lock:
            self._recent(kiosk_id, now)
            self._failures.setdefault(kiosk_id, deque()).append(now)

    def record_success(self, kiosk_id: Hashable, now: float) -> None:
        with self._lock:
            self._failures.pop(kiosk_id, None)
