"""``loket backup FILE`` and ``loket restore FILE``: the whole database in one file.

- SQLite (one PC): SQLite's online backup API, page by page, while the kiosk keeps
  working; the backup is itself a SQLite database. Restore copies it back the same way,
  into the live file, and migrates it if it came from an older version.
- PostgreSQL (several PCs): ``pg_dump --format=custom`` without owners and grants, run as
  the database owner (its password goes through the environment, not the command line).
  Restore runs ``pg_restore --clean --single-transaction`` and then re-applies the
  roles of ``loket/db_roles.py``: the grants, the row-level security policies and the
  database-level ``REVOKE CONNECT, TEMPORARY … FROM PUBLIC`` come from the policy in
  the code, not from whatever the dump held, so a restore into a new database is as
  locked down as the old one.

Tickets, appointments with their personal data, the event log and the signing keys are
all in the file: it is as confidential as the database (installer/README.md says where
to keep it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from loket import db_roles, migrate
from loket.db import Database, endpoints
from loket.errors import DomainError, Refused

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    kind: str  # "sqlite" | "postgresql"


def _sqlite_path(db: Database) -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise Refused("Een database in het geheugen kan niet bewaard worden.", code="backup")
    return Path(database)


def _tool(name: str) -> str:
    """pg_dump/pg_restore: PATH first (Debian's wrapper picks the newest), else the
    newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise DomainError(
        f"Het programma {name} ontbreekt op deze PC. Installeer de PostgreSQL-programma's "
        "(Debian: apt install postgresql-client; Windows: de PostgreSQL command line tools).",
        code="pg_tools",
    )


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    """The database as a libpq URI without the password, and the environment with it."""
    url = make_url(endpoints(db.url).engine)  # without Loket's own URL options
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        last = detail[-1] if detail else f"code {done.returncode}"
        raise DomainError(f"{what} is mislukt: {last}", code="backup")


def backup(db: Database, target: Path) -> BackupReport:
    if target.exists():
        raise Refused(
            f"{target} bestaat al. Kies een nieuwe bestandsnaam; een oude reservekopie wordt "
            "niet overschreven.",
            code="exists",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written next to the target and renamed at the end: no half file under its name.
    fd, tmp_name = tempfile.mkstemp(prefix=".loket-backup-", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if db.is_sqlite:
            kind = "sqlite"
            source = sqlite3.connect(_sqlite_path(db))
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        else:
            kind = "postgresql"
            uri, env = _libpq(db)
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
                 f"--file={tmp}", f"--dbname={uri}"],
                env,
                "De reservekopie",
            )  # fmt: skip
        os.chmod(tmp, 0o600)  # as confidential as the database itself
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupReport(target, target.stat().st_size, kind)


def _check_file(source: Path, db: Database) -> None:
    if not source.is_file():
        raise Refused(f"Het bestand {source} bestaat niet.", code="not_found")
    head = _head(source)
    if db.is_sqlite and not head.startswith(SQLITE_MAGIC):
        kind = "PostgreSQL" if head.startswith(PG_MAGIC) else "onbekend"
        raise Refused(
            f"{source} is geen reservekopie van een SQLite-database (soort: {kind}).",
            code="wrong_kind",
        )
    if not db.is_sqlite and not head.startswith(PG_MAGIC):
        kind = "SQLite" if head.startswith(SQLITE_MAGIC) else "onbekend"
        raise Refused(
            f"{source} is geen reservekopie van een PostgreSQL-database (soort: {kind}).",
            code="wrong_kind",
        )


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(16)


def _restore_sqlite(db: Database, source: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            raise Refused(f"{source} is geen reservekopie van Loket.", code="wrong_kind")
        db.dispose()
        dest = sqlite3.connect(_sqlite_path(db), timeout=30)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _restore_postgresql(db: Database, source: Path) -> None:
    uri, env = _libpq(db)
    restore = _tool("pg_restore")
    listing = subprocess.run(
        [restore, "--list", str(source)], env=env, capture_output=True, text=True, timeout=600
    )
    if listing.returncode != 0:
        raise Refused(f"{source} is geen leesbare reservekopie van PostgreSQL.", code="wrong_kind")
    # Policies name Loket's group roles; they come back with the roles below, so a
    # restore into a cluster where the groups do not exist yet still works.
    wanted = [line for line in listing.stdout.splitlines() if " POLICY " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as f:
        f.write("\n".join(wanted) + "\n")
        list_file = f.name
    try:
        db.dispose()
        _run(
            [restore, "--clean", "--if-exists", "--no-owner", "--no-acl",
             "--single-transaction", "--exit-on-error", f"--use-list={list_file}",
             f"--dbname={uri}", str(source)],
            env,
            "Het terugzetten",
        )  # fmt: skip
    finally:
        os.unlink(list_file)


def _forget_other_servers_transactions(db: Database) -> None:
    """A backup made on another server carries that server's transaction ids in
    ``event.xact`` (migration 0016). The kiosks' waiting lists (``loket.waiting_list_pg``)
    skip ids ahead of the server, but would read each such event once when the server's
    own ids reach it. Every restored event counts as seen (the lists read whole after a
    restore), so such ids are cleared: the column then holds this server's only."""
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE event SET xact = NULL WHERE xact >= pg_snapshot_xmin(pg_current_snapshot())"
            )
        )


def restore(db: Database, source: Path) -> str:
    """Put ``source`` back into ``db``; then migrate and (PostgreSQL) re-apply the roles.
    Returns the schema revision after the restore."""
    _check_file(source, db)
    if db.is_sqlite:
        _restore_sqlite(db, source)
    else:
        _restore_postgresql(db, source)
    migrate.upgrade(db)
    if not db.is_sqlite:
        db_roles.apply(db)
        _forget_other_servers_transactions(db)
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())
