"""Speeds per staffed counter for the live wait prediction, without staff data

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

The live wait prediction (loket/queue_state.py) counts each staffed counter at the speed
of the colleague sitting there. On PostgreSQL a kiosk may not read ``staff`` or
``staff_skill`` (loket/db_roles.py), so it predicted every counter at speed 1.0.
``loket_counter_speeds`` runs with the owner's rights and returns, per counter of a
service point, the services and speeds of whoever was last present there since the
given moment (the latest presence event: status, call, start, finish, ...): counter,
service code and speed, no names, no staff ids, nothing about colleagues who are not at
a counter. Whether that colleague still serves (break, logout) the caller decides from
the event log, as on SQLite.
"""

from __future__ import annotations

from loket.migrations._definer import create_functions, drop_functions

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The kinds must match loket.queue_state._PRESENCE_KINDS (tests/loket/test_plan_live.py
# compares the kiosk's prediction on PostgreSQL with a staff PC's).
_SPEEDS = """
CREATE OR REPLACE FUNCTION loket_counter_speeds(p_branch integer, p_since timestamp)
RETURNS TABLE (counter_id integer, service_code text, speed double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT last.counter_id, s.code::text, coalesce(k.speed, 1.0)::double precision
  FROM (
    SELECT DISTINCT ON (e.counter_id) e.counter_id, e.staff_id
    FROM event e
    WHERE e.branch_id = p_branch AND e.at >= p_since AND e.counter_id IS NOT NULL
      AND e.kind IN ('staff.status', 'ticket.called', 'ticket.recalled', 'ticket.started',
                     'ticket.finished', 'ticket.no_show', 'ticket.parked',
                     'ticket.transferred')
    ORDER BY e.counter_id, e.id DESC
  ) AS last
  JOIN staff_skill k ON k.staff_id = last.staff_id
  JOIN service s ON s.id = k.service_id
$$;
"""
FUNCTIONS = (("loket_counter_speeds(integer, timestamp)", _SPEEDS),)


def upgrade() -> None:
    create_functions(FUNCTIONS)


def downgrade() -> None:
    drop_functions(FUNCTIONS)
