"""A municipality's configuration as a human-readable TOML file.

Every key is declared once in ``loket.config_schema`` (type, default, range, column,
doc). ``parse_config`` reads the whole file against those declarations and reports
every problem at once, each naming the field (``services[2].prefix``) and what is
wrong, in plain Dutch; an undeclared key is a problem too, naming the nearest valid
one. The cross-checks between sections live here, one function per section.
``apply_config`` writes it to the database idempotently: applying the same file twice
changes nothing; things removed from the file are deactivated, never deleted, so
history keeps its meaning. The file format is documented in docs/configuration.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loket import config_planning, security
from loket.config_fields import Reader
from loket.config_schema import (
    BRANCH,
    COUNTER,
    MUNICIPALITY,
    ROOT,
    SERVICE,
    STAFF,
    WEEKDAYS,
)
from loket.errors import ConfigError
from loket.mailer import smtp_settings
from loket.models import (
    Branch,
    BranchService,
    Counter,
    CounterService,
    DayException,
    Event,
    Municipality,
    OpeningPeriod,
    PeriodMode,
    Service,
    Staff,
    StaffSkill,
)


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
    columns: dict[str, Any]
    """Declared settings stored as plain columns of ``Branch`` (``Section.columns``)."""
    hours: dict[int, list[PeriodSpec]]
    exceptions: list[ExceptionSpec]
    values: dict[str, Any] = field(default_factory=dict)
    """Every declared setting as read from the file, for settings with their own apply."""

    @property
    def name(self) -> str:
        return str(self.columns["name"])


@dataclass
class ServiceSpec:
    code: str
    columns: dict[str, Any]
    branches: list[str]
    walk_in_branches: list[str]
    appointment_branches: list[str]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class CounterSpec:
    branch: str
    number: int
    name: str
    services: list[str]
    columns: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class StaffSpec:
    code: str
    columns: dict[str, Any]
    skills: dict[str, float]
    pin: str | None
    card_uid: str | None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class MunicipalitySpec:
    columns: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.columns["name"])


@dataclass
class ConfigSpec:
    municipality: MunicipalitySpec
    smtp: dict[str, Any] | None = None
    report_mail: dict[str, Any] | None = None
    branches: list[BranchSpec] = field(default_factory=list)
    services: list[ServiceSpec] = field(default_factory=list)
    counters: list[CounterSpec] = field(default_factory=list)
    staff: list[StaffSpec] = field(default_factory=list)
    planning: config_planning.PlanningSpec = field(default_factory=config_planning.PlanningSpec)


def _periods(r: Reader, items: list[dict[str, Any]], where: str) -> list[PeriodSpec]:
    result: list[PeriodSpec] = []
    for item in items:
        start, end = item["from"], item["to"]
        if not (isinstance(start, time) and isinstance(end, time)):
            continue  # already reported
        if end <= start:
            r.fail(item["_where"], f"eindtijd {end:%H:%M} ligt niet na begintijd {start:%H:%M}")
            continue
        result.append(PeriodSpec(start, end, PeriodMode(item["mode"])))
    ordered = sorted(result, key=lambda p: p.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            r.fail(
                where,
                f"perioden overlappen: {a.start:%H:%M}-{a.end:%H:%M} en "
                f"{b.start:%H:%M}-{b.end:%H:%M}",
            )
    return ordered


def _branches(r: Reader, rows: list[dict[str, Any]]) -> list[BranchSpec]:
    out: list[BranchSpec] = []
    seen: set[str] = set()
    for b in rows:
        at = b["_where"]
        _unique(r, b["code"], seen, f"{b['_at']}.code")
        hours = {
            WEEKDAYS.index(day): _periods(r, b["hours"][day], f"{at}.hours.{day}")
            for day in WEEKDAYS
            if b["hours"][day]
        }
        exceptions = [
            ExceptionSpec(
                day=e["date"],
                reason=e["reason"],
                periods=_periods(r, e["periods"], f"{e['_where']}.periods"),
            )
            for e in b["exceptions"]
            if e["date"] is not None
        ]
        out.append(BranchSpec(b["code"], BRANCH.columns(b), hours, exceptions, b))
    return out


def _unique(r: Reader, code: str, seen: set[str], where: str) -> None:
    if code and code in seen:
        r.fail(where, f"{code!r} komt twee keer voor")
    seen.add(code)


def _services(r: Reader, rows: list[dict[str, Any]], branch_codes: set[str]) -> list[ServiceSpec]:
    out: list[ServiceSpec] = []
    seen: set[str] = set()
    prefixes: dict[str, str] = {}
    for s in rows:
        at = s["_where"]
        code, prefix = s["code"], s["prefix"]
        _unique(r, code, seen, f"{s['_at']}.code")
        if prefix in prefixes:
            # Numbers are counted per prefix: a shared prefix would mix two queues'
            # numbers on the display.
            r.fail(f"{at}.prefix", f"{prefix!r} is al de letter van dienst {prefixes[prefix]!r}")
        prefixes.setdefault(prefix, code)
        if not s["channels"]:
            s["channels"] = SERVICE["channels"].fresh_default()
        branches = s["branches"]
        if not branches:
            r.fail(f"{at}.branches", "noem ten minste één vestiging waar deze dienst kan")
        walk_in = s["walk_in_branches"] if s["walk_in_branches"] is not None else list(branches)
        booked = (
            s["appointment_branches"] if s["appointment_branches"] is not None else list(branches)
        )
        for key, codes in (
            ("branches", branches),
            ("walk_in_branches", walk_in),
            ("appointment_branches", booked),
        ):
            for bc in codes:
                if bc not in branch_codes:
                    r.fail(f"{at}.{key}", f"vestiging {bc!r} bestaat niet in [[branches]]")
                elif bc not in branches:
                    r.fail(f"{at}.{key}", f"vestiging {bc!r} staat niet in branches")
        out.append(ServiceSpec(code, SERVICE.columns(s), branches, walk_in, booked, s))
    return out


def _counters(
    r: Reader, rows: list[dict[str, Any]], branch_codes: set[str], services: list[ServiceSpec]
) -> list[CounterSpec]:
    service_codes = {s.code for s in services}
    offered = {(b, s.code) for s in services for b in s.branches}
    out: list[CounterSpec] = []
    seen: set[tuple[str, int]] = set()
    for c in rows:
        at, branch, number = c["_where"], c["branch"], c["number"]
        if branch and branch not in branch_codes:
            r.fail(f"{at}.branch", f"vestiging {branch!r} bestaat niet in [[branches]]")
        if (branch, number) in seen:
            r.fail(f"{at}.number", f"balie {number} van {branch!r} komt twee keer voor")
        seen.add((branch, number))
        for sc in c["services"]:
            if sc not in service_codes:
                r.fail(f"{at}.services", f"dienst {sc!r} bestaat niet in [[services]]")
            elif branch in branch_codes and (branch, sc) not in offered:
                r.fail(f"{at}.services", f"dienst {sc!r} wordt niet aangeboden in {branch!r}")
        out.append(
            CounterSpec(branch, number or 0, c["name"], c["services"], COUNTER.columns(c), c)
        )
    return out


def _staff(r: Reader, rows: list[dict[str, Any]], service_codes: set[str]) -> list[StaffSpec]:
    out: list[StaffSpec] = []
    seen: set[str] = set()
    for st in rows:
        at = st["_where"]
        _unique(r, st["code"], seen, f"{at}.code")
        if not st["roles"]:
            r.fail(f"{at}.roles", "noem ten minste één rol: counter, reception, manager of admin")
        skills = {}
        for sc, speed in st["skills"].items():
            if sc not in service_codes:
                r.fail(f"{at}.skills.{sc}", "deze dienst bestaat niet in [[services]]")
            else:
                skills[sc] = speed
        out.append(StaffSpec(st["code"], STAFF.columns(st), skills, st["pin"], st["card_uid"], st))
    return out


def _languages(raw: dict[str, Any]) -> tuple[str, ...]:
    """[municipality] languages, read first: the localized texts are checked against it
    (a wrong list is reported by its own setting)."""
    muni = raw.get("municipality")
    listed = muni.get("languages") if isinstance(muni, dict) else None
    if isinstance(listed, list) and all(isinstance(x, str) for x in listed):
        return tuple(dict.fromkeys(["nl", *listed]))
    return tuple(MUNICIPALITY["languages"].default)


def parse_config(raw: dict[str, Any]) -> ConfigSpec:
    """The whole file read against ``loket.config_schema``; every problem at once."""
    r = Reader(_languages(raw))
    top = r.section(raw, ROOT, "")
    muni = top["municipality"]
    spec = ConfigSpec(municipality=MunicipalitySpec(MUNICIPALITY.columns(muni), muni))
    spec.branches = _branches(r, top["branches"])
    branch_codes = {b.code for b in spec.branches}
    spec.services = _services(r, top["services"], branch_codes)
    spec.counters = _counters(r, top["counters"], branch_codes, spec.services)
    spec.staff = _staff(r, top["staff"], {s.code for s in spec.services})
    spec.planning = config_planning.parse(r, top, branch_codes, {s.code for s in spec.services})
    if top["smtp"] is not None:
        spec.smtp = asdict(smtp_settings(top["smtp"]))
    if top["reports"] is not None:
        mail = top["reports"]
        spec.report_mail = {"to": list(mail["mail_to"]), "language": mail["language"]}
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


def apply_config(
    session: Session, spec: ConfigSpec, card_key: bytes, now: datetime | None = None
) -> ApplyReport:
    """Write ``spec`` to the database, section by section; nothing changes twice."""
    report = ApplyReport()
    _apply_municipality(session, spec, report)
    branches = _apply_branches(session, spec.branches, report)
    services = _apply_services(session, spec.services, report)
    _apply_offers(session, spec.services, branches, services, report)
    _apply_counters(session, spec.counters, branches, services, report)
    _apply_staff(session, spec.staff, services, card_key, report)
    session.flush()
    report.updated += config_planning.apply(session, spec.planning, now or datetime.now())
    return report


def _apply_municipality(session: Session, spec: ConfigSpec, report: ApplyReport) -> None:
    m = spec.municipality
    muni = session.scalar(select(Municipality))
    if muni is None:
        muni = Municipality(name=m.name)
        session.add(muni)
        report.created += 1
    _assign(muni, report, **m.columns, smtp=spec.smtp, report_mail=spec.report_mail)


def _apply_branches(
    session: Session, specs: list[BranchSpec], report: ApplyReport
) -> dict[str, Branch]:
    branches = {b.code: b for b in session.scalars(select(Branch))}
    for bs in specs:
        branch = _upsert(
            session,
            branches,
            bs.code,
            report,
            (Branch, {"code": bs.code, "name": bs.name}),
            **bs.columns,
        )
        _apply_hours(branch, bs, report)
    session.flush()
    return branches


def _apply_hours(branch: Branch, bs: BranchSpec, report: ApplyReport) -> None:
    wanted = sorted((wd, p.start, p.end, p.mode.value) for wd, ps in bs.hours.items() for p in ps)
    have = sorted((p.weekday, p.start, p.end, PeriodMode(p.mode).value) for p in branch.periods)
    if wanted != have:
        branch.periods = [
            OpeningPeriod(weekday=wd, start=s, end=e, mode=PeriodMode(md))
            for wd, s, e, md in wanted
        ]
        report.updated += 1
    wanted_ex = sorted(
        (e.day, p.start, p.end, p.mode.value, e.reason) for e in bs.exceptions for p in e.periods
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


def _apply_services(
    session: Session, specs: list[ServiceSpec], report: ApplyReport
) -> dict[str, Service]:
    services = {s.code: s for s in session.scalars(select(Service))}
    for ss in specs:
        required = ("name_text", "prefix", "duration_minutes")
        _upsert(
            session,
            services,
            ss.code,
            report,
            (Service, {"code": ss.code, **{k: ss.columns[k] for k in required}}),
            **ss.columns,
            active=True,
        )
    _deactivate_missing(services, {s.code for s in specs}, report)
    session.flush()
    return services


def _apply_offers(
    session: Session,
    specs: list[ServiceSpec],
    branches: dict[str, Branch],
    services: dict[str, Service],
    report: ApplyReport,
) -> None:
    wanted_offer = {
        (branches[b].id, services[s.code].id): (
            b in s.walk_in_branches,
            b in s.appointment_branches,
        )
        for s in specs
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


def _apply_counters(
    session: Session,
    specs: list[CounterSpec],
    branches: dict[str, Branch],
    services: dict[str, Service],
    report: ApplyReport,
) -> None:
    counters = {(c.branch_id, c.number): c for c in session.scalars(select(Counter))}
    wanted_counters = set()
    for cs in specs:
        key = (branches[cs.branch].id, cs.number)
        wanted_counters.add(key)
        counter = _upsert(
            session,
            counters,
            key,
            report,
            (Counter, {"branch_id": key[0], "number": cs.number}),
            **cs.columns,
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


def _apply_staff(
    session: Session,
    specs: list[StaffSpec],
    services: dict[str, Service],
    card_key: bytes,
    report: ApplyReport,
) -> None:
    staff = {s.code: s for s in session.scalars(select(Staff))}
    enrolled, disabled = _register_decisions(session)
    for sp in specs:
        member = _upsert(
            session,
            staff,
            sp.code,
            report,
            (Staff, {"code": sp.code, "name": sp.columns["name"], "roles": sp.columns["roles"]}),
            **sp.columns,
            active=sp.code not in disabled,
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
    # Colleagues enrolled with ``loket staff add`` (or the manager's dialog) are the
    # register's, not the file's: a file that does not name them leaves them alone.
    _deactivate_missing(staff, {s.code for s in specs} | enrolled, report)


def _register_decisions(session: Session) -> tuple[set[str], set[str]]:
    """Who the staff register enrolled, and who it switched off last (the event log):
    applying the file again must undo neither."""
    enrolled: set[str] = set()
    last: dict[str, str] = {}
    kinds = ("staff.added", "staff.enabled", "staff.disabled")
    rows = session.execute(
        select(Event.kind, Event.data).where(Event.kind.in_(kinds)).order_by(Event.id)
    )
    for kind, data in rows:
        code = str((data or {}).get("staff", ""))
        if kind == "staff.added":
            enrolled.add(code)
        else:
            last[code] = kind
    return enrolled, {c for c, k in last.items() if k == "staff.disabled"}
