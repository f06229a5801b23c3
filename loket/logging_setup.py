"""Logging to a rotating file in the platform log directory, without personal data.

Every queue operation is logged once, at INFO, when its transaction commits: the event
kind, ids and a fixed list of harmless fields (number, service, status, counters,
durations). The log is written from the event rows, which hold no personal data by
design; the whitelist is a second fence for free-text fields (a call reason, an outcome
a clerk typed) that could hold a name. SQLAlchemy's own loggers stay at WARNING: at
INFO they print statement parameters, which include names and phone numbers.

``configure()`` is called once by the CLI's main and by the Qt applications.
``LOKET_LOG_DIR`` overrides the directory (tests, kiosks with a read-only home).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from loket.models import Event

if TYPE_CHECKING:
    from loket.events import Logged

ENV_DIR = "LOKET_LOG_DIR"
FILE_NAME = "loket.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Fields of event data that are ids, numbers, codes or fixed words, never free text.
SAFE_FIELDS = (
    "number",
    "service",
    "kind",
    "status",
    "counter",
    "call_count",
    "late",
    "waited_seconds",
    "served_seconds",
    "predicted_wait_seconds",
    "score",
    "from_counter",
    "to_counter",
    "channel",
    "method",
    "appointments",
    "feedback",
    "ticket_notes",
)
_PENDING = "loket_log_events"

log = logging.getLogger("loket.events")
_handler: logging.Handler | None = None


def log_dir() -> Path:
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_log_dir("loket", appauthor=False))


def describe(e: Event | Logged) -> str:
    """One log line for an event: kind, ids, safe fields; nothing a clerk typed."""
    parts = [e.kind, f"event={e.id}"]
    for label, value in (
        ("branch", e.branch_id),
        ("ticket", e.ticket_id),
        ("appointment", e.appointment_id),
        ("counter_id", e.counter_id),
        ("staff", e.staff_id),
    ):
        if value is not None:
            parts.append(f"{label}={value}")
    data: dict[str, Any] = e.data or {}
    # Most events carry two or three of these: looked up, not type-checked one by one
    # (this runs for every event a clerk's step records).
    for key in SAFE_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            if len(value) < 30:
                parts.append(f"{key}={value!r}")
        elif isinstance(value, bool | int | float):
            parts.append(f"{key}={value}")
    parts.append(f"at={e.workstation!r}")
    return " ".join(parts)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    new = [obj for obj in session.new if isinstance(obj, Event)]
    if new:
        session.info.setdefault(_PENDING, []).extend(new)


def log_at_commit(session: Session, events: Sequence[Event | Logged]) -> None:
    """Log these events when the session commits: events a database function wrote
    (loket/hall.py) are not new ORM objects, so ``_after_flush`` does not see them."""
    session.info.setdefault(_PENDING, []).extend(events)


def log_committed(e: Event | Logged) -> None:
    """Log an event already committed (an autocommit statement: no session commit)."""
    log.info(describe(e))


def _after_commit(session: Session) -> None:
    for e in session.info.pop(_PENDING, []):
        log.info(describe(e))


def _after_rollback(session: Session) -> None:
    # A refused operation left no trace in the database, so none in the log either.
    session.info.pop(_PENDING, None)


def install_event_logging() -> None:
    """Log committed events (idempotent; listens on every ORM session)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def configure(level: int = logging.INFO, directory: Path | None = None) -> Path | None:
    """The rotating log file under ``loket``'s logger; returns its path (None when the
    directory cannot be written: the program runs on, only without a log file)."""
    global _handler
    install_event_logging()
    path = (directory or log_dir()) / FILE_NAME
    root = logging.getLogger("loket")
    root.setLevel(level)
    for name in ("sqlalchemy", "sqlalchemy.engine", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if _handler is not None:
        if Path(getattr(_handler, "baseFilename", "")) == path:
            return path
        root.removeHandler(_handler)
        _handler.close()
        _handler = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    # python-escpos calls logging.basicConfig() on import; without this every INFO
    # line would also land on the console of the CLI.
    root.propagate = False
    _handler = handler
    return path


def reset() -> None:
    """Close the log file and undo ``configure()`` (tests, and a clean shutdown)."""
    global _handler
    root = logging.getLogger("loket")
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
        _handler = None
    root.propagate = True
