from __future__ import annotations

import io
import string
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import qrcode.util
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from loket import codes
from loket.codes import (
    CodeAlreadyUsed,
    CodeError,
    CodeExpired,
    CodeInvalid,
    CodeKeys,
    CodePayload,
    CodeTooManyAttempts,
    CodeUnreadable,
    CodeWrongBranch,
    CodeWrongDay,
    FailedAttemptThrottle,
    ShortCodeTypo,
    make_code,
    make_short_code,
    new_reference,
    read_code,
    read_short_code,
)

DAY = date(2026, 11, 24)  # a Tuesday
KEY_1 = bytes(range(32))
KEY_2 = bytes(range(100, 132))
KEYS = CodeKeys(current_key_id=1, keys={1: KEY_1})
REF = "K7Q2M9XD"
BASE32 = set(string.ascii_uppercase + "234567")


@pytest.fixture
def code() -> str:
    return make_code(REF, DAY, KEYS)


def _accepted_spelling(text: str, code: str) -> bool:
    """Whether ``text`` is one of the documented equivalent spellings of ``code``."""
    return code in codes._spellings(codes._strip_scanner_noise(text))


# --- format -------------------------------------------------------------------------


def test_round_trip() -> None:
    for _ in range(200):
        reference = new_reference()
        code = make_code(reference, DAY, KEYS)
        assert read_code(code, KEYS, DAY) == CodePayload(reference, DAY, 1)


def test_code_is_short_uppercase_base32_and_qr_alphanumeric(code: str) -> None:
    assert len(code) == codes.CODE_LENGTH == 24
    assert set(code) <= BASE32
    assert set(code.encode()) <= set(qrcode.util.ALPHA_NUM)


def test_codes_cover_the_day_range() -> None:
    for day in (codes.EPOCH, date(2099, 12, 31), codes.EPOCH + timedelta(days=0xFFFF)):
        assert read_code(make_code(REF, day, KEYS), KEYS, day).day == day
    with pytest.raises(ValueError):
        make_code(REF, codes.EPOCH - timedelta(days=1), KEYS)
    with pytest.raises(ValueError):
        make_code(REF, codes.EPOCH + timedelta(days=0x10000), KEYS)


@pytest.mark.parametrize("reference", ["", "K7Q2M9X", "K7Q2M9XDD", "k7q2m9xd", "K7Q2M9X0"])
def test_make_code_refuses_bad_references(reference: str) -> None:
    with pytest.raises(ValueError):
        make_code(reference, DAY, KEYS)


def test_new_reference_uses_only_unambiguous_symbols() -> None:
    seen: set[str] = set()
    for _ in range(2000):
        reference = new_reference()
        assert len(reference) == 8 and codes.is_reference(reference)
        seen.update(reference)
    assert seen == set(codes.REFERENCE_ALPHABET)
    assert not seen & set("01OILYZ")
    assert len(codes.REFERENCE_ALPHABET) == 29 == len(set(codes.REFERENCE_ALPHABET))


def test_code_keys_are_validated() -> None:
    with pytest.raises(ValueError):
        CodeKeys(current_key_id=2, keys={1: KEY_1})
    with pytest.raises(ValueError):
        CodeKeys(current_key_id=32, keys={32: KEY_1})
    with pytest.raises(ValueError):
        CodeKeys(current_key_id=1, keys={1: b"short"})
    assert len(codes.generate_key()) == 32
    assert codes.generate_key() != codes.generate_key()


# --- refusals -----------------------------------------------------------------------


def test_forged_tag_is_invalid(code: str) -> None:
    forged = make_code(REF, DAY, CodeKeys(current_key_id=1, keys={1: KEY_2}))
    assert forged[:12] == code[:12]  # same header, reference and day; only the tag differs
    with pytest.raises(CodeInvalid):
        read_code(forged, KEYS, DAY)


