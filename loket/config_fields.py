"""The building blocks of the municipality file: ``Setting`` and ``Section``.

A ``Setting`` declares one key of the TOML file once: its kind (type), default,
allowed range or choices, the database column it is stored in, and the text
docs/configuration.md is generated from. A ``Section`` groups the settings of one
table (``[municipality]``, ``[[services]]``, ``[branches.hours]`` …).

``Reader.section`` reads any table against its declaration: every value is
type- and range-checked, defaults are filled in, and a key that is not declared (at
any level) is reported with its place and the nearest valid name. All problems are
collected so the user sees them at once. The declarations themselves live in
``loket.config_schema``; the cross-checks between sections (a counter's branch must
exist) and the database writes in ``loket.config``.

This module imports nothing from the database layer: ``loket.models`` takes its
column defaults from the declarations.
"""

from __future__ import annotations

import copy
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from typing import Any


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""The default of a setting the file must give."""

KINDS = (
    "text",
    "int",
    "float",
    "bool",
    "choice",
    "list",
    "localized",
    "time",
    "date",
    "speeds",
    "table",
    "tables",
    "custom",
)

_KIND_DOC = {
    "text": "text",
    "int": "whole number",
    "float": "number",
    "bool": "`true` / `false`",
    "choice": "one of the choices",
    "list": "list of texts",
    "localized": 'text or `{ nl = "…", de = "…" }` (languages of `languages`)',
    "time": '`"08:30"`',
    "date": "date (`2026-12-24`)",
    "speeds": "`{ code = number }`",
    "table": "table",
    "tables": "list of tables",
    "custom": "text",
}


@dataclass(frozen=True)
class Setting:
    """One key of the municipality file, declared once.

    ``column`` names the attribute of the section's database row the value is
    written to by ``loket.config.apply_config`` (a ``localized`` setting writes a
    table language -> text); ``None`` means the section's own code
    handles it. ``check`` is an extra rule on a well-typed value: it returns the
    problem in plain Dutch, or None. ``parse`` (kind ``custom``) turns the raw value
    into the stored one and raises ``ValueError`` with the problem.
    """

    key: str
    kind: str
    doc: str
    default: Any = None
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    unknown_choice: str = "onbekende waarde"
    column: str | None = None
    section: Section | None = None
    check: Callable[[Any], str | None] | None = None
    parse: Callable[[Any], Any] | None = None
    example: str = ""
    default_doc: str = ""
    type_doc: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.key}: unknown kind {self.kind!r}")
        if self.kind in ("table", "tables") and self.section is None:
            raise ValueError(f"setting {self.key}: kind {self.kind} needs a section")
        if self.kind == "custom" and self.parse is None:
            raise ValueError(f"setting {self.key}: kind custom needs parse")

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def fresh_default(self) -> Any:
        """The default, copied so a list default is never shared between rows."""
        if self.required:
            return _EMPTY.get(self.kind)
        if self.kind == "localized" and isinstance(self.default, str):
            # A text default stands for every language, as a text in the file does.
            return {"nl": self.default} if self.default else {}
        return copy.deepcopy(self.default)

    def describe_type(self) -> str:
        if self.type_doc:
            return self.type_doc
        if self.kind == "table" and self.section is not None:
            return f"table `{self.section.title}`"
        if self.kind == "tables" and self.section is not None:
            return f"list of tables `{self.section.title}`"
        return _KIND_DOC[self.kind]

    def describe_default(self) -> str:
        if self.default_doc:
            return self.default_doc
        if self.required:
            return "required"
        value = self.default
        if value is None:
            return "none"
        if value == "" or value == [] or value == {}:
            return "empty"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + ", ".join(f'"{v}"' for v in value) + "]"
        if isinstance(value, str):
            return f'"{value}"'
        return str(value)

    def describe_allowed(self) -> str:
        if self.choices:
            return ", ".join(f"`{c}`" for c in self.choices)
        if self.low is not None and self.high is not None:
            return f"{_num(self.low)} – {_num(self.high)}"
        if self.low is not None:
            return f"≥ {_num(self.low)}"
        return ""


_EMPTY: dict[str, Any] = {
    "text": "",
    "list": [],
    "localized": {},
    "speeds": {},
    "table": {},
    "tables": [],
}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Section:
    """The declared keys of one table; ``title`` is how the docs name it.

    ``label`` names a setting whose value identifies a row in messages
    (``services[0] (paspoort).prefix``). ``refused`` are keys the file must not hold,
    each with the reason. ``intro`` and ``notes`` are the prose around the table in
    docs/configuration.md.
    """

    name: str
    title: str
    settings: tuple[Setting, ...]
    intro: str = ""
    notes: str = ""
    label: str | None = None
    refused: Mapping[str, str] = field(default_factory=dict)
    model: str | None = None
    """The ``loket.models`` class whose row holds the section (checked by a test)."""

    def __post_init__(self) -> None:
        keys = [s.key for s in self.settings]
        if len(set(keys)) != len(keys):
            raise ValueError(f"section {self.name}: a key is declared twice")

    def __getitem__(self, key: str) -> Setting:
        for setting in self.settings:
            if setting.key == key:
                return setting
        raise KeyError(f"{self.name}.{key}")

    def keys(self) -> list[str]:
        return [s.key for s in self.settings]

    def columns(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Column name -> value for the settings stored as plain columns."""
        out: dict[str, Any] = {}
        for s in self.settings:
            if s.column is None:
                continue
            value = values[s.key]
            out[s.column] = value
        return out

    def column_names(self) -> list[str]:
        """The database columns the section's plain settings are stored in."""
        names: list[str] = []
        for s in self.settings:
            if s.column is not None:
                names.append(s.column)
        return names

    def walk(self) -> Iterator[Section]:
        """This section and every section nested in it, depth first."""
        yield self
        for s in self.settings:
            if s.section is not None:
                yield from s.section.walk()


