"""No traceback, ever: every bad input of issue 13 ends in a clear Dutch refusal.

Fuzzing (Hypothesis, bounded) over the command line's arguments, the configuration
file and CSV/iCalendar imports, on SQLite and PostgreSQL: the exit code is 0 or a
refusal (2), stderr never holds a traceback, and a refusal leaves the database as it
was. Then the named cases of the report, one by one, and the distinct messages for
database problems (unreachable, wrong password, no permission, disk full, read-only,
schema older or newer).
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from loket import failures, logging_setup
from loket.db import Database
from loket.errors import DomainError
from loket.models import Appointment, Event, Feedback, NumberSequence, Ticket
from loket.services import Loket
from roles.cli import main
from tests.conftest import DEMO_CONFIG
from tests.loket.test_db_roles import roles_db  # noqa: F401 (fixture)

NOW = ["--now", "2026-11-24T09:30"]
# Bounded for CI: a fixed number of examples, no deadline (the machine may be busy), and
# no shrinking (a failure prints its example; shrinking a database test can take minutes).
FUZZ = settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text a person or a script could send: any Unicode (lone surrogates stand for bytes
# that are not UTF-8 on the command line), digits, and very long runs.
WORDS = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-:T ", max_size=25),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from(["dalfsen", "paspoort", "A 1", "A99999999999", "9999-12-31T23:59", ""]),
    st.builds(lambda c, n: c * n, st.sampled_from("x\x00é😀\n"), st.integers(0, 12_000)),
    st.text(alphabet=st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), max_size=5),
)


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "log"
    monkeypatch.setenv("LOKET_LOG_DIR", str(directory))
    yield directory
    logging_setup.reset()


def _fingerprint(url: str) -> tuple[int, ...]:
    db = Database(url)
    try:
        with db.read() as s:
            return tuple(
                int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Ticket, Appointment, Event, Feedback, NumberSequence)
            )
    finally:
        db.dispose()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse: a usage error is a refusal too
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


def _assert_clean(code: int, err: str) -> None:
    assert code in (0, 2), (code, err[-500:])
    assert "Traceback" not in err and 'File "' not in err, err[-2000:]


COMMANDS = [
    lambda a, b, n: ["ticket", "issue", "--branch", a, "--service", b],
    lambda a, b, n: ["ticket", "call", "--branch", "dalfsen", "--counter", str(n), "--number", a],
    lambda a, b, n: ["ticket", "transfer", "--branch", "dalfsen", "--number", a, "--note", b],
    lambda a, b, n: ["ticket", "park", "--branch", a, "--number", "A 1", "--note", b],
    lambda a, b, n: [
        "appointment",
        "book",
        "--branch",
        "dalfsen",
        "--service",
        "idkaart",
        "--start",
        a,
        "--name",
        b,
        "--email",
        b,
        "--phone",
        a,
    ],  # fmt: skip
    lambda a, b, n: ["appointment", "checkin", "--code", a, "--branch", b],
    lambda a, b, n: ["appointment", "show", "--reference", a],
    lambda a, b, n: ["appointment", "cancel", "--reference", a],
    lambda a, b, n: ["events", "--after", str(n), "--limit", str(n)],
    lambda a, b, n: ["queue", "show", "--branch", a],
    lambda a, b, n: ["privacy", "export", "--reference", a],
    lambda a, b, n: ["--now", a, "ticket", "issue", "--branch", "dalfsen", "--service", b],
]


@FUZZ
@given(
    command=st.sampled_from(range(len(COMMANDS))),
    a=WORDS,
    b=WORDS,
    n=st.one_of(st.integers(-(10**22), 10**22), st.integers(0, 20)),
)
def test_fuzz_every_command_refuses_clearly_and_changes_nothing_on_refusal(
    database_url: str,
    log_dir: Path,
    capsys: pytest.CaptureFixture[str],
    command: int,
    a: str,
    b: str,
    n: int,
):
    before = _fingerprint(database_url)
    argv = ["--database", database_url, *NOW, *COMMANDS[command](a, b, n)]
    code, err = _run(argv, capsys)
    _assert_clean(code, err)
    if code != 0:
        assert _fingerprint(database_url) == before


TOML_PIECES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "[municipality]\n", 'name = "X"\n', "[[branch]]\n", 'code = "a"\n',
                "[[service]]\n", "price = 12\n", "[smpt]\n", "x = [[[[1]]]]\n", "= =\n",
                'name = "' + "n" * 5000 + '"\n', "duration_minutes = 99999999999999999999\n",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=12,
).map("".join)  # fmt: skip


@FUZZ
@given(
    content=st.one_of(
        TOML_PIECES.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=200),
        st.just(b"a = " + b"[" * 5000 + b"]" * 5000),
        TOML_PIECES.map(lambda t: t.encode("latin-1", "replace")),
        st.just(DEMO_CONFIG.read_bytes().replace(b"Dalfsen", b"D\xe9lfsen")),
    )
)
def test_fuzz_configuration_files_refuse_clearly(
    database_url: str,
    log_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
):
    path = tmp_path / "gemeente.toml"
    path.write_bytes(content)
    before = _fingerprint(database_url)
    code, err = _run(["--database", database_url, "config", "apply", str(path)], capsys)
    _assert_clean(code, err)
    if code != 0:
        assert _fingerprint(database_url) == before


FIELDS = ["naam", "dienst", "datum", "tijd", "email", "opmerking"]
ROW = st.fixed_dictionaries(
    {
        "naam": st.one_of(st.text(max_size=30), st.just('Jan "de" Vries, jr.'), st.just("")),
        "dienst": st.sampled_from(["paspoort", "idkaart", "zwemles", ""]),
        "datum": st.sampled_from(["24-11-2026", "2026-11-25", "31-11-2026", "24-11-9999", "x"]),
        "tijd": st.sampled_from(["10:00", "10:20", "25:00", "", "9.40"]),
        "email": st.one_of(st.just(""), st.emails().map(str), st.text(max_size=20)),
        "opmerking": st.text(max_size=60),
    }
)


@FUZZ
@given(rows=st.lists(ROW, min_size=1, max_size=6), encoding=st.sampled_from(["utf-8-sig", "utf-8"]))
def test_fuzz_csv_import_accounts_for_every_row(
    loket: Loket, rows: list[dict[str, str]], encoding: str
):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode(encoding, "surrogatepass")
    try:
        report = loket.import_appointments(data, "csv", "dalfsen")
    except DomainError:
        return
    # Never a row lost: each data row is either booked or refused with its line.
    written = [r for r in rows if any(v.strip() for v in r.values())]
    assert len(report.booked) + len(report.refused) == len(written), report.text()


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_fuzz_raw_csv_and_ics_never_crash(loket: Loket, data: bytes):
    for kind, payload in (("csv", data), ("ics", _ics(data))):
        with contextlib.suppress(DomainError):
            loket.import_appointments(payload, kind, "dalfsen")


def _ics(noise: bytes) -> bytes:
    return (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:"
        + noise[:20].replace(b"\r", b"").replace(b"\n", b"")
        + b"\r\nSUMMARY:paspoort\r\nATTENDEE;CN=Fuzz:mailto:f@example.org\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


# -- the named cases of the report --------------------------------------------------


def test_a_ten_kilobyte_name_gets_the_same_refusal_on_both_databases_and_nothing_personal(
    database_url: str, log_dir: Path, capsys: pytest.CaptureFixture[str]
):
    secret_mail = "geheim.adres@example.org"
    argv = [
        "--database", database_url, *NOW, "appointment", "book", "--branch", "dalfsen",
        "--service", "idkaart", "--start", "2026-11-24T10:00", "--name", "Jansen" * 1707,
        "--email", secret_mail, "--phone", "0612345678", "--notes", "BSN 123456789",
    ]  # fmt: skip
    before = _fingerprint(database_url)
    code, err = _run(argv, capsys)
    assert code == 2
    assert err.strip() == "Fout: De naam is te lang: hoogstens 120 tekens, nu 10242."
    assert _fingerprint(database_url) == before
    logging.getLogger("loket").handlers[0].flush()
    log = (log_dir / "loket.log").read_text(encoding="utf-8")
    for secret in (secret_mail, "0612345678", "123456789", "Jansen"):
        assert secret not in err and secret not in log


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ticket", "call", "--branch", "dalfsen", "--counter", "99999999999999999999"],
         "Het balienummer moet tussen 1 en 9999 liggen."),
        (["events", "--limit", "99999999999999999999"], "Het aantal moet tussen 1 en 100000"),
        (["plan", "--branch", "dalfsen", "--date", "2026-13-45"], "geen datum die bestaat"),
        (["plan", "--date", "9999-12-31"], "De dag van het plan ligt te ver weg"),
        (["appointment", "slots", "--branch", "dalfsen", "--service", "paspoort", "--date", "x"],
         "'x' is geen datum die bestaat"),
        (["staff", "absent", "--code", "anna", "--from", "2026-02-30", "--reason", "sick"],
         "'2026-02-30' is geen datum die bestaat"),
        (["appointment", "book", "--branch", "dalfsen", "--service", "idkaart", "--start",
          "9999-11-24T10:00", "--name", "Ver Weg"], "Zo ver vooruit"),
        (["config", "apply", "."], "map"),
        (["ticket", "issue", "--branch", "dalfsen\udcff", "--service", "paspoort"],
         "tekens die niet kunnen"),
    ],
)  # fmt: skip
def test_named_bad_inputs_of_the_report_get_a_message(
    sqlite_template: Path,
    tmp_path: Path,
    log_dir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
):
    from tests.conftest import _sqlite_url

    url = _sqlite_url(sqlite_template, tmp_path)
    code, err = _run(["--database", url, *NOW, *argv], capsys)
    assert code == 2 and message in err, err
    assert "Traceback" not in err


def test_config_files_that_crashed_get_a_message(
    sqlite_template: Path, tmp_path: Path, log_dir: Path, capsys: pytest.CaptureFixture[str]
):
    from tests.conftest import _sqlite_url

    url = _sqlite_url(sqlite_template, tmp_path)
    for content, message in (
        (DEMO_CONFIG.read_text("utf-8").encode("latin-1", "replace"), "UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
        (b"a = " + b"[" * 5000 + b"]" * 5000, "te diep"),
    ):
        path = tmp_path / "gemeente.toml"
        path.write_bytes(content)
        code, err = _run(["--database", url, "config", "apply", str(path)], capsys)
        assert code == 2 and message in err, err


def test_csv_with_an_unbalanced_quote_loses_no_resident(sqlite_loket: Loket):
    data = (
        b"naam;dienst;datum;tijd\n"
        b'"Anna Eerst;paspoort;24-11-2026;10:00\n'
        b"Bert Tweede;paspoort;24-11-2026;10:20\n"
    )
    report = sqlite_loket.import_appointments(data, "csv", "dalfsen")
    assert report.booked == []
    assert report.refused[0].row == 2 and "aanhalingsteken" in report.refused[0].reason
    assert "Het bestand heeft 2 regels met gegevens, ik las er 1 afspraken uit." in report.text()


def test_csv_in_windows_1252_and_bad_files(sqlite_loket: Loket):
    good = "naam;dienst;datum;tijd\nJosé Müller;paspoort;24-11-2026;10:00\n".encode("cp1252")
    report = sqlite_loket.import_appointments(good, "csv", "dalfsen")
    assert [b.row for b in report.booked] == [2]
    assert sqlite_loket.appointment(report.booked[0].reference).name == "José Müller"
    with pytest.raises(DomainError, match="geen tekstbestand"):
        sqlite_loket.import_appointments(b"\x00\x01binary", "csv", "dalfsen")
    huge = "naam;dienst;datum;tijd\n" + "x" * 140_000 + ";paspoort;24-11-2026;10:00\n"
    report = sqlite_loket.import_appointments(huge.encode(), "csv", "dalfsen")
    assert report.refused and report.refused[0].row == 2 and not report.booked
    broken = _ics(b"20261124T25:99:00")
    report = sqlite_loket.import_appointments(broken, "ics", "dalfsen")
    assert not report.booked and report.refused[0].row == 1


def test_one_bad_row_does_not_stop_the_file(loket: Loket):
    data = (
        "naam;dienst;datum;tijd;email\n"
        "Goed Een;paspoort;24-11-2026;10:00;\n"
        f"{'L' * 10_000};paspoort;24-11-2026;10:20;\n"
        "Goed Twee;paspoort;24-11-2026;10:40;" + "m" * 300 + "@example.org\n"
        "Goed Drie;paspoort;24-11-2026;11:00;drie@example.org\n"
    ).encode()
    report = loket.import_appointments(data, "csv", "dalfsen")
    assert [b.row for b in report.booked] == [2, 5]
    assert [r.row for r in report.refused] == [3, 4]


# -- database problems, each with its own message -------------------------------------


def _message(exc: BaseException) -> str:
    return failures.describe(exc, "'loket ticket issue' uitvoeren").message


def test_schema_older_or_newer_than_the_program(
    sqlite_template: Path, tmp_path: Path, log_dir: Path, capsys: pytest.CaptureFixture[str]
):
    from tests.conftest import _sqlite_url

    url = _sqlite_url(sqlite_template, tmp_path)
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    db.dispose()
    code, err = _run(["--database", url, "queue", "show", "--branch", "dalfsen"], capsys)
    assert code == 2 and "ouder dan dit programma" in err and "loket db upgrade" in err
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    db.dispose()
    code, err = _run(["--database", url, "queue", "show", "--branch", "dalfsen"], capsys)
    assert code == 2 and "nieuwere versie van Loket" in err
    log = (log_dir / "loket.log").read_text(encoding="utf-8")
    assert "schema_older" in log and "schema_newer" in log


def test_disk_full_and_read_only_have_their_own_message(tmp_path: Path):
    path = tmp_path / "vol.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.commit()
    conn.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as full:
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    conn.close()
    assert "schijf van de database is vol" in _message(_wrapped(full.value))
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as read_only:
        ro.execute("INSERT INTO t VALUES ('y')")
    ro.close()
    assert "alleen gelezen" in _message(_wrapped(read_only.value))


def _wrapped(exc: Exception) -> Exception:
    from sqlalchemy.exc import OperationalError

    return OperationalError("INSERT", {}, exc)


@pytest.mark.postgres
def test_unreachable_wrong_password_and_missing_permission(
    postgres_server: object, log_dir: Path, capsys: pytest.CaptureFixture[str]
):
    closed = "postgresql+psycopg://x:y@127.0.0.1:1/loket?connect_timeout=2"
    code, err = _run(["--database", closed, "queue", "show", "--branch", "dalfsen"], capsys)
    assert code == 2 and "databaseserver is niet bereikbaar" in err
    wrong = postgres_server.url_for("postgres", "verkeerd-wachtwoord", "postgres")  # type: ignore[attr-defined]
    code, err = _run(["--database", wrong, "queue", "show", "--branch", "dalfsen"], capsys)
    assert code == 2 and "weigert het wachtwoord" in err


@pytest.mark.postgres
def test_a_display_login_is_told_which_right_it_lacks(
    roles_db: object,  # noqa: F811 (the fixture)
    log_dir: Path,
    capsys: pytest.CaptureFixture[str],
):
    url = roles_db.url_as("display")  # type: ignore[attr-defined]
    code, err = _run(
        ["--database", url, *NOW, "ticket", "issue", "--branch", "dalfsen", "--service",
         "paspoort"], capsys,
    )  # fmt: skip
    assert code == 2
    assert "Deze PC mag in de database niet 'loket ticket issue' uitvoeren" in err
    assert re.search(r"\(geen recht op (tabel|functie) '[a-z_]+'\)", err), err


def test_a_role_window_that_cannot_start_says_why_in_a_window(
    sqlite_template: Path, tmp_path: Path, log_dir: Path, capsys: pytest.CaptureFixture[str]
):
    from roles import messages
    from tests.conftest import _sqlite_url

    url = _sqlite_url(sqlite_template, tmp_path)
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    db.dispose()
    code, err = _run(["--database", url, "kiosk", "--windowed"], capsys)
    assert code == 2 and "ouder dan dit programma" in err
    box = messages.last_window
    assert box is not None and box.isVisible()
    assert box.text() == err.strip().removeprefix("Fout: ")
    box.grab().save(str(tmp_path / "schema-message.png"))
    box.close()