def test_every_flipped_bit_is_refused(code: str) -> None:
    accepted = 0
    for position, symbol in enumerate(code):
        value = codes.BASE32_ALPHABET.index(symbol)
        for bit in range(5):
            flipped = codes.BASE32_ALPHABET[value ^ (1 << bit)]
            mutant = code[:position] + flipped + code[position + 1 :]
            try:
                payload = read_code(mutant, KEYS, DAY)
            except CodeError:
                continue
            # Only a spelling a mismatched scanner layout would produce (A<->Q with no other
            # A, Q, W, Z in the code) gets through, and then as the genuine payload.
            assert _accepted_spelling(mutant, code)
            assert payload == CodePayload(REF, DAY, 1)
            accepted += 1
    assert accepted <= 2


def test_every_flipped_bit_in_the_bytes_is_refused(code: str) -> None:
    raw = codes._b32decode(code)
    for index in range(len(raw)):
        for bit in range(8):
            mutant = bytearray(raw)
            mutant[index] ^= 1 << bit
            text = codes._b32encode(bytes(mutant))
            if _accepted_spelling(text, code):
                continue
            with pytest.raises(CodeError):
                read_code(text, KEYS, DAY)


def test_truncated_or_extended_codes_are_unreadable(code: str) -> None:
    for end in range(len(code)):
        with pytest.raises(CodeUnreadable):
            read_code(code[:end], KEYS, DAY)
    for extra in ("A", "2", "AAAAAAAA"):
        with pytest.raises(CodeUnreadable):
            read_code(code + extra, KEYS, DAY)


@pytest.mark.parametrize(
    "text", ["", "   ", "hello", "http://example.org/", "K7Q-2M9-XDR", "0" * 24, "1" * 24]
)
def test_other_text_is_unreadable(text: str) -> None:
    with pytest.raises(CodeUnreadable):
        read_code(text, KEYS, DAY)


def test_unknown_version_is_unreadable(code: str) -> None:
    raw = bytearray(codes._b32decode(code))
    raw[0] = (2 << 5) | (raw[0] & 31)
    with pytest.raises(CodeUnreadable):
        read_code(codes._b32encode(bytes(raw)), KEYS, DAY)


def test_unknown_key_id_is_invalid_with_the_same_message_as_a_forgery(code: str) -> None:
    other = make_code(REF, DAY, CodeKeys(current_key_id=7, keys={7: KEY_1}))
    with pytest.raises(CodeInvalid) as unknown:
        read_code(other, KEYS, DAY)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(CodeInvalid) as bad_tag:
        read_code(forged, KEYS, DAY)
    assert unknown.value.message == bad_tag.value.message
    assert unknown.value.params == bad_tag.value.params == {}
    assert str(unknown.value) == str(bad_tag.value)


def test_key_rotation() -> None:
    old = make_code(REF, DAY, KEYS)
    rotated = CodeKeys(current_key_id=2, keys={1: KEY_1, 2: KEY_2})
    new = make_code(REF, DAY, rotated)
    assert new != old
    assert read_code(old, rotated, DAY).key_id == 1
    assert read_code(new, rotated, DAY).key_id == 2
    retired = CodeKeys(current_key_id=2, keys={2: KEY_2})
    with pytest.raises(CodeInvalid):
        read_code(old, retired, DAY)
    assert read_code(new, retired, DAY) == CodePayload(REF, DAY, 2)


def test_expired(code: str) -> None:
    with pytest.raises(CodeExpired) as caught:
        read_code(code, KEYS, DAY + timedelta(days=1))
    assert caught.value.day == DAY
    assert caught.value.message == (
        "Deze code is verlopen. Uw afspraak was op dinsdag 24 november. "
        "Maak een nieuwe afspraak of neem een nummer."
    )
    assert caught.value.params == {"day": DAY}


