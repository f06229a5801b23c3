"""One localisation model: texts per language instead of _nl/_en columns

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

``service.name_nl/name_en`` -> ``service.name_text``, ``bring_nl/bring_en`` ->
``bring_text``, ``municipality.info_line_nl/info_line_en`` -> ``info_line_text``,
``branch.wait_area/wait_area_en`` -> ``wait_area_text``: each a
JSON table language -> text ({"nl": ..., "en": ...}), so a language is configuration,
not a column. The texts are carried over (English only where it differs from the Dutch,
which was how a missing English text was stored). ``municipality.languages`` lists the
offered languages (existing databases: Dutch and English, as before);
``appointment.language`` is the language the letter and e-mail are written in;
``ticket.language`` the one the visitor chose at the kiosk (the spoken call), recorded on
PostgreSQL through ``loket_ticket_language`` (public-hall PCs update no tables).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from loket.migrations._definer import create_functions, drop_functions

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_LANGUAGE = """
CREATE OR REPLACE FUNCTION loket_ticket_language(p_ticket integer, p_language text, p_at timestamp)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_language IS NULL OR p_language !~ '^[a-z]{2,3}$' THEN
    RETURN false;
  END IF;
  UPDATE ticket SET language = p_language
  WHERE id = p_ticket AND day = p_at::date AND status = 'waiting';
  RETURN FOUND;
END $$;
"""
FUNCTIONS = (("loket_ticket_language(integer, text, timestamp)", _LANGUAGE),)

# (table, new column, Dutch column, English column)
_MOVES = (
    ("service", "name_text", "name_nl", "name_en"),
    ("service", "bring_text", "bring_nl", "bring_en"),
    ("municipality", "info_line_text", "info_line_nl", "info_line_en"),
    ("branch", "wait_area_text", "wait_area", "wait_area_en"),
)
_TABLES = ("service", "municipality", "branch")


def _texts(nl: str | None, en: str | None) -> str:
    texts = {}
    if nl:
        texts["nl"] = nl
    if en and en != nl:
        texts["en"] = en
    return json.dumps(texts, ensure_ascii=False)


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for t, new, _nl, _en in _MOVES:
                if t == table:
                    batch.add_column(sa.Column(new, sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column("languages", sa.JSON(), nullable=False, server_default='["nl", "en"]')
        )
    for table in ("appointment", "ticket"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("language", sa.String(length=8), nullable=False, server_default="nl")
            )
    create_functions(FUNCTIONS)
    value = "CAST(:texts AS JSON)" if bind.dialect.name == "postgresql" else ":texts"
    for table, new, nl, en in _MOVES:
        rows = bind.execute(sa.text(f"SELECT id, {nl}, {en} FROM {table}")).all()
        for row_id, nl_text, en_text in rows:
            bind.execute(
                sa.text(f"UPDATE {table} SET {new} = {value} WHERE id = :id"),
                {"texts": _texts(nl_text, en_text), "id": row_id},
            )
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for t, _new, nl, en in _MOVES:
                if t == table:
                    batch.drop_column(nl)
                    batch.drop_column(en)


def downgrade() -> None:
    bind = op.get_bind()
    drop_functions(FUNCTIONS)
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for t, _new, nl, en in _MOVES:
                if t == table:
                    batch.add_column(sa.Column(nl, sa.Text(), nullable=False, server_default=""))
                    batch.add_column(sa.Column(en, sa.Text(), nullable=False, server_default=""))
    for table, new, nl, en in _MOVES:
        rows = bind.execute(sa.text(f"SELECT id, {new} FROM {table}")).all()
        for row_id, raw in rows:
            texts = json.loads(raw) if isinstance(raw, str) else (raw or {})
            dutch = texts.get("nl", "")
            bind.execute(
                sa.text(f"UPDATE {table} SET {nl} = :nl, {en} = :en WHERE id = :id"),
                {"nl": dutch, "en": texts.get("en") or dutch, "id": row_id},
            )
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for t, new, _nl, _en in _MOVES:
                if t == table:
                    batch.drop_column(new)
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("languages")
    for table in ("appointment", "ticket"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
