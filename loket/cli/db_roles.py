"""``loket db roles``: print or apply the PostgreSQL roles and grants (least privilege).

Passwords come from an environment variable, never from the command line (which other
users of the PC can see in the process list) and never from a file in the repository.
"""

from __future__ import annotations

import argparse
import os

from loket import db_roles
from loket.db import Database
from loket.errors import Refused

DEFAULT_PASSWORD_ENV = "LOKET_DB_PASSWORD"


def _roles(args: argparse.Namespace) -> int:
    login = db_roles.parse_login(args.create_login) if args.create_login else None
    if not args.apply:
        print(db_roles.script([login] if login else []))
        return 0
    logins = []
    if login:
        password = os.environ.get(args.password_env, "")
        if len(password) < 12:
            raise Refused(
                f"Zet een wachtwoord van minstens 12 tekens in de omgevingsvariabele "
                f"{args.password_env}.",
                code="password",
            )
        logins.append((*login, password))
    db = Database(args.database)
    try:
        db_roles.apply(db, logins)
    finally:
        db.dispose()
    groups = ", ".join(db_roles.EVERYONE)
    print(f"Rollen en rechten bijgewerkt: {groups}.")
    if login:
        print(
            f"Gebruiker {login[1]} kan inloggen met de rechten van {db_roles.group_of(login[0])}."
        )
    missing = db_roles.unclassified_tables()
    if missing:
        print(f"Let op: alleen manager en admin kunnen bij {', '.join(missing)}.")
    return 0


def add_roles_command(dbsub: argparse._SubParsersAction) -> None:
    roles = dbsub.add_parser(
        "roles", help="print (or --apply) the PostgreSQL roles per kind of PC and their grants"
    )
    roles.add_argument(
        "--apply",
        action="store_true",
        help="run the SQL on the database (as its owner); safe to repeat",
    )
    roles.add_argument(
        "--create-login",
        metavar="ROLE=NAME",
        help="also create a login for one PC, e.g. kiosk=loket_kiosk_hal",
    )
    roles.add_argument(
        "--password-env",
        default=DEFAULT_PASSWORD_ENV,
        metavar="VAR",
        help=f"environment variable with the login's password (default {DEFAULT_PASSWORD_ENV})",
    )
    roles.set_defaults(func=_roles)
