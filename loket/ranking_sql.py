"""The scheduler's pick among a counter's heads, in SQL, for both databases.

``loket.clerk_sql`` reads the heads of a counter's queues (``heads``: the ticket's
columns and the clerk's ``speed`` at its service). The statements here rank them by the
key ``scheduler.dispatch.choose_next`` (policy "loket") or ``longest_wait`` computes, in
the same double-precision arithmetic: the wait in seconds is exact (whole microseconds,
divided once), and ``wait / target * speed (+ head_start / target * speed)`` is
evaluated in the same order, so equal inputs give bit-equal urgencies and the same ties.
The clerk's reason is rendered from the scheduler's own templates
(``scheduler.dispatch.REASONS``). ``tests/loket/test_clerk_sql.py`` compares pick and
reason with the scheduler's on random queues, on both databases.

Why in SQL on SQLite too: SQLite lets one writer in at a time, and ranking the heads in
Python inside the write transaction (objects per head, the policy's loop) kept every
other counter waiting for it; the database ranks four heads in microseconds.

Walk-ins never carry the scheduler's ``priority`` flag in Loket, so it has no SQL here.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loket import waiting_list
from loket.dispatch_policies import LONGEST_WAIT_REASON
from scheduler import dispatch as policy

_SECONDS_1970_TO_2000 = 946_684_800

# The rules the live dispatch calls by (``scheduler.dispatch.DispatchPolicy``'s defaults;
# the norm and the limit come from the municipality, read by the statement).
RULES = policy.DispatchPolicy()


def rule_params(now: datetime) -> dict[str, Any]:
    """The ranking's parameters besides the counter's: now, the end of the early-call
    window, the appointments' head start, and (SQLite) now in microseconds."""
    return {
        "now": now,
        "now_us": waiting_list.microseconds(now),
        "early": now + RULES.early_call,
        "head_start_s": RULES.appointment_head_start.total_seconds(),
    }


@dataclass(frozen=True)
class Dialect:
    """What differs between the two databases' SQL."""

    postgres: bool

    @property
    def real(self) -> str:
        return "DOUBLE PRECISION" if self.postgres else "REAL"

    @property
    def greatest(self) -> str:
        return "GREATEST" if self.postgres else "MAX"

    @property
    def binary(self) -> str:
        """Text compared by code point, as Python compares ``str``."""
        return ' COLLATE "C"' if self.postgres else ""

    def seconds(self, later: str, earlier: str) -> str:
        """``later - earlier`` in seconds as a double, from whole microseconds (as
        ``timedelta.total_seconds``). ``:now_us`` is now in microseconds since 2000 on
        SQLite, where moments are text (``waiting_list.microseconds``)."""
        if self.postgres:
            return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"
        return f"CAST({self.micros(later)} - {self.micros(earlier)} AS REAL) / 1000000.0"

    def micros(self, moment: str) -> str:
        """SQLite: a stored moment ("YYYY-MM-DD HH:MM:SS.ffffff", naive) in whole
        microseconds since 2000, as ``waiting_list.microseconds`` counts. The seconds are
        read without their fraction: SQLite's date functions round a fraction to
        milliseconds."""
        if moment == ":now":
            return ":now_us"
        return (
            f"((CAST(strftime('%s', substr({moment}, 1, 19)) AS INTEGER) - {_SECONDS_1970_TO_2000})"
            " * 1000000"
            f" + CAST(substr(substr({moment}, 21) || '000000', 1, 6) AS INTEGER))"
        )

    def hour_minute(self, moment: str) -> str:
        return f"to_char({moment}, 'HH24:MI')" if self.postgres else f"substr({moment}, 12, 5)"

    def whole_minutes(self, seconds: str) -> str:
        """Whole minutes of a wait, never below zero (truncation is the floor there)."""
        if self.postgres:
            return f"CAST(GREATEST(0, FLOOR({seconds} / 60)) AS INTEGER)"
        return f"MAX(0, CAST({seconds} / 60 AS INTEGER))"

    def any_true(self, condition: str) -> str:
        return f"BOOL_OR({condition})" if self.postgres else f"MAX({condition})"


def municipality_columns(dialect: Dialect) -> str:
    """The norms as ``choose_next`` derives them (a zero norm counts as one second),
    from ``municipality``: the columns of the ``m`` the ranking reads."""
    real = dialect.real
    return f"""dispatch_policy AS policy, wait_norm_minutes,
    CAST(wait_norm_minutes AS {real}) * 60 AS norm_s,
    COALESCE(NULLIF(CAST(wait_norm_minutes AS {real}) * 60, 0), 1) AS target_s,
    CAST(wait_norm_minutes AS {real}) * 120 AS limit_s"""


