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
            column="info_line",
            default_doc="empty",
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

BRANCH = Section(
    "branches",
    "[[branches]]",
    (
        Setting("code", "text", "lowercase identifier", REQUIRED, check=_code),
        Setting("name", "text", "name of the town hall or service point", REQUIRED, column="name"),
        Setting("address", "text", "address", "", column="address"),
        Setting(
            "wait_area",
            "text",
            'printed on the ticket: "where to wait"',
            "",
            column="wait_area",
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
    ),
    label="code",
    model="Branch",
)

SERVICE = Section(
    "services",
    "[[services]]",
    (
        Setting("code", "text", "lowercase identifier", REQUIRED, check=_code),
        Setting("name", "localized", "the service's name", REQUIRED, column="name"),
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
            column="bring",
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
    ),
    model="Staff",
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
        Setting("smtp", "table", "the mail server", None, section=SMTP),
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