def test_wrong_day(code: str) -> None:
    with pytest.raises(CodeWrongDay) as caught:
        read_code(code, KEYS, DAY - timedelta(days=3))
    assert caught.value.day == DAY
    assert caught.value.message == (
        "Uw afspraak is niet vandaag. Uw afspraak is op dinsdag 24 november."
    )
    with pytest.raises(CodeWrongDay) as next_year:
        read_code(make_code(REF, date(2027, 1, 4), KEYS), KEYS, DAY)
    assert next_year.value.message.endswith("op maandag 4 januari 2027.")


def test_day_is_only_judged_after_the_signature() -> None:
    forged = make_code(REF, DAY - timedelta(days=10), CodeKeys(1, {1: KEY_2}))
    with pytest.raises(CodeInvalid):
        read_code(forged, KEYS, DAY)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda c: c.lower(),
        lambda c: c.swapcase(),
        lambda c: f"  {c}  ",
        lambda c: c + "\r",
        lambda c: c + "\n",
        lambda c: c + "\r\n",
        lambda c: c + "\t",
        lambda c: "\t" + c.lower() + "\r\n",
        lambda c: "\x02" + c + "\x03",
    ],
)
def test_scanner_noise_and_case_are_accepted(code: str, wrap: Callable[[str], str]) -> None:
    assert read_code(wrap(code), KEYS, DAY) == CodePayload(REF, DAY, 1)


def test_whitespace_inside_is_unreadable(code: str) -> None:
    with pytest.raises(CodeUnreadable):
        read_code(code[:12] + " " + code[12:], KEYS, DAY)


# What a keyboard-wedge scanner types when its layout and the PC's differ.
US_SCANNER_ON_AZERTY = str.maketrans(
    {"A": "Q", "Q": "A", "W": "Z", "Z": "W", "M": "?",
     "2": "é", "3": '"', "4": "'", "5": "(", "6": "-", "7": "è"}
)  # fmt: skip
US_SCANNER_ON_BELGIAN_AZERTY = str.maketrans(
    {"A": "Q", "Q": "A", "W": "Z", "Z": "W", "M": "?",
     "2": "é", "3": '"', "4": "'", "5": "(", "6": "§", "7": "è"}
)  # fmt: skip
AZERTY_SCANNER_ON_US = str.maketrans(
    {"A": "Q", "Q": "A", "W": "Z", "Z": "W", "M": ":",
     "2": "@", "3": "#", "4": "$", "5": "%", "6": "^", "7": "&"}
)  # fmt: skip
US_SCANNER_ON_QWERTZ = str.maketrans({"Y": "Z", "Z": "Y"})


@pytest.mark.parametrize(
    "layout",
    [
        US_SCANNER_ON_AZERTY,
        US_SCANNER_ON_BELGIAN_AZERTY,
        AZERTY_SCANNER_ON_US,
        US_SCANNER_ON_QWERTZ,
    ],
)
def test_mismatched_scanner_layouts_are_read(layout: dict[int, str]) -> None:
    # Sixty random codes: between them every letter that moves occurs (checked below).
    seen: set[str] = set()
    for _ in range(60):
        reference = new_reference()
        code = make_code(reference, DAY, KEYS)
        seen.update(code)
        typed = code.translate(layout) + "\r\n"
        assert read_code(typed, KEYS, DAY).reference == reference
        assert read_code(typed.lower(), KEYS, DAY).reference == reference
    assert set("AQWZYM234567") <= seen


# --- fuzz ---------------------------------------------------------------------------

