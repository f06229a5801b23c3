"""Least privilege on PostgreSQL: one NOLOGIN group role per kind of PC, and its grants.

A kiosk or waiting-room display stands in a public hall: anyone who gets hold of its
database password must not be able to read residents' names or contact data, staff
data, or change the configuration. So each kind of PC connects with a login that is a
member of one group role here, and the group holds only what that PC's code paths use.

Which columns are personal is decided in one place, the model: columns in the ORM
deferred group ``PERSONAL`` (``loket/models.py``). Those are withheld from the kiosk and
the display with column-level grants; because they are deferred, the ORM never selects
them unless code touches them, so the kiosk's services still work. The display reads a
consenting visitor's name through the ``display_name`` view (migration 0003).

``roles_sql()`` is plain SQL (printed by ``loket db roles``); ``apply()`` runs it in one
transaction. Both are idempotent: every run first revokes what the groups hold on the
tables, then grants again, so a rerun after an upgrade converges on this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import inspect

from loket.db import Database
from loket.errors import Refused
from loket.models import INTERNAL, PERSONAL, Base

KIOSK = "loket_kiosk"
DISPLAY = "loket_display"
COUNTER = "loket_counter"
RECEPTION = "loket_reception"
MANAGER = "loket_manager"
ADMIN = "loket_admin"
GROUPS = {
    "kiosk": KIOSK,
    "display": DISPLAY,
    "counter": COUNTER,
    "reception": RECEPTION,
    "manager": MANAGER,
    "admin": ADMIN,
}
EVERYONE = (KIOSK, DISPLAY, COUNTER, RECEPTION, MANAGER, ADMIN)
STAFF_PCS = (COUNTER, RECEPTION)
PUBLIC_PCS = (KIOSK, DISPLAY)

# Configuration every screen needs to read; only the manager and admin change it.
REFERENCE_TABLES = (
    "municipality",
    "branch",
    "opening_period",
    "day_exception",
    "service",
    "branch_service",
    "counter",
    "counter_service",
    "alembic_version",
)
# Configuration that is not for public-hall PCs: staff, their skills, the HMAC keys.
STAFF_TABLES = ("staff", "staff_skill")
# The SECURITY DEFINER functions of migration 0005 (PostgreSQL only) and who may run
# them; the helpers they call (loket_event, loket_new_ticket, ...) nobody may run.
_EVERY_PC_BUT_DISPLAY = (KIOSK, COUNTER, RECEPTION, MANAGER, ADMIN)
PUBLIC_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "loket_issue_walk_in(integer, integer, timestamp, boolean, integer, integer, text)": (
        _EVERY_PC_BUT_DISPLAY
    ),
    "loket_check_in(integer, integer, timestamp, integer, integer, text)": (_EVERY_PC_BUT_DISPLAY),
    # Migration 0013: reception lets a visitor in before the check-in window opens.
    "loket_let_in_early(integer, integer, timestamp, integer, integer, text)": (
        RECEPTION,
        MANAGER,
        ADMIN,
    ),
    "loket_give_feedback(integer, timestamp, integer, integer, integer, integer, text)": (
        KIOSK,
        MANAGER,
        ADMIN,
    ),
    "loket_raise_alert(text, integer, timestamp, text, jsonb)": EVERYONE,
    # Migration 0007: the kiosk records that a ticket was printed (paper use, reports).
    "loket_ticket_printed(integer, timestamp)": _EVERY_PC_BUT_DISPLAY,
    # Migration 0014: the language the visitor chose, for the spoken call.
    "loket_ticket_language(integer, text, timestamp)": _EVERY_PC_BUT_DISPLAY,
    # The kiosk's unlock by a team leader (the kiosk reads no staff data).
    "loket_pin_salt(text)": (KIOSK, MANAGER, ADMIN),
    "loket_login_pin(text, text, timestamp, text)": (KIOSK, MANAGER, ADMIN),
    "loket_login_card(bytea, timestamp, text)": (KIOSK, MANAGER, ADMIN),
    # Migration 0010: per staffed counter the services and speeds of whoever sits there
    # (no names, no staff ids), for the live wait prediction on every PC that issues.
    "loket_counter_speeds(integer, timestamp)": _EVERY_PC_BUT_DISPLAY,
}
# Who may work when and where, and what the forecast starts from (loket/plan_store.py).
PLANNING_TABLES = (
    "staff_contract",
    "staff_service_point",
    "staff_availability",
    "staff_absence",
    "travel_time",
    "expected_volume",
)
# The view of migration 0003 (PostgreSQL only).
DISPLAY_NAME_VIEW = "display_name"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Grant:
    privileges: str
    table: str
    columns: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def sql(self) -> str:
        cols = f" ({', '.join(self.columns)})" if self.columns else ""
        privileges = ", ".join(f"{p.strip()}{cols}" for p in self.privileges.split(","))
        return f"GRANT {privileges} ON {self.table} TO {', '.join(self.roles)};"


def personal_columns(table: str, groups: tuple[str, ...] = (PERSONAL,)) -> tuple[str, ...]:
    """Columns of a mapped table in the deferred group PERSONAL (the model decides)."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return tuple(
                p.columns[0].name
                for p in inspect(mapper.class_).column_attrs
                if p.deferred and p.group in groups
            )
    return ()


