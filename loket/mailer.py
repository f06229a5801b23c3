"""Sending appointment confirmations by e-mail over SMTP.

Settings live in the optional ``[smtp]`` table of the municipality TOML::

    [smtp]
    host = "smtp.gemeente.nl"
    port = 587
    sender = "Gemeente Dalfsen <afspraken@dalfsen.nl>"
    starttls = true
    username = "afspraken"     # optional

The password is never in the file: it comes from the environment variable
``LOKET_SMTP_PASSWORD`` on the PC that sends. Addresses never go into logs or events.
"""

from __future__ import annotations

import os
import smtplib
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from loket.confirmations import Confirmation, mail_text
from loket.errors import ConfigError, Refused

PASSWORD_ENV = "LOKET_SMTP_PASSWORD"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str = ""
    starttls: bool = True
    username: str | None = None
    timeout: float = 15.0

    @property
    def password(self) -> str | None:
        return os.environ.get(PASSWORD_ENV) or None


def parse_smtp(raw: dict[str, Any]) -> SmtpSettings | None:
    """The ``[smtp]`` table, or None when the file has none; all problems at once."""
    table = raw.get("smtp")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(["smtp: moet een tabel zijn ([smtp])"])
    problems = []
    host, sender = table.get("host"), table.get("sender")
    port, starttls = table.get("port", 587), table.get("starttls", True)
    username = table.get("username")
    if not isinstance(host, str) or not host.strip():
        problems.append('smtp.host: ontbreekt (verplicht veld), bijvoorbeeld "smtp.gemeente.nl"')
    if not isinstance(sender, str) or "@" not in sender:
        problems.append(
            'smtp.sender: moet een e-mailadres zijn, bijvoorbeeld "afspraken@gemeente.nl"'
        )
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        problems.append(f"smtp.port: moet een poortnummer zijn (1-65535), niet {port!r}")
    if not isinstance(starttls, bool):
        problems.append(f"smtp.starttls: moet true of false zijn, niet {starttls!r}")
    if username is not None and not isinstance(username, str):
        problems.append("smtp.username: moet tekst zijn")
    if "password" in table:
        problems.append(
            f"smtp.password: zet het wachtwoord niet in het bestand; gebruik de "
            f"omgevingsvariabele {PASSWORD_ENV}"
        )
    if problems:
        raise ConfigError(problems)
    return SmtpSettings(
        host=str(host).strip(),
        port=int(port),
        sender=str(sender).strip(),
        starttls=bool(starttls),
        username=username or None,
    )


def load_smtp(path: Path) -> SmtpSettings | None:
    with path.open("rb") as handle:
        return parse_smtp(tomllib.load(handle))


def build_message(
    c: Confirmation, to: str, sender: str, pdf: bytes, calendar: bytes
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Uw afspraak op {c.date_text} om {c.start:%H:%M} uur"
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="loket.local")
    message.set_content(mail_text(c))
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"afspraak-{c.reference}.pdf"
    )
    message.add_attachment(
        calendar,
        maintype="text",
        subtype="calendar",
        filename=f"afspraak-{c.reference}.ics",
        params={"method": "PUBLISH"},
    )
    return message


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Deliver one message; failures become a plain-Dutch ``Refused`` for the desk."""
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise Refused(
            "De mailserver weigert dit e-mailadres. Controleer het adres.", code="mail_address"
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise Refused(
            f"Inloggen bij de mailserver lukt niet. Controleer de gebruikersnaam "
            f"en {PASSWORD_ENV}.",
            code="mail_login",
        ) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise Refused(
            "De e-mail kon niet worden verstuurd: de mailserver is niet bereikbaar. "
            "Print de brief of probeer het later opnieuw.",
            code="mail_down",
        ) from exc