def at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def nearest(key: str, valid: list[str]) -> str | None:
    match = difflib.get_close_matches(key, valid, n=1, cutoff=0.0)
    return match[0] if match else None


_TIME_RE = re.compile(r"\d{1,2}[:.]\d{2}")


class Reader:
    """Reads tables against their declarations; collects problems, never stops early."""

    def __init__(self, languages: tuple[str, ...] = ("nl", "en")) -> None:
        self.problems: list[str] = []
        # [municipality] languages: the languages a localized text may have.
        self.languages = languages

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    # -- tables ---------------------------------------------------------------------

    def section(self, table: Any, section: Section, where: str) -> dict[str, Any]:
        """Every declared setting of ``section`` read from ``table`` (defaults filled)."""
        if not isinstance(table, dict):
            self.fail(where, f"moet een tabel zijn ({section.title})")
            table = {}
        values: dict[str, Any] = {}
        label = where
        if section.label is not None:
            values[section.label] = self.value(table, section[section.label], where)
            if isinstance(values[section.label], str) and values[section.label]:
                label = f"{where} ({values[section.label]})"
        self.unknown_keys(table, section, label)
        for setting in section.settings:
            if setting.key not in values:
                values[setting.key] = self.value(table, setting, label)
        values["_where"] = label  # the place for messages: "services[0] (paspoort)"
        values["_at"] = where  # the bare place: "services[0]"
        return values

    def unknown_keys(self, table: Mapping[str, Any], section: Section, where: str) -> None:
        valid = section.keys()
        for key in table:
            if key in section.refused:
                self.fail(at(where, key), section.refused[key])
            elif key not in valid:
                self.fail(at(where, key), unknown_key_text(key, section))

    def value(self, table: Mapping[str, Any], setting: Setting, where: str) -> Any:
        place = at(where, setting.key)
        if setting.key not in table or table[setting.key] is None:
            if setting.required:
                self.fail(place, "ontbreekt (verplicht veld)" + _example(setting))
            return setting.fresh_default()
        raw = table[setting.key]
        value = _READERS[setting.kind](self, raw, setting, place)
        if value is _INVALID:
            return setting.fresh_default()
        if setting.check is not None:
            problem = setting.check(value)
            if problem:
                self.fail(place, problem)
        return value

    # -- scalar kinds -----------------------------------------------------------------

    def read_text(self, raw: Any, s: Setting, place: str) -> Any:
        if not isinstance(raw, str):
            self.fail(place, f"moet tekst zijn, niet {raw!r}")
            return _INVALID
        if s.required and not raw.strip():
            self.fail(place, "mag niet leeg zijn")
        limit = _text_limit(s)
        if len(raw.strip()) > limit:
            self.fail(place, f"is te lang: hoogstens {limit} tekens, nu {len(raw.strip())}")
            return _INVALID
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in raw.strip()):
            self.fail(place, "bevat tekens die niet kunnen (bijvoorbeeld een tab of NUL)")
            return _INVALID
        return raw.strip()

    def read_int(self, raw: Any, s: Setting, place: str) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.fail(place, f"moet een heel getal zijn, niet {raw!r}")
            return _INVALID
        return self._range(raw, s, place)

    def read_float(self, raw: Any, s: Setting, place: str) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.fail(place, f"moet een getal zijn, niet {raw!r}")
            return _INVALID
        return self._range(float(raw), s, place)

    def _range(self, value: float, s: Setting, place: str) -> Any:
        low = s.low if s.low is not None else float("-inf")
        high = s.high if s.high is not None else float("inf")
        if not low <= value <= high:
            self.fail(
                place,
                f"moet tussen {_num(low)} en {_num(high)} liggen, niet {_num(value)}",
            )
        return value

    def read_bool(self, raw: Any, s: Setting, place: str) -> Any:
        if not isinstance(raw, bool):
            self.fail(place, f"moet true of false zijn, niet {raw!r}")
            return _INVALID
        return raw

    def read_choice(self, raw: Any, s: Setting, place: str) -> Any:
        if raw not in s.choices:
            self.fail(place, f"moet {_or(s.choices)} zijn, niet {raw!r}")
            return _INVALID
        return raw

    def read_list(self, raw: Any, s: Setting, place: str) -> Any:
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            self.fail(place, 'moet een lijst met teksten zijn, bijvoorbeeld ["a", "b"]')
            return _INVALID
        for item in raw:
            if s.choices and item not in s.choices:
                self.fail(
                    place,
                    f"{s.unknown_choice} {item!r}; kies uit {', '.join(sorted(s.choices))}",
                )
        return list(raw)

    def read_localized(self, raw: Any, s: Setting, place: str) -> Any:
        """A text (Dutch, shown in every language without its own) or a table
        language -> text; every language must be in ``[municipality] languages``."""
        if isinstance(raw, str):
            raw = {"nl": raw}
        if not isinstance(raw, dict):
            self.fail(place, 'moet tekst zijn of een tabel per taal, bijvoorbeeld { nl = "…" }')
            return _INVALID
        texts: dict[str, str] = {}
        for key, text in raw.items():
            if key not in self.languages:
                self.fail(
                    f"{place}.{key}",
                    f"taal {key!r} staat niet in municipality.languages "
                    f"({', '.join(self.languages)}); voeg de taal daar toe of haal deze "
                    "tekst weg",
                )
            elif not isinstance(text, str):
                self.fail(f"{place}.{key}", "moet tekst zijn")
            elif len(text.strip()) > _text_limit(s):
                self.fail(
                    f"{place}.{key}",
                    f"is te lang: hoogstens {_text_limit(s)} tekens, nu {len(text.strip())}",
                )
            elif any(unicodedata.category(c) in ("Cc", "Cs") for c in text.strip()):
                self.fail(
                    f"{place}.{key}", "bevat tekens die niet kunnen (bijvoorbeeld een tab of NUL)"
                )
            elif text.strip():
                texts[key] = text.strip()
        if "nl" not in raw:
            if s.required:
                self.fail(f"{place}.nl", "ontbreekt (verplicht veld)")
        elif s.required and not texts.get("nl"):
            self.fail(f"{place}.nl", "mag niet leeg zijn")
        return texts

    def read_time(self, raw: Any, s: Setting, place: str) -> Any:
        if isinstance(raw, time):
            return raw
        if isinstance(raw, str) and _TIME_RE.fullmatch(raw.strip()):
            hours, minutes = (int(p) for p in re.split(r"[:.]", raw.strip()))
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
        self.fail(place, f'moet een tijd zijn zoals "08:30", niet {raw!r}')
        return _INVALID

    def read_date(self, raw: Any, s: Setting, place: str) -> Any:
        if isinstance(raw, date) and not hasattr(raw, "hour"):
            return raw
        self.fail(place, f"moet een datum zijn zoals 2026-12-24, niet {raw!r}")
        return _INVALID

    def read_speeds(self, raw: Any, s: Setting, place: str) -> Any:
        if not isinstance(raw, dict):
            self.fail(place, f"moet een tabel zijn: {s.example or '{ code = 1.0 }'}")
            return _INVALID
        out: dict[str, float] = {}
        for key, speed in raw.items():
            ok = not isinstance(speed, bool) and isinstance(speed, int | float)
            if not ok or not (s.low or 0) <= speed <= (s.high or float("inf")):
                self.fail(
                    f"{place}.{key}",
                    f"snelheid moet een getal tussen {_num(s.low or 0)} en "
                    f"{_num(s.high or 0)} zijn, niet {speed!r}",
                )
                continue
            out[key] = float(speed)
        return out

    def read_custom(self, raw: Any, s: Setting, place: str) -> Any:
        assert s.parse is not None
        try:
            return s.parse(raw)
        except ValueError as exc:
            self.fail(place, str(exc))
            return _INVALID

    # -- nested tables ----------------------------------------------------------------

    def read_table(self, raw: Any, s: Setting, place: str) -> Any:
        assert s.section is not None
        return self.section(raw, s.section, place)

    def read_tables(self, raw: Any, s: Setting, place: str) -> Any:
        assert s.section is not None
        if not isinstance(raw, list) or not all(isinstance(v, dict) for v in raw):
            example = f", bijvoorbeeld {s.example}" if s.example else ""
            self.fail(place, f"moet een lijst van tabellen zijn ({s.section.title}){example}")
            return _INVALID
        return [self.section(item, s.section, f"{place}[{i}]") for i, item in enumerate(raw)]