def public_columns(table: str) -> tuple[str, ...]:
    """The columns a public-hall PC may read: all but the personal and internal ones."""
    personal = set(personal_columns(table, (PERSONAL, INTERNAL)))
    return tuple(c.name for c in Base.metadata.tables[table].columns if c.name not in personal)


def table_grants() -> list[Grant]:
    """Every grant on tables, views and sequences, role by role (the policy)."""
    g: list[Grant] = [
        Grant("SELECT", t, roles=tuple(r for r in EVERYONE if r not in PUBLIC_PCS))
        if personal_columns(t, (INTERNAL,))
        else Grant("SELECT", t, roles=EVERYONE)
        for t in REFERENCE_TABLES
    ]
    g += [
        Grant("SELECT", t, public_columns(t), PUBLIC_PCS)
        for t in REFERENCE_TABLES
        if personal_columns(t, (INTERNAL,))
    ]
    g += [
        # Staff PCs log in here: the PIN hash and card fingerprint are read to verify,
        # the failure counter and lock are written. Public-hall PCs get nothing.
        Grant("SELECT", "staff", roles=STAFF_PCS),
        Grant("UPDATE", "staff", ("failed_logins", "locked_until"), STAFF_PCS),
        Grant("SELECT", "staff_skill", roles=STAFF_PCS),
        # "Next" locks the counter's row (FOR NO KEY UPDATE, loket/tickets.py), which
        # PostgreSQL allows only with UPDATE on some column. The id: foreign keys from
        # counter_service and tickets keep it from actually changing.
        Grant("UPDATE", "counter", ("id",), STAFF_PCS),
        # The reception keeps the calendar: closing a day, adding an evening session.
        Grant("INSERT, UPDATE, DELETE", "day_exception", roles=(RECEPTION,)),
        # Codes are verified (kiosk) and made (staff) with these keys; the first booking
        # creates the code key. Nobody but the manager changes or removes a key.
        Grant("SELECT", "signing_key", roles=(KIOSK, *STAFF_PCS)),
        Grant("INSERT", "signing_key", roles=STAFF_PCS),
        # The queue. Public-hall PCs read the columns they show (not a colleague's
        # note); they write nothing directly: issuing, checking in, rating and device
        # alerts go through the functions below, which write their own events. FOR
        # UPDATE on a ticket (staff operations) needs UPDATE on it.
        Grant("SELECT", "ticket", public_columns("ticket"), PUBLIC_PCS),
        Grant("SELECT, UPDATE", "ticket", roles=STAFF_PCS),
        # Numbers are drawn only inside loket_issue_walk_in / loket_check_in.
        Grant("SELECT", "number_sequence", roles=STAFF_PCS),
        # The event log holds no personal data (by design and tested); the display
        # follows it. Staff PCs record their own operations; nobody updates or deletes.
        Grant("SELECT", "event", roles=(*PUBLIC_PCS, *STAFF_PCS)),
        Grant("INSERT", "event", roles=STAFF_PCS),
        # Appointments: public-hall PCs see everything but the personal columns. The
        # display reads consenting names through the view.
        Grant("SELECT", "appointment", public_columns("appointment"), PUBLIC_PCS),
        Grant("SELECT, INSERT, UPDATE", "appointment", roles=STAFF_PCS),
        Grant("SELECT", DISPLAY_NAME_VIEW, roles=(DISPLAY, *STAFF_PCS, MANAGER, ADMIN)),
        # Feedback: the kiosk checks "already rated" but cannot read comments; it rates
        # through loket_give_feedback. Staff PCs run the daily purge, which clears them.
        Grant("SELECT", "feedback", public_columns("feedback"), (KIOSK,)),
        Grant("SELECT, UPDATE", "feedback", roles=STAFF_PCS),
        # The monthly report: the staff PC whose timer inserts the month's row sends it
        # (loket/reports/mail.py); a failed send deletes its claim so another retries.
        Grant("SELECT, INSERT, UPDATE, DELETE", "report_mailing", roles=STAFF_PCS),
        # Failed code attempts (loket/throttle.py). The kiosk keeps its own count: the
        # throttle slows a person guessing at the screen; whoever holds the kiosk's
        # password can read references anyway, so there is nothing to protect here.
        Grant("SELECT, INSERT, UPDATE, DELETE", "code_throttle", roles=(KIOSK, *STAFF_PCS)),
        # Planning (loket/plan_store.py). Staff PCs build today's plan when there is none
        # yet (a booking needs its capacity) and read who may work when; the manager
        # records absences. The kiosk predicts waits from which counters are staffed (not
        # the clerks' skills: staff data) and reads from when a service is covered (the
        # plan's public ``coverage``, never the roster in ``data``).
        *(Grant("SELECT", t, roles=STAFF_PCS) for t in PLANNING_TABLES),
        Grant("SELECT", "stored_plan", public_columns("stored_plan"), (KIOSK,)),
        Grant("SELECT, INSERT", "stored_plan", roles=STAFF_PCS),
    ]
    # Serial ids: whoever inserts draws from the table's sequence (PostgreSQL's name).
    sequences: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("event", STAFF_PCS),
        ("appointment", STAFF_PCS),
        ("day_exception", (RECEPTION,)),
        ("stored_plan", STAFF_PCS),
    )
    for table, roles in sequences:
        g.append(Grant("USAGE", f"SEQUENCE {table}_id_seq", roles=roles))
    for signature, allowed in PUBLIC_FUNCTIONS.items():
        g.append(Grant("EXECUTE", f"FUNCTION {signature}", roles=allowed))
    return g


