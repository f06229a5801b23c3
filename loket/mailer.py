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

from loket.config_fields import Reader
from loket.config_schema import SMTP, declared
from loket.confirmations import Confirmation, mail_subject, mail_text
from loket.errors import ConfigError, Refused

PASSWORD_ENV = "LOKET_SMTP_PASSWORD"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = declared("smtp", "port")
    sender: str = ""
    starttls: bool = declared("smtp", "starttls")
    username: str | None = None
    timeout: float = 15.0

    @property
    def password(self) -> str | None:
        return os.environ.get(PASSWORD_ENV) or None


def smtp_settings(values: dict[str, Any]) -> SmtpSettings:
    """Settings from the ``[smtp]`` table as read against ``config_schema.SMTP``."""
    return SmtpSettings(
        host=values["host"],
        port=values["port"],
        sender=values["sender"],
        starttls=values["starttls"],
        username=values["username"] or None,
    )


def parse_smtp(raw: dict[str, Any]) -> SmtpSettings | None:
    """The ``[smtp]`` table, or None when the file has none; all problems at once."""
    table = raw.get("smtp")
    if table is None:
        return None
    reader = Reader()
    values = reader.section(table, SMTP, "smtp")
    if reader.problems:
        raise ConfigError(reader.problems)
    return smtp_settings(values)


def load_smtp(path: Path) -> SmtpSettings | None:
    with path.open("rb") as handle:
        return parse_smtp(tomllib.load(handle))


def build_message(
    c: Confirmation, to: str, sender: str, pdf: bytes, calendar: bytes
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail_subject(c)
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
