"""Every role checks at start that the database has the schema this program expects.

A program older than the database (a PC not yet updated) or newer (``loket db upgrade``
not yet run) would fail later with an obscure error in the middle of a visitor's
check-in; this says at once which of the two it is and what to do.
"""

from __future__ import annotations

import functools

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from loket.db import Database
from loket.errors import SchemaMismatch
from loket.migrate import alembic_config


@functools.cache
def expected() -> tuple[str, frozenset[str]]:
    """The newest revision this program knows, and all it knows."""
    script = ScriptDirectory.from_config(alembic_config(Database("sqlite://")))
    known = frozenset(r.revision for r in script.walk_revisions())
    return str(script.get_current_head()), known


def check(db: Database) -> None:
    head, known = expected()
    try:
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError as exc:
        text_ = str(exc.orig).lower()
        if "no such table" in text_ or "does not exist" in text_ and "alembic_version" in text_:
            raise SchemaMismatch(
                "De database is nog niet ingericht. Laat de beheerder eerst "
                "'loket db upgrade' uitvoeren.",
                code="schema_missing",
            ) from None
        raise
    if not found:
        raise SchemaMismatch(
            "De database is nog niet ingericht. Laat de beheerder eerst "
            "'loket db upgrade' uitvoeren.",
            code="schema_missing",
        )
    version = found[0]
    if version not in known:
        raise SchemaMismatch(
            f"De database is bijgewerkt door een nieuwere versie van Loket (schema {version}, "
            f"dit programma kent tot {head}). Installeer op deze PC de nieuwe versie.",
            code="schema_newer",
        )
    if version != head:
        raise SchemaMismatch(
            f"De database is ouder dan dit programma (schema {version}, nodig {head}). Laat "
            "de beheerder 'loket db upgrade' uitvoeren.",
            code="schema_older",
        )
