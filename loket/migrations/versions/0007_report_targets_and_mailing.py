"""Targets per municipality, service point and service; the monthly report's mail claim

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The share to call within the norm and the satisfaction target were constants; they
become settings of the municipality, with optional overrides of the norm, the share
and the satisfaction target per service point (branch) and per service. The monthly
report goes to a configured list of addresses (staff addresses: an "internal" column,
not readable from the public hall). ``report_mailing`` holds one row per month sent:
the first staff PC whose timer inserts the row sends the mail, the others find it
claimed (the primary key decides, also when two PCs try at the same moment).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from loket.migrations._definer import create_functions, drop_functions

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The kiosk records that a ticket came out of the printer (PostgreSQL: public-hall PCs
# update no tables themselves, see migration 0005). Only a waiting ticket of that day.
_PRINTED = """
CREATE OR REPLACE FUNCTION loket_ticket_printed(p_ticket integer, p_at timestamp)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE ticket SET printed = true
  WHERE id = p_ticket AND day = p_at::date AND NOT printed;
  RETURN FOUND;
END $$;
"""
FUNCTIONS = (("loket_ticket_printed(integer, timestamp)", _PRINTED),)

_OVERRIDES = (
    ("wait_norm_minutes", sa.Integer()),
    ("target_share", sa.Float()),
    ("satisfaction_target", sa.Float()),
)


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column("target_share", sa.Float(), nullable=False, server_default="0.95")
        )
        batch.add_column(
            sa.Column("satisfaction_target", sa.Float(), nullable=False, server_default="7.5")
        )
        batch.add_column(sa.Column("report_mail", sa.JSON(), nullable=True))
    for table in ("branch", "service"):
        with op.batch_alter_table(table) as batch:
            for name, kind in _OVERRIDES:
                batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "report_mailing",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("workstation", sa.String(length=60), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_report_mailing")),
    )
    create_functions(FUNCTIONS)


def downgrade() -> None:
    drop_functions(FUNCTIONS)
    op.drop_table("report_mailing")
    for table in ("service", "branch"):
        with op.batch_alter_table(table) as batch:
            for name, _kind in reversed(_OVERRIDES):
                batch.drop_column(name)
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("report_mail")
        batch.drop_column("satisfaction_target")
        batch.drop_column("target_share")
