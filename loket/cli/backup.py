"""``loket backup FILE`` / ``loket restore FILE`` (loket/backup.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loket import backup
from loket.cli.common import add_json, emit
from loket.db import Database
from loket.errors import Refused


def _backup(args: argparse.Namespace) -> int:
    db = Database(args.database)
    try:
        report = backup.backup(db, args.file)
    finally:
        db.dispose()
    size = f"{report.size_bytes / 1_000_000:.1f} MB"
    emit(
        args,
        {"file": str(report.path), "bytes": report.size_bytes, "kind": report.kind},
        f"Reservekopie gemaakt: {report.path} ({size}). Bewaar hem even veilig als de "
        "database zelf: er staan persoonsgegevens in.",
    )
    return 0


def _confirm(args: argparse.Namespace, where: str) -> None:
    if args.yes:
        return
    if not sys.stdin or not sys.stdin.isatty():
        raise Refused(
            "Terugzetten vervangt alles in de database. Voeg --yes toe als u dat zeker weet.",
            code="confirm",
        )
    answer = input(f"Alles in {where} wordt vervangen door {args.file}. Typ JA om door te gaan: ")
    if answer.strip() != "JA":
        raise Refused("Niets gewijzigd.", code="confirm")


def _restore(args: argparse.Namespace) -> int:
    db = Database(args.database)
    where = db.engine.url.render_as_string(hide_password=True)
    try:
        _confirm(args, where)
        revision = backup.restore(db, args.file)
    finally:
        db.dispose()
    roles = "" if db.is_sqlite else " De rollen en rechten zijn opnieuw ingesteld."
    emit(
        args,
        {"file": str(args.file), "database": where, "revision": revision},
        f"Teruggezet: {args.file} in {where} (schemaversie {revision}).{roles}",
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("backup", help="save the whole database in one file (while PCs work)")
    b.add_argument("file", type=Path, help="the new backup file (an existing one is kept)")
    add_json(b)
    b.set_defaults(func=_backup)
    r = sub.add_parser(
        "restore",
        help="replace the database with a backup, then migrate and re-apply the roles",
    )
    r.add_argument("file", type=Path, help="a file made by 'loket backup'")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_json(r)
    r.set_defaults(func=_restore)
