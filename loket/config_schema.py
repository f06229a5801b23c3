"""Every setting of the municipality file, declared once.

To add a setting, add one ``Setting(...)`` to its section below. That one declaration
gives the file's type and range check, the default, the error for a misspelt key,
and the row in docs/configuration.md (regenerate it with ``python -m loket.config_schema >
docs/configuration.md``; a test fails while it is stale). A setting with a ``column``
is written to that attribute of the section's database row by ``loket config apply``
with no further code; the column itself (``loket/models.py``, taking its default from
``declared(...)``) and a migration are the only other edits. See docs/architecture.md,
"How to add a setting".
"""

from __future__ import annotations

import re
from typing import Any

from loket import security
from loket.config_fields import REQUIRED, Section, Setting, render_markdown
from loket.dispatch_policies import DEFAULT as DEFAULT_POLICY
from loket.dispatch_policies import LIVE_POLICIES
from loket.language import SOURCE, shipped

CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
PREFIX_RE = re.compile(r"^[A-Z]{1,2}$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MODES = ("walk_in", "appointment", "mixed")
ROLES = ("admin", "counter", "manager", "reception")
CHANNELS = ("counter", "import", "online", "phone")


def _code(value: str) -> str | None:
    if not CODE_RE.match(value):
        return f"alleen kleine letters, cijfers, - en _, niet {value!r}"
    return None


def _with_dutch(value: list[str]) -> str | None:
    if SOURCE not in value:
        return 'moet "nl" bevatten: Nederlands is er altijd'
    if len(set(value)) != len(value):
        return "noemt een taal twee keer"
    return None


def _prefix(value: str) -> str | None:
    if value and not PREFIX_RE.match(value):
        return f"moet 1 of 2 hoofdletters zijn, niet {value!r}"
    return None


def _pin(value: Any) -> str:
    pin = str(value)
    security.validate_pin(pin)  # ValueError names the problem
    return pin


def _card_uid(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"([0-9A-Fa-f]{2}){4,10}", value):
        return value
    raise ValueError("moet de UID van de pas zijn in hex, bijvoorbeeld 04A1B2C3")


def _time_zone(value: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f'moet een tijdzone zijn zoals "Europe/Amsterdam", niet {value!r}'
    return None


def _email(value: str) -> str | None:
    if "@" not in value:
        return 'moet een e-mailadres zijn, bijvoorbeeld "afspraken@gemeente.nl"'
    return None


PERIOD = Section(
    "period",
    "{ from, to, mode }",
    (
        Setting("from", "time", "start of the period", REQUIRED),
        Setting("to", "time", "end of the period (after `from`)", REQUIRED),
        Setting(
            "mode",
            "choice",
            "`walk_in`: only without an appointment; `appointment`: only with one; `mixed`: both",
            "mixed",
            choices=MODES,
        ),
    ),
)

_PERIODS_EXAMPLE = '[{ from = "08:30", to = "12:30", mode = "mixed" }]'

HOURS = Section(
    "hours",
    "[branches.hours]",
    tuple(
        Setting(
            day,
            "tables",
            f"opening periods on {day.capitalize()}",
            [],
            section=PERIOD,
            example=_PERIODS_EXAMPLE,
            default_doc="closed",
        )
        for day in WEEKDAYS
    ),
    intro="A list of periods per weekday, e.g. "
    '`monday = [{ from = "08:30", to = "12:30", mode = "mixed" }]`. '
    "Periods of one day may not overlap.",
)

EXCEPTION = Section(
    "exception",
    "[[branches.exceptions]]",
    (
        Setting("date", "date", "the day the weekly hours are replaced", REQUIRED),
        Setting("reason", "text", "shown to visitors", ""),
        Setting(
            "periods",
            "tables",
            "the periods it is open that day; none: closed",
            [],
            section=PERIOD,
            example=_PERIODS_EXAMPLE,
        ),
    ),
    intro="Replaces the weekly hours on one `date`: without `periods` the branch is "
    "closed that day (`reason` is shown to visitors); with `periods` it opens only then "
    "(an extra session, e.g. at the library on a Thursday morning).",
    notes="Closures and extra sessions entered at reception are kept when the file is "
    "applied again; only the `[[branches.exceptions]]` of the file itself are replaced.",
)

MUNICIPALITY = Section(
    "municipality",
    "[municipality]",
    (
        Setting(
            "name",
            "text",
            "shown on tickets and screens",
            REQUIRED,
            column="name",
            example='name = "Gemeente Dalfsen"',
        ),
        Setting(
            "wait_norm_minutes",
            "int",
            "the waiting-time norm",
            5,
            low=1,
            high=120,
            column="wait_norm_minutes",
        ),
        Setting(
            "max_calls",
            "int",
            'calls before "niet gekomen" is allowed',
            3,
            low=1,
            high=10,
            column="max_calls",
        ),
        Setting(
            "early_checkin_minutes",
            "int",
            "how early a visitor with an appointment may check in",
            60,
            low=0,
            high=600,
            column="early_checkin_minutes",
        ),
        Setting(
            "late_minutes",
            "int",
            "how late still keeps the appointment's priority; later becomes a walk-in",
            10,
            low=0,
            high=240,
            column="late_minutes",
        ),
        Setting(
            "purge_after_days",
            "int",
            "days after the visit that personal data is removed",
            30,
            low=0,
            high=3650,
            column="purge_after_days",
        ),
        Setting(
            "info_line",
            "localized",
            "calm line on the waiting-room screen",
            "",
            column="info_line_text",
            default_doc="empty",
        ),
        Setting(
            "languages",
            "list",
            "languages the kiosk, display, ticket, letter and e-mail offer; Dutch always",
            ["nl", "en"],
            choices=shipped(),
            unknown_choice="onbekende taal (geen vertaling in assets/translations)",
            check=_with_dutch,
            column="languages",
            example='languages = ["nl", "en", "de", "pl", "tr", "uk", "ar"]',
        ),
        Setting(
            "phone",
            "text",
            "phone number for appointments; letters and e-mails say to call it to cancel",
            "",
            column="phone",
            example='phone = "14 0529"',
        ),
        Setting(
            "website",
            "text",
            "website for appointments; letters and e-mails say to cancel there",
            "",
            column="website",
            example='website = "www.dalfsen.nl/afspraak"',
        ),
        Setting(
            "target_share",
            "float",
            "share of visitors to call within the norm (0.95 = 95%); monitor, plan, reports",
            0.95,
            low=0.5,
            high=1.0,
            column="target_share",
        ),
        Setting(
            "satisfaction_target",
            "float",
            "the mean score (1–10) to reach; reports",
            7.5,
            low=1,
            high=10,
            column="satisfaction_target",
        ),
        Setting(
            "time_zone",
            "text",
            "the municipality's time zone (IANA name): every PC computes opening hours, "
            "check-in windows and the display clock in it, whatever its own zone",
            "Europe/Amsterdam",
            check=_time_zone,
            column="time_zone",
        ),
        Setting(
            "dispatch_policy",
            "choice",
            'how a counter\'s "call next" picks the visitor: `loket` weighs each wait '
            "against the norm and lets appointments go first; `longest_wait` calls the "
            "visitor waiting longest (loket/dispatch_policies.py)",
            DEFAULT_POLICY,
            choices=tuple(LIVE_POLICIES),
            column="dispatch_policy",
        ),
    ),
    model="Municipality",
)


def _overrides(where: str) -> tuple[Setting, ...]:
    """Optional overrides of the municipality's targets for one branch or service."""
    return (
        Setting(
            "wait_norm_minutes",
            "int",
            f"the waiting-time norm for this {where}",
            None,
            low=1,
            high=120,
            column="wait_norm_minutes",
            default_doc="the municipality's",
        ),
        Setting(
            "target_share",
            "float",
            f"share to call within the norm for this {where}",
            None,
            low=0.5,
            high=1.0,
            column="target_share",
            default_doc="the municipality's",
        ),
        Setting(
            "satisfaction_target",
            "float",
            f"mean score to reach for this {where}",
            None,
            low=1,
            high=10,
            column="satisfaction_target",
            default_doc="the municipality's",
        ),
    )


BRANCH = Section(
    "branches",
    "[[branches]]",
    (
        Setting("code", "text", "lowercase identifier", REQUIRED, check=_code),
        Setting("name", "text", "name of the town hall or service point", REQUIRED, column="name"),
        Setting("address", "text", "address", "", column="address"),
        Setting(
            "wait_area",
            "localized",
            "where to wait, on the kiosk and the ticket; a language without its own text "
            'says "the waiting area"',
            "",
            column="wait_area_text",
            default_doc='"de wachtruimte"',
            example='wait_area = { nl = "de wachtruimte in de hal", en = "the waiting area" }',
        ),
        Setting(
            "public_holidays",
            "bool",
            "closed on Dutch public holidays",
            True,
            column="public_holidays",
        ),
        Setting(
            "hours", "table", "the weekly opening hours", {}, section=HOURS, default_doc="closed"
        ),
        Setting(
            "exceptions",
            "tables",
            "closures and extra sessions on one date",
            [],
            section=EXCEPTION,
        ),
        *_overrides("service point"),
    ),
    label="code",
    model="Branch",
)

SERVICE = Section(
    "services",
    "[[services]]",
    (
        Setting("code", "text", "lowercase identifier", REQUIRED, check=_code),
        Setting("name", "localized", "the service's name", REQUIRED, column="name_text"),
        Setting(
            "prefix",
            "text",
            "1–2 capital letters on the ticket; unique",
            REQUIRED,
            check=_prefix,
            column="prefix",
        ),
        Setting(
            "duration",
            "int",
            "expected minutes at the counter",
            REQUIRED,
            low=1,
            high=240,
            column="duration_minutes",
        ),
        Setting(
            "bring",
            "localized",
            "what to bring, in plain language (B1)",
            "",
            column="bring_text",
        ),
        Setting("icon", "text", "pictogram name for the kiosk", "", column="icon"),
        Setting(
            "channels",
            "list",
            "how it can be booked",
            ["online", "phone", "counter"],
            choices=CHANNELS,
            unknown_choice="onbekend kanaal",
            column="channels",
        ),
        Setting("branches", "list", "where it is offered (at least one)", []),
        Setting(
            "walk_in_branches",
            "list",
            "where it can be asked without an appointment",
            None,
            default_doc="all `branches`",
        ),
        Setting(
            "appointment_branches",
            "list",
            "where it can be booked",
            None,
            default_doc="all `branches`",
        ),
        *_overrides("service"),
    ),
    label="code",
    model="Service",
)

COUNTER = Section(
    "counters",
    "[[counters]]",
    (
        Setting("branch", "text", "the branch's `code`", REQUIRED),
        Setting("number", "int", "the counter's number", REQUIRED, low=1, high=999),
        Setting("name", "text", "name on the screens", "", default_doc='"Balie <number>"'),
        Setting("services", "list", "the services the counter is equipped for", []),
    ),
    model="Counter",
)

WINDOW = Section(
    "window",
    "{ from, to }",
    (
        Setting("from", "time", "start of the window", REQUIRED),
        Setting("to", "time", "end of the window (after `from`)", REQUIRED),
    ),
)

AVAILABILITY = Section(
    "availability",
    "[staff.availability]",
    tuple(
        Setting(
            day,
            "tables",
            f"when the colleague can work on {day.capitalize()}",
            [],
            section=WINDOW,
            example='[{ from = "08:30", to = "12:30" }]',
            default_doc="not",
        )
        for day in WEEKDAYS
    ),
    intro="Per weekday the windows a colleague can work, e.g. "
    '`monday = [{ from = "08:30", to = "17:00" }]`. A colleague without '
    "`availability` may be rostered in any opening hour; with it, only in the windows "
    "given (a weekday left out: not that day).",
)

ABSENCE = Section(
    "absence",
    "[[staff.absences]]",
    (
        Setting("from", "date", "first day away", REQUIRED),
        Setting("to", "date", "last day away (inclusive)", REQUIRED),
        Setting(
            "reason",
            "choice",
            "why (seen by team leaders only, never in the event log)",
            "leave",
            choices=("leave", "other", "sick"),
        ),
    ),
    intro="Planned absences. Absences entered with `loket staff absent` or in the "
    "manager window are kept when the file is applied again.",
)

STAFF = Section(
    "staff",
    "[[staff]]",
    (
        Setting("code", "text", "the colleague's login code", REQUIRED),
        Setting("name", "text", "the colleague's name", REQUIRED, column="name"),
        Setting(
            "roles",
            "list",
            "what the colleague may do (at least one)",
            [],
            choices=ROLES,
            unknown_choice="onbekende rol",
            column="roles",
        ),
        Setting(
            "skills",
            "speeds",
            "a speed factor per service, 1.0 = the service's duration; a colleague "
            "without skills may serve whatever the counter serves",
            {},
            low=0.2,
            high=5,
            example="{ paspoort = 1.0 }",
        ),
        Setting(
            "pin",
            "custom",
            "for demos and tests only: stored hashed (scrypt)",
            None,
            parse=_pin,
        ),
        Setting(
            "card_uid",
            "custom",
            "for demos and tests only: the card's UID in hex, stored as a keyed HMAC",
            None,
            parse=_card_uid,
        ),
        Setting(
            "hours_per_week",
            "float",
            "contract hours; planning gives at most a fifth of them per day",
            None,
            low=0,
            high=60,
            default_doc="no limit (8 hours a day)",
        ),
        Setting(
            "service_points",
            "list",
            "the branches (`code`) the colleague may work at",
            [],
            default_doc="every branch",
        ),
        Setting(
            "availability",
            "table",
            "when the colleague can work, per weekday",
            None,
            section=AVAILABILITY,
            default_doc="any opening hour",
        ),
        Setting("absences", "tables", "leave and other planned absences", [], section=ABSENCE),
    ),
    model="Staff",
)

TRAVEL = Section(
    "travel",
    "[[travel]]",
    (
        Setting("from", "text", "a branch's `code`", REQUIRED),
        Setting("to", "text", "another branch's `code`", REQUIRED),
        Setting("minutes", "int", "travel time, both ways", REQUIRED, low=0, high=240),
    ),
    intro="Travel time between service points: planning never rosters a colleague at "
    "two branches with less time between the shifts.",
)

VOLUME = Section(
    "volumes",
    "[[volumes]]",
    (
        Setting("branch", "text", "the branch's `code`", REQUIRED),
        Setting("service", "text", "the service's `code`", REQUIRED),
        Setting(
            "walk_ins", "float", "walk-in visitors expected per open day", 0.0, low=0, high=5000
        ),
        Setting(
            "appointments", "float", "appointments expected per open day", 0.0, low=0, high=5000
        ),
        Setting(
            "weekdays",
            "list",
            "the weekdays this holds for",
            list(WEEKDAYS[:5]),
            choices=WEEKDAYS,
            unknown_choice="onbekende dag",
            default_doc="monday to friday",
        ),
    ),
    intro="Expected visits before there is history: the forecast of the day plan uses "
    "them until the event log holds earlier weeks of the same weekday, and says which "
    "it used.",
)

SMTP = Section(
    "smtp",
    "[smtp]",
    (
        Setting(
            "host",
            "text",
            "the mail server",
            REQUIRED,
            example='"smtp.gemeente.nl"',
        ),
        Setting("port", "int", "its port", 587, low=1, high=65535),
        Setting("sender", "text", "the From address", REQUIRED, check=_email),
        Setting("starttls", "bool", "encrypt with STARTTLS", True),
        Setting("username", "text", "login name, if the server wants one", None),
    ),
    intro="Optional: the mail server for appointment confirmations. Applying the file "
    "stores these settings in the database, so every reception PC uses them.",
    refused={
        "password": "zet het wachtwoord niet in het bestand; gebruik de "
        "omgevingsvariabele LOKET_SMTP_PASSWORD",
    },
)

REPORTS = Section(
    "reports",
    "[reports]",
    (
        Setting(
            "mail_to",
            "list",
            "who gets the monthly report (PDF and CSV) by e-mail",
            [],
            check=lambda v: next((p for a in v if (p := _email(str(a)))), None),
            example='["teamleider@gemeente.nl"]',
        ),
        Setting("language", "choice", "language of the report", "nl", choices=("nl", "en")),
    ),
    intro="Optional: the monthly report. The first staff PC whose daily timer runs after "
    "the 1st mails last month's report to `mail_to` through `[smtp]`, once for all PCs.",
)

ROOT = Section(
    "",
    "het bestand",
    (
        Setting(
            "municipality",
            "table",
            "the municipality",
            REQUIRED,
            section=MUNICIPALITY,
            example='[municipality] met name = "…"',
        ),
        Setting("branches", "tables", "town hall and service points", [], section=BRANCH),
        Setting("services", "tables", "what visitors come for", [], section=SERVICE),
        Setting("counters", "tables", "the counters", [], section=COUNTER),
        Setting("staff", "tables", "the colleagues", [], section=STAFF),
        Setting("travel", "tables", "travel time between service points", [], section=TRAVEL),
        Setting("volumes", "tables", "expected visits per day", [], section=VOLUME),
        Setting("smtp", "table", "the mail server", None, section=SMTP),
        Setting("reports", "table", "the monthly report by e-mail", None, section=REPORTS),
    ),
)

SECTIONS = {s.name: s for s in ROOT.walk() if s.name}

PREAMBLE = """\
# The municipality file

<!-- Generated from loket/config_schema.py by `python -m loket.config_schema`: do not edit. -->

One TOML file describes a municipality. Apply it with `loket config apply FILE`; it is
safe to apply again (nothing changes when nothing changed). Services, counters and staff
left out of a later version are switched off, never deleted, so history keeps its
meaning. Every problem is reported at once, with the field and what is wrong, e.g.
`services[0] (paspoort).prefix: moet 1 of 2 hoofdletters zijn, niet 'a1'`. A key that is
not listed below is an error naming its place and the nearest valid name
(`municipality.wait_norm_minute: onbekende instelling in [municipality]; bedoelt u
'wait_norm_minutes'?`), and then nothing is applied.

The example file is `assets/demo/municipality.toml`.
"""


def declared(section: str, key: str) -> Any:
    """The declared default of ``section.key`` (for ``loket.models`` column defaults)."""
    return SECTIONS[section][key].default


def markdown() -> str:
    """The text of docs/configuration.md."""
    return render_markdown(ROOT, PREAMBLE)


if __name__ == "__main__":
    print(markdown(), end="")