_INVALID: Any = object()

_READERS: dict[str, Callable[[Reader, Any, Setting, str], Any]] = {
    "text": Reader.read_text,
    "int": Reader.read_int,
    "float": Reader.read_float,
    "bool": Reader.read_bool,
    "choice": Reader.read_choice,
    "list": Reader.read_list,
    "localized": Reader.read_localized,
    "time": Reader.read_time,
    "date": Reader.read_date,
    "speeds": Reader.read_speeds,
    "custom": Reader.read_custom,
    "table": Reader.read_table,
    "tables": Reader.read_tables,
}
assert set(_READERS) == set(KINDS)


def unknown_key_text(key: str, section: Section) -> str:
    """``onbekende instelling in [[services]]; bedoelt u 'prefix'?`` (plain Dutch)."""
    valid = section.keys()
    best = nearest(key, valid)
    text = f"onbekende instelling in {section.title}"
    if best is not None:
        text += f"; bedoelt u {best!r}?"
    if not difflib.get_close_matches(key, valid, n=1, cutoff=0.6):
        text += f" Geldige namen: {', '.join(valid)}."
    return text


def _example(s: Setting) -> str:
    return f", bijvoorbeeld {s.example}" if s.example else ""


def _or(choices: tuple[str, ...]) -> str:
    if len(choices) == 1:
        return choices[0]
    return ", ".join(choices[:-1]) + " of " + choices[-1]


