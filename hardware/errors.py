"""Typed failures the kiosk can act on: every one carries a plain Dutch (B1) hint for staff."""

from __future__ import annotations


class HardwareError(Exception):
    """Base of all device failures; `hint_nl` is what staff read on screen or in the check."""

    hint_nl: str = "Er is een probleem met een apparaat."

    def __init__(self, message: str = "", hint_nl: str | None = None) -> None:
        super().__init__(message or self.hint_nl)
        if hint_nl is not None:
            self.hint_nl = hint_nl


class PrinterError(HardwareError):
    hint_nl = "De printer werkt niet. Laat het nummer op het scherm zien en waarschuw een collega."


class PrinterUnreachable(PrinterError):
    """No connection at all: network down, cable out, printer switched off, USB not found."""

    hint_nl = (
        "De printer is niet bereikbaar. Staat de printer aan? Zit de kabel goed vast? "
        "Klopt het adres in de instellingen?"
    )


class PrinterNoPermission(PrinterError):
    """The device exists but this user may not open it (USB, serial, /dev/usb/lp0)."""

    hint_nl = (
        "Deze computer mag de printer niet gebruiken. Geef de gebruiker rechten op het apparaat "
        "(bijvoorbeeld de groep 'lp' of 'dialout', of een udev-regel) en log opnieuw in."
    )


class PrinterOffline(PrinterError):
    """The printer answers but will not print: cover open, error state, or no status reply."""

    hint_nl = (
        "De printer staat uit of heeft een storing. Is de klep dicht? Brandt er een rood lampje?"
    )


class PrinterNotResponding(PrinterOffline):
    hint_nl = "De printer geeft geen antwoord. Zet de printer uit en weer aan."


class PaperOut(PrinterError):
    hint_nl = "De printer heeft geen papier meer. Leg een nieuwe rol papier in de printer."


class PrintFailed(PrinterError):
    """The connection broke while the ticket was being sent."""

    hint_nl = "Het bonnetje is niet goed geprint. Probeer het opnieuw of waarschuw een collega."


class CardReaderError(HardwareError):
    hint_nl = "De pasjeslezer werkt niet."


class ScannerError(HardwareError):
    hint_nl = "De codescanner werkt niet. Zit de kabel goed vast?"


class SpeechUnavailable(HardwareError):
    hint_nl = (
        "Er is geen spraak beschikbaar. Installeer espeak-ng of speech-dispatcher. "
        "Het nummer staat wel op het scherm."
    )
