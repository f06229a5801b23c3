"""The steps around a migration's SECURITY DEFINER functions (PostgreSQL only).

Each migration keeps the SQL of its functions as written, with its signature: that text
is part of the released migration. What is the same for every such function lives
here: create it, then take EXECUTE from PUBLIC (PostgreSQL grants it to everyone by
default; ``loket db roles`` grants it to the groups in ``db_roles.PUBLIC_FUNCTIONS``),
and drop it again on downgrade, newest first. On SQLite (one PC, no roles) the
functions do not exist and these do nothing.

Alembic loads the migrations as files (also in the PyInstaller bundle, where this
folder is data), and they import this module as ``loket.migrations._definer``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# (signature, CREATE OR REPLACE FUNCTION ... statement)
Function = tuple[str, str]


def _on_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def create_functions(functions: Sequence[Function]) -> None:
    """Creates each function and revokes every right on it from PUBLIC."""
    if not _on_postgresql():
        return
    for signature, body in functions:
        op.execute(body)
        # Nobody may run it until ``loket db roles`` grants it (PUBLIC may by default).
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")


def drop_functions(functions: Sequence[Function]) -> None:
    """Drops the functions, the last created first."""
    if not _on_postgresql():
        return
    for signature, _body in reversed(functions):
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