_NOISE = st.sampled_from(
    list(codes.BASE32_ALPHABET + codes.BASE32_ALPHABET.lower() + "0189-_ .:?é\"'(è@#$%^&\r\n\t")
    + ["\x00", "\x02", "ß", "İ", "ﬃ", "\u200b", "Ａ"]
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_fuzz_arbitrary_text_only_raises_code_errors(text: str) -> None:
    with pytest.raises(CodeError):
        read_code(text, KEYS, DAY)


@settings(max_examples=1500, deadline=None)
@given(
    reference=st.text(alphabet=codes.REFERENCE_ALPHABET, min_size=8, max_size=8),
    edits=st.lists(
        st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.integers(0, 30), _NOISE),
        min_size=1,
        max_size=4,
    ),
)
def test_fuzz_mutated_codes_are_refused(reference: str, edits: list[tuple[str, int, str]]) -> None:
    code = make_code(reference, DAY, KEYS)
    text = code
    for kind, index, char in edits:
        index = min(index, len(text))
        if kind == "replace" and index < len(text):
            text = text[:index] + char + text[index + 1 :]
        elif kind == "insert":
            text = text[:index] + char + text[index:]
        elif kind == "delete" and index < len(text):
            text = text[:index] + text[index + 1 :]
    try:
        payload = read_code(text, KEYS, DAY)
    except CodeError:
        return
    # Accepted only as a harmless respelling of the genuine code, never as another code.
    assert _accepted_spelling(text, code), repr(text)
    assert payload == CodePayload(reference, DAY, 1)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_fuzz_short_code_reader(text: str) -> None:
    try:
        reference = read_short_code(text)
    except CodeUnreadable:
        return
    assert codes.is_reference(reference)
    assert read_short_code(make_short_code(reference)) == reference


# --- short codes --------------------------------------------------------------------


def test_short_code_shape_and_round_trip() -> None:
    short = make_short_code(REF)
    assert len(short) == 11 and short[3] == short[7] == "-"
    assert short.replace("-", "")[:8] == REF
    for _ in range(500):
        reference = new_reference()
        short = make_short_code(reference)
        bare = short.replace("-", "")
        for typed in (short, bare, bare.lower(), f" {short.lower()} ", " ".join(bare)):
            assert read_short_code(typed) == reference


def test_every_single_substitution_is_detected() -> None:
    for reference in (REF, "22222222", "XXXXXXXX", new_reference(), new_reference()):
        bare = make_short_code(reference).replace("-", "")
        for position in range(len(bare)):
            for symbol in codes.REFERENCE_ALPHABET:
                if symbol == bare[position]:
                    continue
                typo = bare[:position] + symbol + bare[position + 1 :]
                with pytest.raises(ShortCodeTypo):
                    read_short_code(typo)


def test_every_swap_of_two_symbols_is_detected() -> None:
    for reference in (REF, new_reference(), new_reference()):
        bare = make_short_code(reference).replace("-", "")
        for i in range(len(bare)):
            for j in range(i + 1, len(bare)):
                if bare[i] == bare[j]:
                    continue
                swapped = list(bare)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                with pytest.raises(ShortCodeTypo):
                    read_short_code("".join(swapped))


@pytest.mark.parametrize(
    "text", ["", "K7Q-2M9", "K7Q2M9XD", "K7Q2M9XDRR", "O7Q-2M9-XDR", "I7Q2M9XDR"]
)
def test_short_code_of_wrong_shape_is_unreadable(text: str) -> None:
    with pytest.raises(CodeUnreadable):
        read_short_code(text)


def test_a_full_code_is_not_a_short_code(code: str) -> None:
    # The engine tries the short code first and falls back to the full code on this.
    with pytest.raises(CodeUnreadable):
        read_short_code(code)


def test_typo_is_a_code_unreadable_with_its_own_text() -> None:
    assert issubclass(ShortCodeTypo, CodeUnreadable)
    assert ShortCodeTypo().message != CodeUnreadable().message


# --- QR -----------------------------------------------------------------------------


def test_qr_is_alphanumeric_and_small(code: str) -> None:
    qr = codes._qr(code, box_size=4, border=4)
    assert [segment.mode for segment in qr.data_list] == [qrcode.util.MODE_ALPHA_NUM]
    assert qr.version <= 2


def test_qr_image_reads_back(code: str) -> None:
    image = codes.qr_image(code)
    found = zxingcpp.read_barcodes(image)
    assert [barcode.text for barcode in found] == [code]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode


