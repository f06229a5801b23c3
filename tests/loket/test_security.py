from __future__ import annotations

from collections.abc import Iterator

import pytest

from loket import security
from loket.security import (
    PinFormatError,
    PinTooEasy,
    ScryptCost,
    card_fingerprint,
    hash_pin,
    needs_rehash,
    validate_new_pin,
    validate_pin,
    verify_pin,
)

CARD_KEY = bytes(range(32))


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(security, "COST", ScryptCost(n=2**4, r=8, p=1))
    yield


def test_hash_and_verify() -> None:
    stored = hash_pin("4821")
    assert stored.startswith("scrypt$16$8$1$")
    assert verify_pin("4821", stored)
    assert not verify_pin("4822", stored)
    assert not verify_pin("48210", stored)


def test_each_hash_has_its_own_salt() -> None:
    first, second = hash_pin("4821"), hash_pin("4821")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert verify_pin("4821", first) and verify_pin("4821", second)


def test_stored_hash_is_self_describing_and_survives_a_cost_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = hash_pin("12345678")
    algorithm, n, r, p, salt, digest = stored.split("$")
    assert (algorithm, n, r, p) == ("scrypt", "16", "8", "1")
    assert "=" not in salt + digest
    monkeypatch.setattr(security, "COST", ScryptCost(n=2**5, r=4, p=1))
    assert verify_pin("12345678", stored)
    assert needs_rehash(stored)
    assert not needs_rehash(hash_pin("12345678"))


@pytest.mark.parametrize("pin", ["0000", "4821", "12345678", "00001"])
def test_valid_pins(pin: str) -> None:
    validate_pin(pin)
    assert verify_pin(pin, hash_pin(pin))


@pytest.mark.parametrize(
    "pin", ["", "123", "123456789", "12a4", "12 34", " 1234", "1234\n", "١٢٣٤", "１２３４", "½123"]
)
def test_pin_format_is_refused_in_plain_dutch(pin: str) -> None:
    with pytest.raises(PinFormatError) as caught:
        hash_pin(pin)
    assert str(caught.value) == caught.value.message == "Een pincode bestaat uit 4 tot 8 cijfers."
    assert isinstance(caught.value, ValueError)
    assert not verify_pin(pin, hash_pin("4821"))


def test_leading_zeros_count() -> None:
    stored = hash_pin("0042")
    assert verify_pin("0042", stored)
    assert not verify_pin("042", stored)
    assert not verify_pin("42", stored)


@pytest.mark.parametrize("pin", ["1111", "000000", "1234", "4321", "6789", "89012", "12345678"])
def test_easy_pins_are_refused_for_new_pins(pin: str) -> None:
    validate_pin(pin)
    with pytest.raises(PinTooEasy) as caught:
        validate_new_pin(pin)
    assert "te makkelijk" in caught.value.message


@pytest.mark.parametrize("pin", ["4821", "1235", "11112", "90210"])
def test_ordinary_new_pins_pass(pin: str) -> None:
    validate_new_pin(pin)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "1234",
        "bcrypt$16$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "scrypt$16$8$1$c2FsdHNhbHQ",
        "scrypt$15$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",  # n not a power of two
        "scrypt$4194304$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",  # would take 4 GiB
        "scrypt$16$8$1$not*base64$aGFzaGhhc2hoYXNoaGFzaA",
        "scrypt$x$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
    ],
)
def test_damaged_stored_hash_is_an_error_not_a_wrong_pin(stored: str) -> None:
    with pytest.raises(ValueError):
        verify_pin("4821", stored)


def test_tampered_hash_does_not_verify() -> None:
    stored = hash_pin("4821")
    head, digest = stored.rsplit("$", 1)
    flipped = ("B" if digest[0] == "A" else "A") + digest[1:]
    assert not verify_pin("4821", f"{head}${flipped}")


def test_default_cost_is_stored_with_the_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cost (about 40 ms a hash here) is a parameter, checked as one; no stopwatch.
    monkeypatch.undo()
    assert ScryptCost(n=2**14, r=8, p=1) == security.COST
    stored = hash_pin("4821")
    assert stored.startswith(f"scrypt${2**14}$8$1$")
    assert verify_pin("4821", stored)


def test_card_fingerprint_is_keyed_and_stable() -> None:
    uid = bytes.fromhex("04A1B2C3D4E5F6")
    fingerprint = card_fingerprint(uid, CARD_KEY)
    assert len(fingerprint) == 64 and int(fingerprint, 16) >= 0
    assert fingerprint == card_fingerprint(uid, CARD_KEY)
    assert uid.hex() not in fingerprint.lower()
    assert card_fingerprint(uid, bytes(range(1, 33))) != fingerprint
    assert card_fingerprint(bytes.fromhex("04A1B2C3D4E5F7"), CARD_KEY) != fingerprint


@pytest.mark.parametrize(
    "spelling", ["04A1B2C3D4E5F6", "04a1b2c3d4e5f6", "04:A1:B2:C3:D4:E5:F6", "04 a1 b2 c3 d4 e5 f6"]
)
def test_card_fingerprint_accepts_hex_spellings(spelling: str) -> None:
    reader_bytes = bytes([0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6])
    assert card_fingerprint(spelling, CARD_KEY) == card_fingerprint(reader_bytes, CARD_KEY)
    assert card_fingerprint(bytearray(reader_bytes), CARD_KEY) == card_fingerprint(
        reader_bytes, CARD_KEY
    )


@pytest.mark.parametrize("uid", ["", "0", "04A1B2C", "04G1B2C3", b"", bytes(33)])
def test_card_fingerprint_refuses_bad_uids(uid: str | bytes) -> None:
    with pytest.raises(ValueError):
        card_fingerprint(uid, CARD_KEY)


def test_card_fingerprint_needs_a_real_key() -> None:
    with pytest.raises(ValueError):
        card_fingerprint(b"\x04\xa1\xb2\xc3", b"short")
