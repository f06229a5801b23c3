"""day_exception.source and municipality.smtp

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Closures and extra sessions entered at reception (source "desk") must survive the
next ``loket config apply``, which manages only the ones from the file ("config").
The municipality's SMTP settings (never the password) move into the database so every
reception PC can send confirmations without a copy of the configuration file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("day_exception") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=10), nullable=False, server_default="config")
        )
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(sa.Column("smtp", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("smtp")
    with op.batch_alter_table("day_exception") as batch:
        batch.drop_column("source")
