"""PostgreSQL with TLS as installer/README.md describes it: the server's certificate from
the municipality's CA, `hostssl … scram-sha-256` and `hostnossl … reject` in pg_hba.conf,
and every PC connecting with `sslmode=verify-full`. A server of its own (TLS on)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from loket.cli import main
from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.services import Loket
from tests.conftest import DEMO_CONFIG, TUESDAY_9

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# The lines of installer/README.md, "pg_hba.conf" (the test network instead of the LAN).
HBA = """\
local   all  all                    trust
hostssl all  all  127.0.0.1/32      scram-sha-256
hostnossl all all 0.0.0.0/0         reject
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca_and_server_cert(d: Path, name: str = "localhost") -> None:
    """A CA (ca.crt) and a server certificate for ``name`` and 127.0.0.1 signed by it."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=Gemeente test CA", "-keyout", "ca.key", "-out", "ca.crt", cwd=d)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
             "-keyout", "server.key", "-out", "server.csr", cwd=d)  # fmt: skip
    (d / "san.ext").write_text(f"subjectAltName=DNS:{name},IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt",
             cwd=d)  # fmt: skip


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Path]]:
    from tests.rigs.postgres import start_postgres

    server = start_postgres(tmp_path_factory.mktemp("pgtls"))
    certs = tmp_path_factory.mktemp("certs")
    make_ca_and_server_cert(certs)
    data = server.data_dir
    assert data is not None
    owner = data.stat()
    for name in ("server.crt", "server.key"):
        target = data / name
        target.write_bytes((certs / name).read_bytes())
        os.chown(target, owner.st_uid, owner.st_gid)
        target.chmod(0o600)
    (data / "pg_hba.conf").write_text(HBA)
    with server.connect() as conn:
        conn.execute("ALTER SYSTEM SET ssl = on")
        conn.execute("ALTER SYSTEM SET ssl_cert_file = 'server.crt'")
        conn.execute("ALTER SYSTEM SET ssl_key_file = 'server.key'")
        conn.execute("SELECT pg_reload_conf()")
    yield server, certs
    server.stop()


def _tls(url: str, ca: Path, mode: str = "verify-full", host: str = "localhost") -> str:
    u = make_url(url)
    return u.set(host=host, query={"sslmode": mode, "sslrootcert": str(ca)}).render_as_string(
        hide_password=False
    )


def test_pcs_connect_with_verify_full_and_plain_tcp_is_refused(
    tls_server: tuple[object, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, certs = tls_server
    monkeypatch.setenv("LOKET_LOG_DIR", str(tmp_path / "log"))
    tag = uuid.uuid4().hex[:8]
    admin = _tls(server.superuser_url("postgres"), certs / "ca.crt")  # type: ignore[attr-defined]
    code = main([
        "db", "init", "--admin-url", admin, "--name", f"tls_{tag}", "--owner", f"owner_{tag}",
        "--login", f"kiosk=kiosk_{tag}", "--env-dir", str(tmp_path / "env"),
        "--host", "localhost", "--tls-ca", str(certs / "ca.crt"),
    ])  # fmt: skip
    assert code == 0
    env = (tmp_path / "env" / f"kiosk_{tag}.env").read_text()
    kiosk_url = next(x for x in env.splitlines() if x.startswith("LOKET_DATABASE_URL=")).split(
        "=", 1
    )[1]
    assert "sslmode=verify-full" in kiosk_url and "@localhost:" in kiosk_url

    owner_env = (tmp_path / "env" / f"owner_{tag}.env").read_text()
    owner_url = owner_env.split("LOKET_DATABASE_URL=", 1)[1].strip()
    owner = Loket(Database(owner_url), Clock(TUESDAY_9, frozen=True), Actor.system("setup"))
    owner.apply_config(DEMO_CONFIG)
    owner.db.dispose()

    kiosk = Loket(
        Database(kiosk_url), Clock(TUESDAY_9, frozen=True), Actor("hal", roles=frozenset({"kiosk"}))
    )
    try:
        assert kiosk.issue_ticket("dalfsen", "paspoort").number
        with kiosk.db.engine.connect() as conn:
            encrypted = conn.execute(
                text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).scalar()
        assert encrypted is True
    finally:
        kiosk.db.dispose()

    plain = make_url(kiosk_url).set(drivername="postgresql", query={"sslmode": "disable"})
    with pytest.raises(psycopg.OperationalError, match="no encryption|reject"):
        psycopg.connect(plain.render_as_string(hide_password=False), connect_timeout=10)

    # verify-full checks the server's certificate against the municipality's CA: a server
    # with a certificate from anyone else (a machine in the middle) is refused.
    other_ca = tmp_path / "other"
    other_ca.mkdir()
    make_ca_and_server_cert(other_ca)
    wrong = make_url(kiosk_url).set(
        drivername="postgresql",
        query={"sslmode": "verify-full", "sslrootcert": str(other_ca / "ca.crt")},
    )
    with pytest.raises(psycopg.OperationalError, match="certificate"):
        psycopg.connect(wrong.render_as_string(hide_password=False), connect_timeout=10)
