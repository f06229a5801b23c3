"""What went wrong, in plain Dutch: every exception a command or window can meet.

``describe(exc, action)`` turns any exception into a ``Failure``: a short code for the
log and scripts, and a message for the person in front of the screen that says what is
wrong and what to do. Database problems each get their own message (unreachable server,
wrong password, a missing right naming the table, disk full, read-only, schema older or
newer than the program) instead of one "not reachable" for everything.

``log_failure`` writes the code, the exception's type and where it happened (file,
line, function) to the log, never the exception's text or a statement's parameters:
those can hold a resident's name (SQLAlchemy runs with ``hide_parameters=True`` too).
"""

from __future__ import annotations

import errno
import logging
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

from loket.errors import DomainError

log = logging.getLogger("loket.failures")


@dataclass(frozen=True)
class Failure:
    code: str
    message: str


_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "could not translate host",
    "name or service not known",
    "timeout expired",
    "connection timed out",
    "server closed the connection",
    "connection to server",
    "no route to host",
    "network is unreachable",
    "terminating connection",
)
_PERMISSION = re.compile(
    r"permission denied for (table|view|sequence|function|schema|database|relation) "
    r"\"?([a-z_][a-z0-9_]*)"
)
_OBJECT_NL = {
    "table": "tabel",
    "relation": "tabel",
    "view": "view",
    "sequence": "reeks",
    "function": "functie",
    "schema": "schema",
    "database": "database",
}


def _database(exc: Exception, action: str) -> Failure:
    orig = getattr(exc, "orig", None) or exc
    state = str(getattr(orig, "sqlstate", "") or "")
    text = str(orig).lower()
    errno_ = getattr(orig, "sqlite_errorcode", None)
    if state == "42501" or "permission denied" in text:
        found = _PERMISSION.search(text)
        what = (
            f" (geen recht op {_OBJECT_NL.get(found.group(1), found.group(1))} '{found.group(2)}')"
            if found
            else ""
        )
        return Failure(
            "no_permission",
            f"Deze PC mag in de database niet {action}{what}. Vraag de beheerder de "
            "databaserollen te controleren ('loket db roles --apply') en of deze PC met "
            "de juiste gebruiker inlogt.",
        )
    if state == "28P01" or "password authentication failed" in text:
        return Failure(
            "wrong_password",
            "De databaseserver weigert het wachtwoord (of de gebruikersnaam). Controleer "
            "gebruiker en wachtwoord in LOKET_DATABASE_URL of --database.",
        )
    if (
        state == "28000"
        or "no pg_hba.conf entry" in text
        or ("role" in text and "does not exist" in text)
    ):
        return Failure(
            "login_refused",
            "De databaseserver laat deze gebruiker of deze PC niet toe. Vraag de beheerder "
            "de gebruiker aan te maken en deze PC toe te laten (pg_hba.conf).",
        )
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return Failure(
            "no_database",
            "De database in LOKET_DATABASE_URL bestaat niet op de server. Controleer de "
            "naam, of laat de beheerder hem aanmaken.",
        )
    if state == "53100" or "disk is full" in text or "no space left" in text or errno_ == 13:
        return Failure(
            "disk_full",
            "De schijf van de database is vol. Er is niets opgeslagen. Maak ruimte vrij "
            "(of vraag de beheerder) en probeer het opnieuw.",
        )
    if state == "25006" or "readonly database" in text or "read-only" in text:
        return Failure(
            "read_only",
            "De database kan alleen gelezen worden (alleen-lezen schijf, bestand of "
            "server). Er is niets opgeslagen. Vraag de beheerder om schrijfrechten.",
        )
    if state in ("42P01", "42703", "42883") or "no such table" in text or "no such column" in text:
        return Failure(
            "schema_old",
            "De database is nog niet ingericht of ouder dan dit programma. Laat de "
            "beheerder 'loket db upgrade' uitvoeren.",
        )
    if "unable to open database file" in text:
        return Failure(
            "database_file",
            "Het databasebestand kan niet worden geopend. Controleer of de map bestaat "
            "en of deze gebruiker daar mag schrijven.",
        )
    if "database is locked" in text or state in ("55P03", "40P01", "40001"):
        return Failure(
            "busy",
            "De database is even bezet door een andere PC. Probeer het zo opnieuw.",
        )
    if state.startswith("22"):
        return Failure(
            "bad_value",
            "Een waarde past niet in de database (te lang, te groot of geen geldige "
            "datum). Er is niets opgeslagen.",
        )
    if any(word in text for word in _UNREACHABLE) or state.startswith("08"):
        return Failure(
            "unreachable",
            "De databaseserver is niet bereikbaar. Controleer het netwerk, "
            "LOKET_DATABASE_URL of --database, en of de databaseserver draait.",
        )
    return Failure(
        "database",
        "De database gaf een onverwachte fout. Er is niets opgeslagen. De details staan "
        "in het logboek.",
    )