def unclassified_tables() -> list[str]:
    """Mapped tables this policy says nothing about: only manager and admin reach them."""
    named = {g.table for g in table_grants()}
    return sorted(set(Base.metadata.tables) - named)


def _create_group(role: str) -> str:
    # Checked first: CREATE ROLE needs CREATEROLE even when the role exists, and the
    # owner that re-applies the grants (`loket db upgrade`) does not have it.
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {role} NOLOGIN; END IF; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
    )


def roles_sql() -> list[str]:
    """The statements that create the groups and (re)grant everything, in order."""
    everyone = ", ".join(EVERYONE)
    lines = [_create_group(r) for r in EVERYONE]
    lines += [
        # Only Loket's groups (and the owner) may connect, and nobody makes temp objects
        # (a temp function could otherwise be used to probe the display_name view).
        "DO $$ BEGIN "
        "EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', "
        "current_database()); "
        f"EXECUTE format('GRANT CONNECT ON DATABASE %I TO {everyone}', current_database()); "
        "END $$;",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        f"GRANT USAGE ON SCHEMA public TO {everyone};",
        # Start from nothing, so a rerun also takes back what an older version granted.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone};",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone};",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, {everyone};",
        *(g.sql() for g in table_grants()),
        # The team leader reads everything, changes the configuration and runs the
        # privacy purge; the admin may do anything but change the schema (the owner
        # runs `loket db upgrade`).
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {MANAGER};",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {MANAGER};",
        f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ADMIN};",
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ADMIN};",
        # The kiosk verifies appointment codes, so it reads the code keys; the key that
        # fingerprints staff cards is not for a PC in the public hall. Column grants
        # cannot tell rows apart: row-level security can. The owner is not subject to it.
        "ALTER TABLE signing_key ENABLE ROW LEVEL SECURITY;",
        "DROP POLICY IF EXISTS loket_kiosk_code_keys ON signing_key;",
        f"CREATE POLICY loket_kiosk_code_keys ON signing_key FOR SELECT TO {KIOSK} "
        "USING (purpose = 'code');",
        "DROP POLICY IF EXISTS loket_staff_keys ON signing_key;",
        f"CREATE POLICY loket_staff_keys ON signing_key FOR ALL TO "
        f"{', '.join((*STAFF_PCS, MANAGER, ADMIN))} USING (true) WITH CHECK (true);",
    ]
    return lines


