"""staff availability, absences, travel time, expected volumes and stored plans

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Planning runs from the database alone: who works when and where (contract hours,
weekday availability, service points, absences), the travel time between service
points, the expected walk-ins before there is history, and one stored, versioned plan
per day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _staff_fk() -> sa.ForeignKey:
    return sa.ForeignKey("staff.id", ondelete="CASCADE")


def _branch_fk() -> sa.ForeignKey:
    return sa.ForeignKey("branch.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "staff_contract",
        sa.Column("staff_id", sa.Integer(), _staff_fk(), primary_key=True),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
    )
    op.create_table(
        "staff_service_point",
        sa.Column("staff_id", sa.Integer(), _staff_fk(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), _branch_fk(), primary_key=True),
    )
    op.create_table(
        "staff_availability",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), _staff_fk(), nullable=False, index=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
    )
    op.create_table(
        "staff_absence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), _staff_fk(), nullable=False, index=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "travel_time",
        sa.Column("from_branch_id", sa.Integer(), _branch_fk(), primary_key=True),
        sa.Column("to_branch_id", sa.Integer(), _branch_fk(), primary_key=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
    )
    op.create_table(
        "expected_volume",
        sa.Column("branch_id", sa.Integer(), _branch_fk(), primary_key=True),
        sa.Column(
            "service_id",
            sa.Integer(),
            sa.ForeignKey("service.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("weekday", sa.Integer(), primary_key=True),
        sa.Column("walk_ins", sa.Float(), nullable=False),
        sa.Column("appointments", sa.Float(), nullable=False),
    )
    op.create_table(
        "stored_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("forecast_source", sa.String(length=20), nullable=False),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.UniqueConstraint("day", "version"),
    )


def downgrade() -> None:
    for table in (
        "stored_plan",
        "expected_volume",
        "travel_time",
        "staff_absence",
        "staff_availability",
        "staff_service_point",
        "staff_contract",
    ):
        op.drop_table(table)
