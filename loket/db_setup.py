"""``loket db init``: a municipality's PostgreSQL database from nothing, in one go.

With an administrator login of the server (the superuser ``postgres``, or a login with
CREATEROLE and CREATEDB) it creates, each only when missing, so a second run changes
nothing:

1. the NOLOGIN group roles of ``loket/db_roles.py``;
2. the owner login (it owns the tables and runs ``loket db upgrade``);
3. the database, owned by the owner;
4. one login per PC, each in exactly one group;
5. the schema (migrations) and the grants, run *as the owner* (``SET ROLE``), so the
   tables belong to it and not to the administrator.

New passwords are random (24 characters) and are written, with the complete database URL
of that login, to ``DIR/<login>.env`` (mode 600): the file is copied to that PC as
``/etc/loket/loket.env`` (Windows: the machine-wide variable). They are never printed or
put on a command line. An existing login keeps its password unless
``reset_passwords``.

A login that lacks a privilege gets a message naming it, not a traceback.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from loket import db_roles, migrate
from loket.db import Database
from loket.errors import DomainError, Refused

PASSWORD_LENGTH = 24


@dataclass(frozen=True)
class InitReport:
    database: str
    owner: str
    created: tuple[str, ...]
    existing: tuple[str, ...]
    env_files: tuple[Path, ...]
    revision: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def _password() -> str:
    return secrets.token_urlsafe(PASSWORD_LENGTH)[:PASSWORD_LENGTH]


def _admin_connect(admin_url: str, dbname: str | None = None) -> psycopg.Connection[tuple]:  # type: ignore[type-arg]
    url = make_url(admin_url)
    if dbname is not None:
        url = url.set(database=dbname)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=15)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DomainError(
            "Kan niet verbinden met de databaseserver als beheerder "
            f"({url.render_as_string(hide_password=True)}): {first}",
            code="connect",
        ) from exc


def _exists(conn: psycopg.Connection[tuple], query: str, name: str) -> bool:  # type: ignore[type-arg]
    return conn.execute(query.encode(), (name,)).fetchone() is not None


def _role_exists(conn: psycopg.Connection[tuple], name: str) -> bool:  # type: ignore[type-arg]
    return _exists(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", name)


def check_privileges(conn: psycopg.Connection[tuple], need_createdb: bool) -> None:  # type: ignore[type-arg]
    row = conn.execute(
        "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
        "WHERE rolname = current_user"
    ).fetchone()
    assert row is not None
    user, superuser, createrole, createdb = row
    if superuser:
        return
    missing = []
    if not createrole:
        missing.append("CREATEROLE (rollen en logins maken)")
    if need_createdb and not createdb:
        missing.append("CREATEDB (een database maken)")
    if missing:
        raise Refused(
            f"De login {user} mist het recht {' en '.join(missing)}. Gebruik de superuser "
            f"(postgres), of geef het eerst: ALTER ROLE {user} "
            + " ".join(m.split()[0] for m in missing)
            + ";",
            code="privilege",
        )


def _set_password(conn: psycopg.Connection[tuple], login: str, password: str) -> None:  # type: ignore[type-arg]
    verifier = conn.pgconn.encrypt_password(
        password.encode(), login.encode(), b"scram-sha-256"
    ).decode()
    conn.execute(
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(login), sql.Literal(verifier))
    )


def pc_url(
    admin_url: str,
    login: str,
    password: str,
    database: str,
    host: str | None = None,
    tls_ca: str | None = None,
) -> str:
    """The URL a PC puts in LOKET_DATABASE_URL: its own login, the server's public name,
    and with a CA file ``sslmode=verify-full`` (the server's certificate must name it)."""
    base = make_url(admin_url)
    query: dict[str, str] = {}
    if tls_ca:
        query = {"sslmode": "verify-full", "sslrootcert": tls_ca}
    url = URL.create(
        "postgresql+psycopg",
        username=login,
        password=password,
        host=host or base.host,
        port=base.port,
        database=database,
        query=query,
    )
    return url.render_as_string(hide_password=False)


def _write_env(env_dir: Path, login: str, url: str) -> Path:
    env_dir.mkdir(parents=True, exist_ok=True)
    path = env_dir / f"{login}.env"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(
            f"# Loket: database login {login}. Copy to that PC as /etc/loket/loket.env\n"
            "# (Linux) or set it as a machine-wide variable (Windows); then delete this file.\n"
            f"LOKET_DATABASE_URL={url}\n"
        )
    os.chmod(path, 0o600)
    return path


def init(
    admin_url: str,
    *,
    database: str = "loket",
    owner: str = "loket_owner",
    logins: Sequence[tuple[str, str]] = (),
    env_dir: Path | None = None,
    host: str | None = None,
    tls_ca: str | None = None,
    reset_passwords: bool = False,
) -> InitReport:
    db_roles.check_login_name(owner)
    for key, login in logins:
        db_roles.group_of(key)
        db_roles.check_login_name(login)
    if env_dir is None and (logins or reset_passwords):
        raise Refused(
            "Geef --env-dir MAP op: daar komen de wachtwoorden van nieuwe logins, één "
            "bestand per PC.",
            code="env_dir",
        )
    created: list[str] = []
    existing: list[str] = []
    env_files: list[Path] = []
    passwords: dict[str, str] = {}

    with _admin_connect(admin_url) as conn:
        db_exists = _exists(conn, "SELECT 1 FROM pg_database WHERE datname = %s", database)
        check_privileges(conn, need_createdb=not db_exists)
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        superuser = bool(row and row[0])

        for group in db_roles.EVERYONE:
            if _role_exists(conn, group):
                existing.append(group)
            else:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
                created.append(group)

        for login in (owner, *(lg for _k, lg in logins)):
            if _role_exists(conn, login):
                existing.append(login)
                if not reset_passwords:
                    continue
            else:
                conn.execute(
                    sql.SQL(
                        "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT"
                    ).format(sql.Identifier(login))
                )
                created.append(login)
            passwords[login] = _password()
            _set_password(conn, login, passwords[login])

        for key, login in logins:
            group = db_roles.group_of(key)
            conn.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login))
            )
            for other in db_roles.EVERYONE:
                if other != group:
                    conn.execute(
                        sql.SQL("REVOKE {} FROM {}").format(
                            sql.Identifier(other), sql.Identifier(login)
                        )
                    )

        if not superuser:
            # CREATE DATABASE … OWNER and SET ROLE need membership of the owner role.
            conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(owner)))
        if db_exists:
            current_owner = conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            assert current_owner is not None
            if current_owner[0] != owner:
                raise Refused(
                    f"De database {database} bestaat al en is van {current_owner[0]}, niet van "
                    f"{owner}. Kies een andere naam met --name, of --owner {current_owner[0]}.",
                    code="owner",
                )
            existing.append(f"database {database}")
        else:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(database), sql.Identifier(owner)
                )
            )
            created.append(f"database {database}")

    # The schema and the grants, as the owner: the administrator's login with
    # "SET ROLE owner" as a connection option, so no owner password is needed.
    url = make_url(admin_url).set(
        database=database, query={**make_url(admin_url).query, "options": f"-c role={owner}"}
    )
    db = Database(url.render_as_string(hide_password=False))
    try:
        migrate.upgrade(db)
        db_roles.apply(db)
        with db.engine.connect() as c:
            revision = str(c.execute(text("SELECT version_num FROM alembic_version")).scalar())
    finally:
        db.dispose()

    if env_dir is not None:
        for login, password in passwords.items():
            url_text = pc_url(admin_url, login, password, database, host, tls_ca)
            env_files.append(_write_env(env_dir, login, url_text))
    return InitReport(
        database=database,
        owner=owner,
        created=tuple(created),
        existing=tuple(existing),
        env_files=tuple(env_files),
        revision=revision,
    )
