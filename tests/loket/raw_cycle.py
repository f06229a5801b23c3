"""The raw-SQL reference cycle for benchmarks/live.py: what the database allows.

A clerk's cycle (call next, start, finish) with nothing but the driver: on PostgreSQL
each step is one autocommit statement (``UPDATE … WHERE id = (SELECT … FOR NO KEY
UPDATE SKIP LOCKED LIMIT 1)`` with the event insert and ``pg_notify`` in a CTE); on
SQLite each step is one ``BEGIN IMMEDIATE`` transaction. It calls the longest-waiting
ticket among the counter's services (no policy, no checks): the floor Loket's own cycle
is measured against.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

_PG_CALL = """
WITH c AS (
  UPDATE ticket SET status = 'called', counter_id = %(counter)s, call_count = call_count + 1,
    last_called_at = %(now)s, first_called_at = COALESCE(first_called_at, %(now)s)
  WHERE id = (SELECT id FROM ticket
              WHERE branch_id = %(branch)s AND day = %(day)s AND status = 'waiting'{within}
              ORDER BY wait_from, id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED)
  RETURNING id, prefix, sequence, branch_id),
e AS (
  INSERT INTO event (at, kind, branch_id, ticket_id, counter_id, workstation, data)
  SELECT %(now)s, 'ticket.called', branch_id, id, %(counter)s, 'raw',
         json_build_object('number', prefix || ' ' || sequence)
  FROM c RETURNING id)
SELECT c.id, c.prefix || ' ' || c.sequence, pg_notify('loket_events', e.id::text) FROM c, e
"""

_PG_STEP = """
WITH c AS (
  UPDATE ticket SET status = %(after)s, {column} = %(now)s
  WHERE id = %(id)s AND status = %(before)s RETURNING id, branch_id, counter_id),
e AS (
  INSERT INTO event (at, kind, branch_id, ticket_id, counter_id, workstation, data)
  SELECT %(now)s, %(kind)s, branch_id, id, counter_id, 'raw', '{{}}'::json FROM c RETURNING id)
SELECT pg_notify('loket_events', e.id::text) FROM e
"""
_PG_START = _PG_STEP.format(column="started_at")
_PG_FINISH = _PG_STEP.format(column="finished_at")


class RawCycle:
    """One counter's connection and its three statements."""

    def __init__(self, url: str, branch: str, counter: int) -> None:
        parsed = make_url(url)
        self.postgres = parsed.get_backend_name() == "postgresql"
        if self.postgres:
            conninfo = make_conninfo(
                host=parsed.host or "",
                port=parsed.port or 5432,
                dbname=parsed.database or "",
                user=parsed.username or "",
                password=parsed.password or "",
                **{k: str(v) for k, v in parsed.query.items()},
            )
            self.pg = psycopg.connect(conninfo, autocommit=True)
            cur: Any = self.pg
        else:
            self.lite = sqlite3.connect(parsed.database or "", timeout=30, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000"):
                self.lite.execute(f"PRAGMA {pragma}")
            cur = self.lite
        mark = "%s" if self.postgres else "?"
        self.branch_id = cur.execute(
            f"SELECT id FROM branch WHERE code = {mark}", (branch,)
        ).fetchone()[0]
        self.counter_id = cur.execute(
            f"SELECT id FROM counter WHERE branch_id = {mark} AND number = {mark}",
            (self.branch_id, counter),
        ).fetchone()[0]
        # A counter that serves only some of the branch's services calls among those,
        # as Loket's does (counters of different kinds); one that serves them all needs
        # no condition.
        own = {
            int(row[0])
            for row in cur.execute(
                f"SELECT service_id FROM counter_service WHERE counter_id = {mark}",
                (self.counter_id,),
            ).fetchall()
        }
        offered = {
            int(row[0])
            for row in cur.execute(
                "SELECT bs.service_id FROM branch_service bs"
                f" JOIN service s ON s.id = bs.service_id WHERE bs.branch_id = {mark}"
                " AND s.active",
                (self.branch_id,),
            ).fetchall()
        }
        within = ""
        if not offered <= own:
            within = f" AND service_id IN ({', '.join(map(str, sorted(own))) or 'NULL'})"
        self.pg_call = _PG_CALL.format(within=within)
        self.lite_call = (
            "SELECT id, prefix || ' ' || sequence FROM ticket WHERE branch_id = ? AND day = ?"
            f" AND status = 'waiting'{within} ORDER BY wait_from, id LIMIT 1"
        )

    def call(self, now: datetime) -> tuple[int, str] | None:
        if self.postgres:
            row = self.pg.execute(
                self.pg_call,
                {
                    "counter": self.counter_id,
                    "now": now,
                    "branch": self.branch_id,
                    "day": now.date(),
                },
            ).fetchone()
            return (int(row[0]), str(row[1])) if row else None
        stamp = now.isoformat(" ", timespec="microseconds")
        db = self.lite
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                self.lite_call,
                (self.branch_id, now.date().isoformat()),
            ).fetchone()
            if row is None:
                db.execute("COMMIT")
                return None
            db.execute(
                "UPDATE ticket SET status = 'called', counter_id = ?, call_count = call_count + 1,"
                " last_called_at = ?, first_called_at = COALESCE(first_called_at, ?) WHERE id = ?",
                (self.counter_id, stamp, stamp, row[0]),
            )
            db.execute(
                "INSERT INTO event (at, kind, branch_id, ticket_id, counter_id, workstation, data)"
                " VALUES (?, 'ticket.called', ?, ?, ?, 'raw', json_object('number', ?))",
                (stamp, self.branch_id, row[0], self.counter_id, row[1]),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return int(row[0]), str(row[1])

    def _step(self, ticket: int, now: datetime, before: str, after: str, kind: str) -> None:
        column = "started_at" if after == "serving" else "finished_at"
        if self.postgres:
            self.pg.execute(
                _PG_START if after == "serving" else _PG_FINISH,
                {"after": after, "before": before, "now": now, "id": ticket, "kind": kind},
            )
            return
        stamp = now.isoformat(" ", timespec="microseconds")
        db = self.lite
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                f"UPDATE ticket SET status = ?, {column} = ? WHERE id = ? AND status = ?",
                (after, stamp, ticket, before),
            )
            db.execute(
                "INSERT INTO event (at, kind, branch_id, ticket_id, counter_id, workstation, data)"
                " VALUES (?, ?, ?, ?, ?, 'raw', '{}')",
                (stamp, kind, self.branch_id, ticket, self.counter_id),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def start(self, ticket: int, now: datetime) -> None:
        self._step(ticket, now, "called", "serving", "ticket.started")

    def finish(self, ticket: int, now: datetime) -> None:
        self._step(ticket, now, "serving", "done", "ticket.finished")

    def close(self) -> None:
        if self.postgres:
            self.pg.close()
        else:
            self.lite.close()