# -- the documentation -----------------------------------------------------------------


def render_section(section: Section, level: int, done: set[str]) -> list[str]:
    """One section's table and prose, then its nested sections (each only once)."""
    done.add(section.name)
    lines = [f"{'#' * level} `{section.title}`", ""]
    if section.intro:
        lines += [section.intro.strip(), ""]
    lines += [
        "| key | type | default | allowed | meaning |",
        "|---|---|---|---|---|",
    ]
    for s in section.settings:
        doc = " ".join(s.doc.split())
        lines.append(
            f"| `{s.key}` | {s.describe_type()} | {s.describe_default()} "
            f"| {s.describe_allowed()} | {doc} |"
        )
    for key, reason in section.refused.items():
        lines.append(f"| `{key}` | — | — | never | {reason} |")
    lines.append("")
    if section.notes:
        lines += [section.notes.strip(), ""]
    for s in section.settings:
        if s.section is not None and s.section.name not in done:
            lines += render_section(s.section, min(level + 1, 4), done)
    return lines


def render_markdown(root: Section, preamble: str) -> str:
    """docs/configuration.md, generated from the declarations."""
    lines = [preamble.strip(), ""]
    done: set[str] = set()
    for s in root.settings:
        assert s.section is not None
        lines += render_section(s.section, 2, done)
    return "\n".join(lines).rstrip() + "\n"


def _text_limit(s: Setting) -> int:
    """The most characters the setting's database column holds (the same check
    ``loket.limits`` makes on other input), or a generous cap for text kept elsewhere."""
    return _column_lengths().get(id(s), 500)


@lru_cache(maxsize=1)
def _column_lengths() -> dict[int, int]:
    from loket import models
    from loket.config_schema import SECTIONS

    lengths: dict[int, int] = {}
    for section in SECTIONS.values():
        table = getattr(getattr(models, section.model or "", None), "__table__", None)
        for setting in section.settings:
            column = table.c.get(setting.column) if table is not None and setting.column else None
            length = getattr(column.type, "length", None) if column is not None else None
            if length:
                lengths[id(setting)] = int(length)
    return lengths
