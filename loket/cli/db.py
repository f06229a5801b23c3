"""``loket db``: the database schema."""

from __future__ import annotations

import argparse

from loket.cli.common import services
from loket.cli.db_init import add_init_command, reapply_roles
from loket.cli.db_roles import add_roles_command


def _upgrade(args: argparse.Namespace) -> int:
    loket = services(args)
    loket.upgrade()
    print(f"Database bijgewerkt: {loket.db.engine.url.render_as_string(hide_password=True)}")
    if not args.no_roles and (note := reapply_roles(loket.db)):
        print(note)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database schema and roles")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="create or migrate the schema to the newest version")
    up.add_argument(
        "--no-roles", action="store_true", help="PostgreSQL: do not re-apply the roles and grants"
    )
    up.set_defaults(func=_upgrade)
    add_roles_command(dbsub)
    add_init_command(dbsub)
