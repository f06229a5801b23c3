"""``loket keys``: rotate the keys that sign appointment codes (loket/keys.py)."""

from __future__ import annotations

import argparse

from loket.cli.common import add_json, emit, services
from loket.keys import KeyView


def _line(k: KeyView) -> str:
    if k.current:
        state = "in gebruik voor nieuwe codes"
    elif k.last_valid_day:
        state = f"controleert oude codes tot en met {k.last_valid_day.isoformat()}"
    else:
        state = "wordt opgeruimd"
    return f"sleutel {k.key_id:>2}  gemaakt {k.created_at:%Y-%m-%d %H:%M}  {state}"


def _rotate(args: argparse.Namespace) -> int:
    report = services(args).keys.rotate()
    lines = [f"Nieuwe sleutel {report.new_key_id}: nieuwe codes worden daarmee ondertekend."]
    if report.retired:
        lines.append("Opgeruimd (geen geldige codes meer): " + ", ".join(map(str, report.retired)))
    lines += [_line(k) for k in report.keys]
    data = {
        "new_key_id": report.new_key_id,
        "retired": list(report.retired),
        "keys": [k.to_dict() for k in report.keys],
    }
    emit(args, data, "\n".join(lines))
    return 0


def _list(args: argparse.Namespace) -> int:
    keys = services(args).keys.list()
    emit(args, [k.to_dict() for k in keys], "\n".join(map(_line, keys)) or "Nog geen sleutels.")
    return 0


def _retire(args: argparse.Namespace) -> int:
    retired = services(args).keys.retire_expired()
    text = "Opgeruimd: " + ", ".join(map(str, retired)) if retired else "Niets op te ruimen."
    emit(args, {"retired": retired}, text)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="the keys that sign appointment codes: rotate, list")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = ksub.add_parser(
        "rotate",
        help="new codes get a new key; old codes stay valid until their appointment has "
        "passed, then the old key is removed",
    )
    add_json(p)
    p.set_defaults(func=_rotate)
    p = ksub.add_parser("list", help="the code keys and until when each one is needed")
    add_json(p)
    p.set_defaults(func=_list)
    p = ksub.add_parser("retire", help="remove old keys whose codes can no longer be valid")
    add_json(p)
    p.set_defaults(func=_retire)
