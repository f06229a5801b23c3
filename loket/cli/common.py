"""What every command shares: the services, output as text or JSON, errors in Dutch."""

from __future__ import annotations

import argparse
import json
import socket
import sys
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from loket.clock import Clock
from loket.db import Database, not_set_up
from loket.errors import DomainError, Unavailable
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


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, default=_default, ensure_ascii=False, indent=2))
    else:
        print(text)


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _fail(args: argparse.Namespace, code: str, message: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"error": code, "message": message}, ensure_ascii=False))
    print(f"Fout: {message}", file=sys.stderr)
    return 2


def _database_problem(exc: BaseException) -> str:
    if not_set_up(exc):
        return "De database is nog niet ingericht. Voer eerst 'loket db upgrade' uit."
    return (
        "De database is niet bereikbaar. Controleer LOKET_DATABASE_URL of --database, "
        "en of de databaseserver draait."
    )


def run_command(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except DomainError as exc:
        return _fail(args, exc.code, exc.message)
    except (OperationalError, ProgrammingError) as exc:
        return _fail(args, "database", _database_problem(exc))
    except Unavailable as exc:
        cause = exc.__cause__
        if isinstance(cause, OperationalError | ProgrammingError):
            return _fail(args, "database", _database_problem(cause))
        return _fail(args, "database", exc.message)
    except Exception as exc:  # codes.CodeError and the like carry a plain message too
        message = getattr(exc, "message", None)
        if not isinstance(message, str):
            raise
        return _fail(args, type(exc).__name__, message)
