"""``loket db init`` (loket/db_setup.py) and the roles step of ``loket db upgrade``."""

from __future__ import annotations

import argparse
from pathlib import Path

import psycopg

from loket import db_roles, db_setup
from loket.db import Database
from loket.errors import DomainError


def _init(args: argparse.Namespace) -> int:
    logins = [db_roles.parse_login(text) for text in args.login or []]
    report = db_setup.init(
        args.admin_url,
        database=args.name,
        owner=args.owner,
        logins=logins,
        env_dir=args.env_dir,
        host=args.host,
        tls_ca=args.tls_ca,
        reset_passwords=args.reset_passwords,
    )
    print(f"Database {report.database} (eigenaar {report.owner}), schemaversie {report.revision}.")
    if report.created:
        print("Nieuw: " + ", ".join(report.created) + ".")
    if report.existing:
        print("Bestond al (niet gewijzigd): " + ", ".join(report.existing) + ".")
    for path in report.env_files:
        print(f"Wachtwoord en adres voor deze login: {path} (alleen voor u leesbaar).")
    print("Rollen en rechten ingesteld. Volgende stap: loket config apply (installer/README.md).")
    return 0


def reapply_roles(db: Database) -> str:
    """After a migration: the grants again, for tables the new version added. Only where
    Loket's roles were set up (a PostgreSQL database with the groups)."""
    if db.is_sqlite:
        return ""
    with db.engine.connect() as conn:
        from sqlalchemy import text

        has_groups = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": db_roles.KIOSK}
        ).first()
    if not has_groups:
        return "Databaserollen zijn nog niet ingesteld: 'loket db roles --apply' (README)."
    try:
        db_roles.apply(db)
    except psycopg.errors.InsufficientPrivilege as exc:
        user = db.engine.url.username or "deze login"
        raise DomainError(
            f"Het schema is bijgewerkt, maar de rechten niet: {user} is niet de eigenaar van "
            f"de database ({str(exc).splitlines()[0]}). Voer 'loket db upgrade' uit met de "
            "login van de eigenaar.",
            code="privilege",
        ) from exc
    return "Rollen en rechten opnieuw ingesteld."


def add_init_command(dbsub: argparse._SubParsersAction) -> None:
    p = dbsub.add_parser(
        "init",
        help="PostgreSQL: create owner, database, roles and PC logins in one go (safe to repeat)",
    )
    p.add_argument(
        "--admin-url", required=True, metavar="URL",
        help="a server administrator (superuser, or CREATEROLE + CREATEDB), e.g. "
        "postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql",
    )  # fmt: skip
    p.add_argument("--name", default="loket", help="database name (default loket)")
    p.add_argument("--owner", default="loket_owner", help="owner login (default loket_owner)")
    p.add_argument(
        "--login", action="append", metavar="ROLE=NAME",
        help="a login for one PC, e.g. kiosk=loket_kiosk_hal (repeat per PC)",
    )  # fmt: skip
    p.add_argument(
        "--env-dir", type=Path, metavar="DIR",
        help="folder for one file per new login with its database URL and password",
    )  # fmt: skip
    p.add_argument(
        "--host", help="the server's name as the PCs reach it (default: from --admin-url)"
    )
    p.add_argument(
        "--tls-ca", metavar="PATH",
        help="CA certificate path on the PCs: their URLs get sslmode=verify-full",
    )  # fmt: skip
    p.add_argument(
        "--reset-passwords", action="store_true",
        help="new passwords for logins that already exist",
    )  # fmt: skip
    p.set_defaults(func=_init)
