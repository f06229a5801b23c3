"""``loket db``: the database schema."""

from __future__ import annotations

import argparse

from loket.cli.common import services
from loket.cli.db_roles import add_roles_command


def _upgrade(args: argparse.Namespace) -> int:
    loket = services(args)
    loket.upgrade()
    print(f"Database bijgewerkt: {loket.db.engine.url.render_as_string(hide_password=True)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database schema and roles")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="create or migrate the schema to the newest version")
    up.set_defaults(func=_upgrade)
    add_roles_command(dbsub)
