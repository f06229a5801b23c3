"""municipality.phone and .website (how to cancel, in letters and e-mails);
branch.wait_area_en (where to wait, for English visitors: screen and ticket);
PostgreSQL: loket_let_in_early, reception checks in a visitor before the window opens

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from loket.migrations._definer import create_functions, drop_functions

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


# As loket_check_in (migration 0005) without the "too early" rule, for reception and
# team leaders only (db_roles.PUBLIC_FUNCTIONS); it records appointment.let_in_early.
_LET_IN_EARLY = """
CREATE OR REPLACE FUNCTION loket_let_in_early(
  p_appointment integer, p_branch integer, p_at timestamp, p_predicted integer,
  p_staff integer, p_workstation text
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_a appointment%ROWTYPE;
  v_service text;
BEGIN
  SELECT * INTO v_a FROM appointment WHERE id = p_appointment FOR UPDATE;
  IF v_a.id IS NULL OR p_at IS NULL THEN
    RAISE EXCEPTION 'loket: no such appointment' USING ERRCODE = 'LK001';
  END IF;
  IF p_branch IS NOT NULL AND v_a.branch_id <> p_branch THEN
    RAISE EXCEPTION 'loket: other branch' USING ERRCODE = 'LK001';
  END IF;
  IF v_a.status <> 'booked' THEN
    RAISE EXCEPTION 'loket: appointment is %', v_a.status USING ERRCODE = 'LK002';
  END IF;
  IF v_a.start::date <> p_at::date OR p_at >= v_a.start THEN
    RAISE EXCEPTION 'loket: not early' USING ERRCODE = 'LK001';
  END IF;
  UPDATE appointment SET status = 'checked_in', checked_in_at = p_at WHERE id = v_a.id;
  SELECT code INTO v_service FROM service WHERE id = v_a.service_id;
  PERFORM loket_event(p_at, 'appointment.checked_in', v_a.branch_id, NULL, v_a.id, p_staff,
    p_workstation,
    jsonb_build_object('reference', v_a.reference, 'service', v_service,
                       'start', to_char(v_a.start, 'YYYY-MM-DD"T"HH24:MI'),
                       'status', 'checked_in', 'late', false));
  PERFORM loket_event(p_at, 'appointment.let_in_early', v_a.branch_id, NULL, v_a.id,
    p_staff, p_workstation,
    jsonb_build_object('reference', v_a.reference, 'service', v_service,
                       'start', to_char(v_a.start, 'YYYY-MM-DD"T"HH24:MI'),
                       'status', 'checked_in'));
  RETURN loket_new_ticket(v_a.branch_id, v_a.service_id, 'appointment', p_at, v_a.start,
    v_a.needs_assistance, v_a.id, p_predicted, p_staff, p_workstation,
    jsonb_build_object('late', false, 'reference', v_a.reference));
END $$;
"""
FUNCTIONS = (
    ("loket_let_in_early(integer, integer, timestamp, integer, integer, text)", _LET_IN_EARLY),
)


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column("phone", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("website", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("branch") as batch:
        batch.add_column(
            sa.Column("wait_area_en", sa.String(length=120), nullable=False, server_default="")
        )
    create_functions(FUNCTIONS)


def downgrade() -> None:
    drop_functions(FUNCTIONS)
    with op.batch_alter_table("branch") as batch:
        batch.drop_column("wait_area_en")
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("website")
        batch.drop_column("phone")
