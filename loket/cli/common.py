"""What every command shares: the services, output as text or JSON, errors in Dutch."""

from __future__ import annotations

import argparse
import json
import socket
import sys
from collections.abc import Callable
from datetime import date, datetime
from types import TracebackType
from typing import Any

from loket import failures, schema_check
from loket.clock import Clock
from loket.db import Database
from loket.errors import DomainError, SchemaMismatch
from loket.events import Actor
from loket.services import Loket


def services(args: argparse.Namespace) -> Loket:
    workstation = args.workstation or f"cli@{socket.gethostname()}"
    return Loket(
        Database(args.database), Clock.from_env(args.now, frozen=True), Actor.system(workstation)
    )


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def printable(text: str) -> str:
    """Text any console can print: an argument that was not UTF-8 (Python keeps its
    bytes as lone surrogates) is shown escaped instead of crashing the output."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(printable(json.dumps(data, default=_default, ensure_ascii=False, indent=2)))
    else:
        print(printable(text))


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _fail(args: argparse.Namespace, code: str, message: str) -> int:
    if getattr(args, "json", False):
        print(printable(json.dumps({"error": code, "message": message}, ensure_ascii=False)))
    print(f"Fout: {printable(message)}", file=sys.stderr)
    return 2


# Commands that run without the database's schema (they create it, or need no database).
NO_SCHEMA_COMMANDS = frozenset(
    {"db", "demo", "simulate", "hardware", "backup", "restore", "supervise"}
)
# Shows a message in a window: given by the composition root (``roles``), which knows Qt.
ShowMessage = Callable[[str], None]


def action_of(args: argparse.Namespace) -> str:
    """What the command does, for "Deze PC mag in de database niet ...". Never an
    argument's value: it may be a resident's name."""
    words = [str(getattr(args, "command", "") or "")]
    words += [
        str(v)
        for k, v in sorted(vars(args).items())
        if k.endswith("_command") and isinstance(v, str)
    ]
    return f"'loket {' '.join(w for w in words if w)}' uitvoeren"


def _install_window_handler(action: str, show: ShowMessage) -> None:
    """An error inside a window's event handler: a message, never a traceback."""

    def handler(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        failure = failures.describe(exc, action)
        failures.log_failure(failure, exc, action)
        print(f"Fout: {failure.message}", file=sys.stderr)
        show(failure.message)

    sys.excepthook = handler


def run_command(args: argparse.Namespace, show: ShowMessage | None = None) -> int:
    """Run the command; whatever happens, a clear Dutch message and an exit code, never
    a traceback. Details (type and place, no values) go to the log."""
    command = getattr(args, "command", None)
    action = action_of(args)
    # A role command opens a window (it says so with ``opens_window``): a message
    # there too, for a PC started from a shortcut without a console.
    show_window = show if getattr(args, "opens_window", False) else None
    if getattr(args, "screenshot", None):
        show_window = None
    try:
        if command not in NO_SCHEMA_COMMANDS and not getattr(args, "screenshot", None):
            db = Database(args.database)
            try:
                schema_check.check(db)
            finally:
                db.dispose()
        if show_window:
            _install_window_handler(action, show_window)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        return 130
    except Exception as exc:
        failure = failures.describe(exc, action)
        if not isinstance(exc, DomainError) or isinstance(exc, SchemaMismatch):
            failures.log_failure(failure, exc, action)
        code = _fail(args, failure.code, failure.message)
        # A window: a refusal of the rules is shown by the window itself; a problem that
        # stops the program (the database, the schema) would otherwise go unseen.
        if show_window and (not isinstance(exc, DomainError) or isinstance(exc, SchemaMismatch)):
            show_window(failure.message)
        return code