def test_qr_png_reads_back(code: str) -> None:
    png = codes.qr_png(code, box_size=3)
    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png))
    assert [barcode.text for barcode in zxingcpp.read_barcodes(image)] == [code]
    assert read_code(zxingcpp.read_barcodes(image)[0].text, KEYS, DAY).reference == REF


# --- kiosk texts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        CodeError(),
        CodeUnreadable(),
        ShortCodeTypo(),
        CodeInvalid(),
        CodeExpired(),
        CodeExpired(DAY),
        CodeWrongDay(),
        CodeWrongDay(DAY),
        CodeWrongBranch(),
        CodeWrongBranch("Stadskantoor Noord"),
        CodeAlreadyUsed(),
        CodeTooManyAttempts(),
        CodeTooManyAttempts(12.2),
    ],
)
def test_every_refusal_has_dutch_text_and_a_code(error: CodeError) -> None:
    """The Dutch text for staff and logs; the code and params for the kiosk, which words
    them in the visitor's language (tests/kiosk/test_languages.py)."""
    assert error.message.endswith(".")
    assert error.code.startswith("code_")
    assert str(error) == error.code


def test_texts_with_details() -> None:
    assert "Stadskantoor Noord" in CodeWrongBranch("Stadskantoor Noord").message
    assert "Wacht 13 seconden" in CodeTooManyAttempts(12.2).message
    assert "Wacht 1 seconde " in CodeTooManyAttempts(0.3).message
    assert codes.dutch_date(date(2026, 5, 1)) == "vrijdag 1 mei"
    assert codes.dutch_date(date(2026, 5, 1), today=date(2025, 12, 30)) == "vrijdag 1 mei 2026"


# --- throttle -----------------------------------------------------------------------


def test_throttle_lets_a_few_failures_pass() -> None:
    throttle = FailedAttemptThrottle(free_failures=3, window=600, base_delay=2, max_delay=60)
    for t in range(3):
        assert throttle.check("kiosk-1", float(t)) == 0
        throttle.record_failure("kiosk-1", float(t))
    # The fourth attempt comes after three failures: wait base_delay after the last one.
    assert throttle.check("kiosk-1", 2.0) == pytest.approx(2.0)
    assert throttle.check("kiosk-1", 3.5) == pytest.approx(0.5)
    assert throttle.check("kiosk-1", 4.0) == 0


def test_throttle_delay_doubles_and_is_capped() -> None:
    throttle = FailedAttemptThrottle(free_failures=2, window=10_000, base_delay=1, max_delay=30)
    now = 0.0
    waits = []
    for _ in range(12):
        now += throttle.check("k", now)
        throttle.record_failure("k", now)
        waits.append(throttle.check("k", now))
    assert waits[:7] == [0, 1, 2, 4, 8, 16, 30]
    assert set(waits[6:]) == {30}


def test_throttle_forgets_old_failures_and_success_resets() -> None:
    throttle = FailedAttemptThrottle(free_failures=1, window=60, base_delay=5, max_delay=60)
    throttle.record_failure("k", 0.0)
    throttle.record_failure("k", 10.0)
    assert throttle.check("k", 11.0) == pytest.approx(2 * 5 - 1)
    # At t=61 the first failure has left the window; the one left is past its delay.
    assert throttle.check("k", 61.0) == 0
    assert throttle.check("k", 70.5) == 0
    throttle.record_failure("k", 71.0)
    assert throttle.check("k", 71.0) == pytest.approx(5)
    throttle.record_success("k", 72.0)
    assert throttle.check("k", 72.0) == 0
    assert throttle.check("never-seen", 0.0) == 0


def test_throttle_is_per_kiosk() -> None:
    throttle = FailedAttemptThrottle(free_failures=0, window=60, base_delay=3, max_delay=60)
    throttle.record_failure("hall", 0.0)
    assert throttle.check("hall", 0.0) == pytest.approx(6)
    assert throttle.check("entrance", 0.0) == 0
