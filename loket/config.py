"""A municipality's configuration as a human-readable TOML file.

``parse_config`` validates the whole file and reports every problem at once, each
naming the field (``services[2].prefix``) and what is wrong, in plain Dutch.
``apply_config`` writes it to the database idempotently: applying the same file twice
changes nothing; things removed from the file are deactivated, never deleted, so
history keeps its meaning. The file format is documented in docs/configuration.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loket import security
from loket.errors import ConfigError
from loket.mailer import parse_smtp
from loket.models import (
    Branch,
    BranchService,
    Counter,
    CounterService,
    DayException,
    Municipality,
    OpeningPeriod,
    PeriodMode,
    Service,
    Staff,
    StaffSkill,
)

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ROLES = {"counter", "reception", "manager", "admin"}
CHANNELS = {"online", "phone", "counter", "import"}
CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
PREFIX_RE = re.compile(r"^[A-Z]{1,2}$")
MODES = {m.value for m in PeriodMode}


@dataclass
class PeriodSpec:
    start: time
    end: time
    mode: PeriodMode


@dataclass
class ExceptionSpec:
    day: date
    reason: str
    periods: list[PeriodSpec]  # empty: closed that day


@dataclass
class BranchSpec:
    code: str
    name: str
    address: str
    wait_area: str
    public_holidays: bool
    hours: dict[int, list[PeriodSpec]]
    exceptions: list[ExceptionSpec]


@dataclass
class ServiceSpec:
    code: str
    name_nl: str
    name_en: str
    prefix: str
    duration: int
    bring_nl: str
    bring_en: str
    icon: str
    channels: list[str]
    branches: list[str]
    walk_in_branches: list[str]
    appointment_branches: list[str]


@dataclass
class CounterSpec:
    branch: str
    number: int
    name: str
    services: list[str]


@dataclass
class StaffSpec:
    code: str
    name: str
    roles: list[str]
    skills: dict[str, float]
    pin: str | None
    card_uid: str | None


@dataclass
class MunicipalitySpec:
    name: str
    wait_norm_minutes: int = 5
    max_calls: int = 3
    early_checkin_minutes: int = 60
    late_minutes: int = 10
    purge_after_days: int = 30
    info_line_nl: str = ""
    info_line_en: str = ""


@dataclass
class ConfigSpec:
    municipality: MunicipalitySpec
    smtp: dict[str, Any] | None = None
    branches: list[BranchSpec] = field(default_factory=list)
    services: list[ServiceSpec] = field(default_factory=list)
    counters: list[CounterSpec] = field(default_factory=list)
    staff: list[StaffSpec] = field(default_factory=list)


class _Reader:
    """Collects problems while reading, so the user sees them all at once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def text(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        *,
        required: bool = True,
        default: str = "",
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "ontbreekt (verplicht veld)")
            return default
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", f"moet tekst zijn, niet {value!r}")
            return default
        if required and not value.strip():
            self.fail(f"{where}.{key}", "mag niet leeg zijn")
        return value.strip()

    def code(self, table: dict[str, Any], where: str, seen: set[str]) -> tuple[str, str]:
        """A unique lowercase code, and the place name to use for the rest of the table."""
        code = self.text(table, "code", where)
        if code and not CODE_RE.match(code):
            self.fail(f"{where}.code", f"alleen kleine letters, cijfers, - en _, niet {code!r}")
        if code in seen:
            self.fail(f"{where}.code", f"{code!r} komt twee keer voor")
        seen.add(code)
        return code, (f"{where} ({code})" if code else where)

    def integer(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        *,
        default: int | None = None,
        low: int = 0,
        high: int = 10_000,
    ) -> int:
        value = table.get(key, default)
        if value is None:
            self.fail(f"{where}.{key}", "ontbreekt (verplicht veld)")
            return low
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{where}.{key}", f"moet een heel getal zijn, niet {value!r}")
            return low
        if not low <= value <= high:
            self.fail(f"{where}.{key}", f"moet tussen {low} en {high} liggen, niet {value}")
        return value

    def boolean(self, table: dict[str, Any], key: str, where: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", f"moet true of false zijn, niet {value!r}")
            return default
        return value

    def str_list(self, table: dict[str, Any], key: str, where: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{where}.{key}", 'moet een lijst met teksten zijn, bijvoorbeeld ["a", "b"]')
            return []
        return list(value)

    def localized(
        self, table: dict[str, Any], key: str, where: str, required: bool = True
    ) -> tuple[str, str]:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "ontbreekt (verplicht veld, met nl en en)")
            return "", ""
        if isinstance(value, str):
            return value.strip(), value.strip()
        if not isinstance(value, dict):
            self.fail(f"{where}.{key}", "moet tekst zijn of een tabel met nl en en")
            return "", ""
        nl = self.text(value, "nl", f"{where}.{key}", required=required)
        en = self.text(value, "en", f"{where}.{key}", required=False, default=nl) or nl
        return nl, en

    def clock_time(self, value: Any, where: str) -> time | None:
        if isinstance(value, time):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{1,2}[:.]\d{2}", value.strip()):
            hours, minutes = (int(p) for p in re.split(r"[:.]", value.strip()))
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
        self.fail(where, f'moet een tijd zijn zoals "08:30", niet {value!r}')
        return None

    def periods(self, value: Any, where: str) -> list[PeriodSpec]:
        if not isinstance(value, list):
            self.fail(
                where,
                'moet een lijst met perioden zijn: [{ from = "08:30", '
                'to = "12:30", mode = "mixed" }]',
            )
            return []
        result: list[PeriodSpec] = []
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            if not isinstance(item, dict):
                self.fail(at, "moet een tabel zijn met from, to en mode")
                continue
            start = self.clock_time(item.get("from"), f"{at}.from")
            end = self.clock_time(item.get("to"), f"{at}.to")
            mode = item.get("mode", "mixed")
            if mode not in MODES:
                self.fail(f"{at}.mode", f"moet walk_in, appointment of mixed zijn, niet {mode!r}")
                continue
            if start and end:
                if end <= start:
                    self.fail(at, f"eindtijd {end:%H:%M} ligt niet na begintijd {start:%H:%M}")
                    continue
                result.append(PeriodSpec(start, end, PeriodMode(mode)))
        ordered = sorted(result, key=lambda p: p.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.start < a.end:
                self.fail(
                    where,
                    f"perioden overlappen: {a.start:%H:%M}-{a.end:%H:%M} en "
                    f"{b.start:%H:%M}-{b.end:%H:%M}",
                )
        return ordered


def _table_list(raw: dict[str, Any], key: str, r: _Reader) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.fail(key, f"moet een lijst van tabellen zijn ([[{key}]])")
        return []
    return value


def parse_config(raw: dict[str, Any]) -> ConfigSpec:
    r = _Reader()
    muni_raw = raw.get("municipality")
    if not isinstance(muni_raw, dict):
        r.fail("municipality", "ontbreekt: de tabel [municipality] met ten minste name")
        muni_raw = {}
    muni = MunicipalitySpec(
        name=r.text(muni_raw, "name", "municipality"),
        wait_norm_minutes=r.integer(
            muni_raw, "wait_norm_minutes", "municipality", default=5, low=1, high=120
        ),
        max_calls=r.integer(muni_raw, "max_calls", "municipality", default=3, low=1, high=10),
        early_checkin_minutes=r.integer(
            muni_raw, "early_checkin_minutes", "municipality", default=60, low=0, high=600
        ),
        late_minutes=r.integer(
            muni_raw, "late_minutes", "municipality", default=10, low=0, high=240
        ),
        purge_after_days=r.integer(
            muni_raw, "purge_after_days", "municipality", default=30, low=0, high=3650
        ),
    )
    muni.info_line_nl, muni.info_line_en = r.localized(
        muni_raw, "info_line", "municipality", required=False
    )

    spec = ConfigSpec(municipality=muni)
    seen: set[str] = set()
    for i, b in enumerate(_table_list(raw, "branches", r)):
        code, at = r.code(b, f"branches[{i}]", seen)
        hours_raw = b.get("hours", {})
        hours: dict[int, list[PeriodSpec]] = {}
        if not isinstance(hours_raw, dict):
            r.fail(f"{at}.hours", "moet een tabel per weekdag zijn (monday = [...])")
            hours_raw = {}
        for day_name, periods in hours_raw.items():
            if day_name not in WEEKDAYS:
                r.fail(f"{at}.hours.{day_name}", "onbekende weekdag; gebruik monday … sunday")
                continue
            hours[WEEKDAYS.index(day_name)] = r.periods(periods, f"{at}.hours.{day_name}")
        exceptions: list[ExceptionSpec] = []
        for j, e in enumerate(_table_list(b, "exceptions", r)):
            eat = f"{at}.exceptions[{j}]"
            day = e.get("date")
            if not isinstance(day, date):
                r.fail(f"{eat}.date", f"moet een datum zijn zoals 2026-12-24, niet {day!r}")
                continue
            exceptions.append(
                ExceptionSpec(
                    day=day,
                    reason=r.text(e, "reason", eat, required=False),
                    periods=r.periods(e.get("periods", []), f"{eat}.periods"),
                )
            )
        spec.branches.append(
            BranchSpec(
                code=code,
                name=r.text(b, "name", at),
                address=r.text(b, "address", at, required=False),
                wait_area=r.text(b, "wait_area", at, required=False),
                public_holidays=r.boolean(b, "public_holidays", at, True),
                hours=hours,
                exceptions=exceptions,
            )
        )
    branch_codes = {b.code for b in spec.branches}

    seen = set()
    prefixes: dict[str, str] = {}
    for i, s in enumerate(_table_list(raw, "services", r)):
        code, at = r.code(s, f"services[{i}]", seen)
        name_nl, name_en = r.localized(s, "name", at)
        bring_nl, bring_en = r.localized(s, "bring", at, required=False)
        prefix = r.text(s, "prefix", at)
        if prefix and not PREFIX_RE.match(prefix):
            r.fail(f"{at}.prefix", f"moet 1 of 2 hoofdletters zijn, niet {prefix!r}")
        if prefix in prefixes:
            # Numbers are counted per prefix: a shared prefix would mix two queues'
            # numbers on the display.
            r.fail(f"{at}.prefix", f"{prefix!r} is al de letter van dienst {prefixes[prefix]!r}")
        prefixes.setdefault(prefix, code)
        channels = r.str_list(s, "channels", at) or ["online", "phone", "counter"]
        for ch in channels:
            if ch not in CHANNELS:
                r.fail(
                    f"{at}.channels",
                    f"onbekend kanaal {ch!r}; kies uit {', '.join(sorted(CHANNELS))}",
                )
        branches = r.str_list(s, "branches", at)
        if not branches:
            r.fail(f"{at}.branches", "noem ten minste één vestiging waar deze dienst kan")
        walk_in_branches = (
            r.str_list(s, "walk_in_branches", at) if "walk_in_branches" in s else list(branches)
        )
        appointment_branches = (
            r.str_list(s, "appointment_branches", at)
            if "appointment_branches" in s
            else list(branches)
        )
        for key, codes in (
            ("branches", branches),
            ("walk_in_branches", walk_in_branches),
            ("appointment_branches", appointment_branches),
        ):
            for bc in codes:
                if bc not in branch_codes:
                    r.fail(f"{at}.{key}", f"vestiging {bc!r} bestaat niet in [[branches]]")
                elif bc not in branches:
                    r.fail(f"{at}.{key}", f"vestiging {bc!r} staat niet in branches")
        spec.services.append(
            ServiceSpec(
                code=code,
                name_nl=name_nl,
                name_en=name_en,
                prefix=prefix,
                duration=r.integer(s, "duration", at, low=1, high=240),
                bring_nl=bring_nl,
                bring_en=bring_en,
                icon=r.text(s, "icon", at, required=False),
                channels=channels,
                branches=branches,
                walk_in_branches=walk_in_branches,
                appointment_branches=appointment_branches,
            )
        )
    service_codes = {s.code for s in spec.services}
    offered = {(b, s.code) for s in spec.services for b in s.branches}

    seen_counters: set[tuple[str, int]] = set()
    for i, c in enumerate(_table_list(raw, "counters", r)):
        at = f"counters[{i}]"
        branch = r.text(c, "branch", at)
        number = r.integer(c, "number", at, low=1, high=999)
        if branch and branch not in branch_codes:
            r.fail(f"{at}.branch", f"vestiging {branch!r} bestaat niet in [[branches]]")
        if (branch, number) in seen_counters:
            r.fail(f"{at}.number", f"balie {number} van {branch!r} komt twee keer voor")
        seen_counters.add((branch, number))
        services = r.str_list(c, "services", at)
        for sc in services:
            if sc not in service_codes:
                r.fail(f"{at}.services", f"dienst {sc!r} bestaat niet in [[services]]")
            elif branch in branch_codes and (branch, sc) not in offered:
                r.fail(f"{at}.services", f"dienst {sc!r} wordt niet aangeboden in {branch!r}")
        spec.counters.append(
            CounterSpec(branch, number, r.text(c, "name", at, required=False), services)
        )

    seen = set()
    for i, st in enumerate(_table_list(raw, "staff", r)):
        at = f"staff[{i}]"
        code = r.text(st, "code", at)
        if code in seen:
            r.fail(f"{at}.code", f"{code!r} komt twee keer voor")
        seen.add(code)
        roles = r.str_list(st, "roles", at)
        if not roles:
            r.fail(f"{at}.roles", "noem ten minste één rol: counter, reception, manager of admin")
        for role in roles:
            if role not in ROLES:
                r.fail(
                    f"{at}.roles", f"onbekende rol {role!r}; kies uit {', '.join(sorted(ROLES))}"
                )
        skills_raw = st.get("skills", {})
        skills: dict[str, float] = {}
        if not isinstance(skills_raw, dict):
            r.fail(f"{at}.skills", "moet een tabel zijn: { paspoort = 1.0 }")
            skills_raw = {}
        for sc, speed in skills_raw.items():
            if sc not in service_codes:
                r.fail(f"{at}.skills.{sc}", "deze dienst bestaat niet in [[services]]")
            elif (
                isinstance(speed, bool)
                or not isinstance(speed, int | float)
                or not 0.2 <= speed <= 5
            ):
                r.fail(
                    f"{at}.skills.{sc}",
                    f"snelheid moet een getal tussen 0.2 en 5 zijn, niet {speed!r}",
                )
            else:
                skills[sc] = float(speed)
        pin = st.get("pin")
        if pin is not None:
            pin = str(pin)
            try:
                security.validate_pin(pin)
            except ValueError as exc:
                r.fail(f"{at}.pin", str(exc))
        card = st.get("card_uid")
        if card is not None and not (
            isinstance(card, str) and re.fullmatch(r"([0-9A-Fa-f]{2}){4,10}", card)
        ):
            r.fail(f"{at}.card_uid", "moet de UID van de pas zijn in hex, bijvoorbeeld 04A1B2C3")
            card = None
        spec.staff.append(
            StaffSpec(
                code=code,
                name=r.text(st, "name", at),
                roles=roles,
                skills=skills,
                pin=pin,
                card_uid=card,
            )
        )
    try:
        smtp = parse_smtp(raw)
    except ConfigError as exc:
        r.problems.extend(exc.problems)
    else:
        spec.smtp = asdict(smtp) if smtp else None
    if r.problems:
        raise ConfigError(r.problems)
    return spec


def load_config(path: Path) -> ConfigSpec:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError([f"{path}: bestand niet gevonden"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: geen geldige TOML: {exc}"]) from exc
    return parse_config(raw)


@dataclass
class ApplyReport:
    created: int = 0
    updated: int = 0
    deactivated: int = 0

    def summary(self) -> str:
        return f"{self.created} nieuw, {self.updated} gewijzigd, {self.deactivated} uitgezet"


def _assign(obj: Any, report: ApplyReport, **values: Any) -> None:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed:
        report.updated += 1


def _upsert(
    session: Session,
    rows: dict[Any, Any],
    key: Any,
    report: ApplyReport,
    new: tuple[type, dict[str, Any]],
    **values: Any,
) -> Any:
    """The row for ``key``, made as ``model(**required)`` when the file names something
    new, then with ``values`` set."""
    row = rows.get(key)
    if row is None:
        model, required = new
        row = model(**required)
        session.add(row)
        rows[key] = row
        report.created += 1
    _assign(row, report, **values)
    return row


def _deactivate_missing(rows: dict[Any, Any], wanted: set[Any], report: ApplyReport) -> None:
    """Switch off what the file no longer names; never delete: history refers to it."""
    for key, row in rows.items():
        if key not in wanted and row.active:
            row.active = False
            report.deactivated += 1


def apply_config(session: Session, spec: ConfigSpec, card_key: bytes) -> ApplyReport:
    report = ApplyReport()
    m = spec.municipality
    muni = session.scalar(select(Municipality))
    if muni is None:
        muni = Municipality(name=m.name)
        session.add(muni)
        report.created += 1
    _assign(
        muni,
        report,
        name=m.name,
        wait_norm_minutes=m.wait_norm_minutes,
        max_calls=m.max_calls,
        early_checkin_minutes=m.early_checkin_minutes,
        late_minutes=m.late_minutes,
        purge_after_days=m.purge_after_days,
        info_line_nl=m.info_line_nl,
        info_line_en=m.info_line_en,
        smtp=spec.smtp,
    )

    branches = {b.code: b for b in session.scalars(select(Branch))}
    for bs in spec.branches:
        branch = _upsert(
            session,
            branches,
            bs.code,
            report,
            (Branch, {"code": bs.code, "name": bs.name}),
            name=bs.name,
            address=bs.address,
            wait_area=bs.wait_area,
            public_holidays=bs.public_holidays,
        )
        wanted = sorted(
            (wd, p.start, p.end, p.mode.value) for wd, ps in bs.hours.items() for p in ps
        )
        have = sorted((p.weekday, p.start, p.end, PeriodMode(p.mode).value) for p in branch.periods)
        if wanted != have:
            branch.periods = [
                OpeningPeriod(weekday=wd, start=s, end=e, mode=PeriodMode(md))
                for wd, s, e, md in wanted
            ]
            report.updated += 1
        wanted_ex = sorted(
            (e.day, p.start, p.end, p.mode.value, e.reason)
            for e in bs.exceptions
            for p in e.periods
        ) + sorted((e.day, None, None, None, e.reason) for e in bs.exceptions if not e.periods)
        # Closures and extra sessions made at reception are not the file's to replace.
        from_file = [x for x in branch.exceptions if x.source == "config"]
        from_desk = [x for x in branch.exceptions if x.source != "config"]
        have_ex = sorted(
            (x.day, x.start, x.end, x.mode.value if x.mode else None, x.reason)
            for x in from_file
            if x.start
        ) + sorted((x.day, None, None, None, x.reason) for x in from_file if not x.start)
        if wanted_ex != have_ex:
            branch.exceptions = from_desk + [
                DayException(
                    day=d,
                    start=s,
                    end=e,
                    mode=PeriodMode(md) if md else None,
                    reason=rs,
                    source="config",
                )
                for d, s, e, md, rs in wanted_ex
            ]
            report.updated += 1
    session.flush()

    services = {s.code: s for s in session.scalars(select(Service))}
    for ss in spec.services:
        _upsert(
            session,
            services,
            ss.code,
            report,
            (
                Service,
                {
                    "code": ss.code,
                    "name_nl": ss.name_nl,
                    "name_en": ss.name_en,
                    "prefix": ss.prefix,
                    "duration_minutes": ss.duration,
                },
            ),
            name_nl=ss.name_nl,
            name_en=ss.name_en,
            prefix=ss.prefix,
            duration_minutes=ss.duration,
            bring_nl=ss.bring_nl,
            bring_en=ss.bring_en,
            icon=ss.icon,
            channels=ss.channels,
            active=True,
        )
    _deactivate_missing(services, {s.code for s in spec.services}, report)
    session.flush()

    wanted_offer = {
        (branches[b].id, services[s.code].id): (
            b in s.walk_in_branches,
            b in s.appointment_branches,
        )
        for s in spec.services
        for b in s.branches
    }
    existing_offer = {
        (o.branch_id, o.service_id): o for o in session.scalars(select(BranchService))
    }
    for key, (walk_in, appointment) in wanted_offer.items():
        offer = existing_offer.get(key)
        if offer is None:
            session.add(
                BranchService(
                    branch_id=key[0], service_id=key[1], walk_in=walk_in, appointment=appointment
                )
            )
            report.created += 1
        else:
            _assign(offer, report, walk_in=walk_in, appointment=appointment)
    for key, offer in existing_offer.items():
        if key not in wanted_offer:
            session.delete(offer)
            report.deactivated += 1

    counters = {(c.branch_id, c.number): c for c in session.scalars(select(Counter))}
    wanted_counters = set()
    for cs in spec.counters:
        key = (branches[cs.branch].id, cs.number)
        wanted_counters.add(key)
        counter = _upsert(
            session,
            counters,
            key,
            report,
            (Counter, {"branch_id": key[0], "number": cs.number}),
            name=cs.name or f"Balie {cs.number}",
            active=True,
        )
        session.flush()
        wanted_services = sorted(services[s].id for s in cs.services)
        have_services = sorted(
            session.scalars(
                select(CounterService.service_id).where(CounterService.counter_id == counter.id)
            )
        )
        if wanted_services != have_services:
            session.execute(delete(CounterService).where(CounterService.counter_id == counter.id))
            session.add_all(
                CounterService(counter_id=counter.id, service_id=sid) for sid in wanted_services
            )
            report.updated += 1
    _deactivate_missing(counters, wanted_counters, report)

    staff = {s.code: s for s in session.scalars(select(Staff))}
    for sp in spec.staff:
        member = _upsert(
            session,
            staff,
            sp.code,
            report,
            (Staff, {"code": sp.code, "name": sp.name, "roles": sp.roles}),
            name=sp.name,
            roles=sp.roles,
            active=True,
        )
        if sp.pin is not None and not (
            member.pin_hash and security.verify_pin(sp.pin, member.pin_hash)
        ):
            member.pin_hash = security.hash_pin(sp.pin)
            report.updated += 1
        if sp.card_uid is not None:
            fingerprint = security.card_fingerprint(sp.card_uid, card_key)
            if member.card_hash != fingerprint:
                member.card_hash = fingerprint
                report.updated += 1
        wanted_skills = {services[c].id: v for c, v in sp.skills.items()}
        have_skills = {k.service_id: k.speed for k in member.skills}
        if wanted_skills != have_skills:
            member.skills = [
                StaffSkill(service_id=sid, speed=v) for sid, v in wanted_skills.items()
            ]
            report.updated += 1
    _deactivate_missing(staff, {s.code for s in spec.staff}, report)
    session.flush()
    return report
