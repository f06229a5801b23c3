"""``loket events``: the event log, and the live feed for staff IT and scripts."""

from __future__ import annotations

import argparse
import json
import sys

from loket.cli.common import add_json, services
from loket.feed import EventRecord


def _line(record: EventRecord, as_json: bool) -> str:
    if as_json:
        return json.dumps(record, ensure_ascii=False)
    data = record["data"]
    what = " ".join(str(data[k]) for k in ("number", "reference", "counter") if k in data)
    return f"{record['id']:>7} {record['at']} {record['kind']:<24} {what}"


def _events(args: argparse.Namespace) -> int:
    if not args.follow:
        for record in services(args).events_after(args.after, limit=args.limit):
            print(_line(record, args.json))
        return 0
    feed = services(args).open_feed(args.after if args.after else None)
    try:
        while True:
            for record in feed.wait(1.0):
                print(_line(record, args.json), flush=True)
    except KeyboardInterrupt:
        return 0
    finally:
        feed.close()
        sys.stdout.flush()


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("events", help="the event log; --follow prints new events as they happen")
    ev.add_argument("--follow", action="store_true", help="keep printing new events")
    ev.add_argument("--after", type=int, default=0, help="start after this event id")
    ev.add_argument("--limit", type=int, default=1000)
    add_json(ev)
    ev.set_defaults(func=_events)