def login_sql(group_key: str, login: str, password_verifier: str | None) -> list[str]:
    """A LOGIN user in exactly one group. The password goes in pre-hashed (SCRAM), so it
    never appears in statement logs; ``None`` prints a placeholder."""
    group = group_of(group_key)
    check_login_name(login)
    secret = password_verifier.replace("'", "''") if password_verifier else "<verborgen>"
    others = [g for g in EVERYONE if g != group]
    return [
        f"DO $$ BEGIN CREATE ROLE {login} LOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
        f"ALTER ROLE {login} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT "
        f"PASSWORD '{secret}';",
        f"GRANT {group} TO {login};",
        *(f"REVOKE {g} FROM {login};" for g in others),
    ]


def group_of(key: str) -> str:
    if key not in GROUPS:
        raise Refused(f"Onbekende rol '{key}'. Kies uit: {', '.join(GROUPS)}.", code="role")
    return GROUPS[key]


def check_login_name(login: str) -> None:
    if not _NAME.fullmatch(login) or login in EVERYONE or login.startswith("pg_"):
        raise Refused(
            f"'{login}' kan geen gebruikersnaam zijn: gebruik kleine letters, "
            "cijfers en _ (bijvoorbeeld loket_kiosk_hal).",
            code="login_name",
        )


def parse_login(text: str) -> tuple[str, str]:
    """``kiosk=loket_kiosk_hal`` -> ("kiosk", "loket_kiosk_hal")."""
    key, sep, login = text.partition("=")
    if not sep:
        raise Refused(
            "Schrijf --create-login als ROL=NAAM, bijvoorbeeld kiosk=loket_kiosk_hal.",
            code="login_name",
        )
    group_of(key.strip())
    check_login_name(login.strip())
    return key.strip(), login.strip()


def apply(db: Database, logins: Iterable[tuple[str, str, str]] = ()) -> list[str]:
    """Run ``roles_sql()`` (and create logins: (group key, login, password)) in one
    transaction. Returns the statements with passwords hidden, for the report."""
    if db.engine.dialect.name != "postgresql":
        raise Refused(
            "Databaserollen bestaan alleen op PostgreSQL. Met SQLite op één PC is "
            "er niets te doen.",
            code="not_postgresql",
        )
    logins = list(logins)
    shown = roles_sql()
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        with conn.transaction(), conn.cursor() as cur:
            for statement in shown:
                cur.execute(statement.encode())
            for key, login, password in logins:
                verifier = conn.pgconn.encrypt_password(
                    password.encode(), login.encode(), b"scram-sha-256"
                ).decode()
                for statement in login_sql(key, login, verifier):
                    cur.execute(statement.encode())
                shown += login_sql(key, login, None)
    finally:
        raw.close()
    return shown


def script(logins: Sequence[tuple[str, str]] = ()) -> str:
    """The whole script as text, passwords replaced by a placeholder."""
    lines = [
        "-- Loket: databaserollen (least privilege). Veilig om opnieuw uit te voeren.",
        "BEGIN;",
        *roles_sql(),
    ]
    for key, login in logins:
        lines += login_sql(key, login, None)
    missing = unclassified_tables()
    if missing:
        lines.append(f"-- Alleen manager en admin: {', '.join(missing)}")
    lines.append("COMMIT;")
    return "\n".join(lines)
