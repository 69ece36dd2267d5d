"""Times that end in a zone's abbreviation, as ServiceNow, Jira and change calendars export them
(`2025-11-13 20:30 CST`, `Nov 13, 2025 8:30 PM EST`). No I/O.

With a zone given for the file (--tz, a header or a preamble naming it) an abbreviation that zone uses is read
in it: the zone's own name at that instant (CDT in July, CST in January for America/Chicago), else the offset
the zone has under that name (`20:30 CST` in July is 20:30 at −06:00: the writer said standard time). Without
one, only the abbreviations that name one offset are read; CST (US Central or China), IST (India, Ireland or
Israel) and AST (Atlantic or Arabia) are refused with the --tz that settles them.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from postmortem_skill.helper.model.timeutil import load_zone, localize

_HOURS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "GST": 4, "PKT": 5, "WIB": 7, "ICT": 7, "HKT": 8, "SGT": 8, "AWST": 8, "PHT": 8, "JST": 9,
    "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8,
    "HST": -10, "NST": -3.5, "NDT": -2.5, "ADT": -3, "BRT": -3, "ART": -3,
}
# The words for a US zone's time of year, standard or daylight, whichever applies at that instant.
_REGIONAL = {"CT": "America/Chicago", "ET": "America/New_York", "PT": "America/Los_Angeles",
             "MT": "America/Denver", "AKT": "America/Anchorage"}
# name → (what it may mean, the --tz zones that settle it)
AMBIGUOUS = {
    "CST": ("US Central UTC−6 or China UTC+8", ("America/Chicago", "Asia/Shanghai")),
    "IST": ("India UTC+5:30, Ireland UTC+1 or Israel UTC+2", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")),
    "AST": ("Atlantic UTC−4 or Arabia UTC+3", ("America/Halifax", "Asia/Riyadh")),
}
NAMES = sorted({*_HOURS, *_REGIONAL, *AMBIGUOUS}, key=len, reverse=True)
_TRAILING = re.compile(r"(?P<time>.*(?:\d|[AaPp]\.?[Mm]\.?))(?:\s+(?P<bare>%s)|\s*\((?P<paren>%s)\))\s*"
                       % ("|".join(NAMES), "|".join(NAMES)))
LEADING = re.compile(r"(?P<name>%s)(?=[\s\]|,;]|$)" % "|".join(NAMES))


def split(text: str) -> tuple[str, str] | None:
    """(the time, the abbreviation) of `2025-11-13 20:30 CST` or `… 20:30 (CST)`, else None."""
    m = _TRAILING.fullmatch(text)
    return (m["time"], m["bare"] or m["paren"]) if m else None


def _named_by(zone: tzinfo, name: str, naive: datetime) -> tzinfo | None:
    """`zone` when it calls that instant `name`; the offset it has under that name at another time of the
    year; else None."""
    try:
        if localize(naive, zone).astimezone(zone).tzname() == name:
            return zone
    except ValueError:
        return None
    for month in (1, 7):
        probe = datetime(naive.year, month, 1, 12, tzinfo=zone)
        if probe.tzname() == name:
            return timezone(probe.utcoffset())
    return None


def _same_offset(given: tzinfo, name: str, naive: datetime) -> tzinfo | None:
    """`given` (an offset such as -06:00) when it is one of the offsets an ambiguous name may mean."""
    try:
        offset = localize(naive, given).astimezone(given).utcoffset()
        meant = [_named_by(load_zone(zone), name, naive) for zone in AMBIGUOUS.get(name, ((), ()))[1]]
    except ValueError:
        return None
    return given if any(z is not None and localize(naive, z).astimezone(z).utcoffset() == offset
                        for z in meant) else None


def zone_of(name: str, naive: datetime, given: tzinfo | None, file_name: str | None) -> tzinfo | str:
    """The zone to read `naive` in, or the reason it cannot be read (one line, naming the --tz to pass)."""
    if given is not None and (zone := _named_by(given, name, naive) or _same_offset(given, name, naive)):
        return zone
    if name in _HOURS:
        return timezone(timedelta(hours=_HOURS[name]))
    if name in _REGIONAL:
        try:
            return load_zone(_REGIONAL[name])
        except ValueError:
            return f"time zone {name} needs the tz database (pip install tzdata), or --tz with an offset"
    meaning, zones = AMBIGUOUS[name]
    glob = (file_name or "FILE").replace("\\", "/").rsplit("/", 1)[-1]
    choices = " or ".join(f"--tz '{glob}={zone}'" for zone in zones)
    if given is not None:
        return f"time zone {name} is {meaning}, and not a name of the file's zone {given}: pass {choices}"
    return f"time zone {name} is {meaning}: pass {choices}"