def database_message(exc: Exception, action: str = "dit doen") -> str:
    """The Dutch message for a database error, for code that wraps it (``Unavailable``)."""
    return _database(exc, action).message


def _os(exc: OSError) -> Failure:
    name = Path(exc.filename).name if isinstance(exc.filename, str) else ""
    where = f" ({name})" if name else ""
    if exc.errno == errno.ENOSPC:
        return Failure("disk_full", f"De schijf is vol{where}. Maak ruimte vrij.")
    if exc.errno == errno.EROFS:
        return Failure("read_only", f"De schijf kan alleen gelezen worden{where}.")
    if isinstance(exc, PermissionError):
        return Failure("no_permission", f"Geen toegang tot het bestand of de map{where}.")
    if isinstance(exc, IsADirectoryError):
        return Failure("is_directory", f"Dit is een map, geen bestand{where}.")
    if isinstance(exc, FileNotFoundError):
        return Failure("file_not_found", f"Het bestand bestaat niet{where}.")
    return Failure("os", f"Het bestand of apparaat gaf een fout{where}.")


def describe(exc: BaseException, action: str = "dit doen") -> Failure:
    """The failure for a person: never a traceback, never the values they typed."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(exc, DomainError):
        return Failure(exc.code, exc.message)
    # A database error wrapped by the core (``raise Unavailable(...) from exc``): the
    # cause says what is actually wrong.
    if isinstance(exc.__cause__, SQLAlchemyError):
        return _database(exc.__cause__, action)
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:  # codes.CodeError and the like
        return Failure(type(exc).__name__, message)
    if isinstance(exc, DBAPIError | SQLAlchemyError):
        return _database(exc, action)
    if isinstance(exc, UnicodeDecodeError):
        return Failure(
            "encoding",
            "Het bestand is geen tekst in UTF-8 (of Windows-1252). Sla het op als "
            "'CSV UTF-8' of UTF-8-tekst en probeer het opnieuw.",
        )
    if isinstance(exc, UnicodeError):
        return Failure("encoding", "Een argument of tekst bevat tekens die niet kunnen.")
    if isinstance(exc, RecursionError):
        return Failure("too_deep", "Het bestand is te diep genest om te lezen.")
    if isinstance(exc, MemoryError):
        return Failure("too_big", "Het bestand of de waarde is te groot om te verwerken.")
    if isinstance(exc, OSError):
        return _os(exc)
    if isinstance(exc, OverflowError | ValueError):
        return Failure("bad_value", "Een waarde klopt niet of is te groot. Er is niets gewijzigd.")
    return Failure(
        "unexpected",
        f"Er ging iets onverwachts mis ({type(exc).__name__}). Er is niets gewijzigd. De "
        "details staan in het logboek.",
    )


def where(exc: BaseException) -> str:
    """The frames of the traceback (file, line, function), without any values."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


def log_failure(failure: Failure, exc: BaseException, action: str) -> None:
    """One log line: what was being done, the code, the type and where; no values."""
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    state = f" sqlstate={sqlstate}" if sqlstate else ""
    log.error(
        "%s failed: %s (%s%s) at %s", action, failure.code, type(exc).__name__, state, where(exc)
    )