def _template_sql(template: str, dialect: Dialect) -> str:
    """A reason template as SQL over the chosen row ``c``: the same words, the
    placeholders from the row (``{number}``, ``{mins}``, ``{time}``)."""
    fields = {
        "number": "c.number",
        "mins": dialect.whole_minutes("c.wait_s"),
        "time": dialect.hour_minute("c.appointment_at"),
    }
    parts: list[str] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            parts.append("'" + literal.replace("'", "''") + "'")
        if field is not None:
            parts.append(f"CAST({fields[field]} AS TEXT)")
    return " || ".join(parts)


def reason_sql(dialect: Dialect) -> str:
    """The clerk's line on why ``chosen c`` was picked (with ``m``); SQL text."""

    def said(template: str) -> str:
        return _template_sql(template, dialect)

    return f"""CASE
    WHEN m.policy = 'longest_wait' THEN {said(LONGEST_WAIT_REASON)}
    WHEN c.early THEN {said(policy.REASONS["early"])}
    WHEN c.band = 3 THEN {said(policy.REASONS["limit"])}
    WHEN c.appt AND c.wait_s > m.norm_s THEN {said(policy.REASONS["appointment_late"])}
    WHEN c.appt THEN {said(policy.REASONS["appointment"])}
    WHEN c.wait_s > m.norm_s THEN {said(policy.REASONS["walk_in_late"])}
    ELSE {said(policy.REASONS["walk_in"])}
  END || CASE WHEN c.band = 2 AND c.missed THEN '{policy.YIELDED}' ELSE '' END"""


def ranking_ctes(dialect: Dialect) -> str:
    """The CTEs ``timed``, ``banded``, ``ranked`` and ``chosen`` over ``heads`` and
    ``m``: ``chosen`` is the pick (at most one row), with how many heads there were
    (``heads``: no row when nothing could be ranked); ``reason_sql`` says why.
    Parameters: ``:now`` (and ``:now_us`` on SQLite) and ``:head_start_s``."""
    appt = "h.kind = 'appointment' AND h.appointment_at IS NOT NULL"
    if dialect.postgres:
        since = "GREATEST(h.issued_at, h.appointment_at)"
        wait = dialect.seconds(":now", f"(CASE WHEN {appt} THEN {since} ELSE h.wait_from END)")
    else:
        # Compared as microseconds: stored text need not share one format.
        since_us = (
            f"CASE WHEN {appt} THEN MAX({dialect.micros('h.issued_at')},"
            f" {dialect.micros('h.appointment_at')}) ELSE {dialect.micros('h.wait_from')} END"
        )
        wait = f"CAST(:now_us - ({since_us}) AS REAL) / 1000000.0"
    ahead = dialect.seconds("b.appointment_at", ":now")
    return f"""timed AS (
  SELECT h.*, h.prefix || ' ' || h.sequence AS number, {appt} AS appt,
    COALESCE(h.kind = 'appointment' AND h.appointment_at > :now, FALSE) AS early,
    {wait} AS wait_s,
    COUNT(*) OVER () AS heads
  FROM heads h),
banded AS (
  SELECT w.*, CASE
      WHEN m.policy = 'longest_wait' OR w.early THEN 0
      WHEN w.wait_s >= m.limit_s THEN 3
      WHEN w.wait_s >= m.target_s THEN 1
      ELSE 2 END AS band
  FROM timed w CROSS JOIN m
  WHERE NOT (m.policy = 'longest_wait' AND w.early)),
ranked AS (
  SELECT b.*, CASE
      WHEN m.policy = 'longest_wait' THEN b.wait_s
      WHEN b.early THEN -{ahead}
      WHEN b.band = 3 THEN b.wait_s
      WHEN b.appt THEN b.wait_s / m.target_s * b.speed + :head_start_s / m.target_s * b.speed
      ELSE b.wait_s / m.target_s * b.speed END AS urgency,
    -- Someone waits past the norm: the pick passes over them (``choose_next``'s missed).
    {dialect.any_true("b.band = 1")} OVER () AS missed
  FROM banded b CROSS JOIN m),
chosen AS (
  SELECT r.* FROM ranked r
  ORDER BY r.band DESC, r.urgency DESC, r.wait_s DESC, r.number{dialect.binary},
    CAST(r.id AS TEXT){dialect.binary}
  LIMIT 1)"""


POSTGRES = Dialect(postgres=True)
SQLITE = Dialect(postgres=False)

__all__ = [
    "POSTGRES",
    "RULES",
    "SQLITE",
    "Dialect",
    "municipality_columns",
    "ranking_ctes",
    "reason_sql",
    "rule_params",
]
