"""PostgreSQL: the clerk's statements on psycopg's own cursor.

Call next, start and finish are one statement each (``loket.call_next_pg``,
``loket.clerk_sql.at_once``) and return one wide row. Through SQLAlchemy each execution
also built the result's column map and a processor per column (20-30 columns): about a
millisecond of the counter PC's CPU per cycle, more than the rest of Loket's work, and
with 20 counters on two cores that CPU is what the database server waits for. Here the
statement is compiled by SQLAlchemy once (its psycopg form, with the same casts of typed
parameters) and run on the driver's cursor; the rows come back as named tuples with the
values psycopg made, which is what SQLAlchemy returned for these untyped columns too.

The engine's own listeners still see each statement (``before_cursor_execute``), a
driver error becomes SQLAlchemy's (``DBAPIError``: ``IntegrityError``, ``OperationalError``
...) as callers expect, and a connection the server dropped is thrown out of the pool.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import Connection, TextClause
from sqlalchemy.exc import DBAPIError

_COMPILED: dict[TextClause, str] = {}


def _compiled(conn: Connection, statement: TextClause) -> str:
    """The statement as psycopg takes it (``%(name)s`` parameters, typed ones cast by
    the engine's dialect), compiled once per process."""
    sql = _COMPILED.get(statement)
    if sql is None:
        sql = _COMPILED[statement] = str(statement.compile(dialect=conn.dialect))
    return sql


@contextmanager
def driver_errors(connection: Connection, statement: str) -> Iterator[None]:
    """A driver error on the driver's own cursor raised as SQLAlchemy raises it (the
    connection invalidated when it is gone), so a service answers ``Unavailable`` as for
    any other statement (``loket.db``)."""
    dbapi = connection.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        gone = connection.dialect.is_disconnect(exc, connection.connection.dbapi_connection, None)
        if gone:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            statement,
            None,
            exc,
            dbapi.Error,
            hide_parameters=True,
            connection_invalidated=gone,
            dialect=connection.dialect,
        ) from exc


def rows(conn: Connection, statement: TextClause, params: Mapping[str, Any]) -> list[Any]:
    """Every row of ``statement`` run on ``conn``'s driver connection, in whatever
    transaction ``conn`` is in."""
    sql = _compiled(conn, statement)
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    if conn.dispatch.before_cursor_execute:
        conn.dispatch.before_cursor_execute(conn, None, sql, params, None, False)
    with driver_errors(conn, sql), driver.cursor(row_factory=namedtuple_row) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


__all__ = ["driver_errors", "rows"]
