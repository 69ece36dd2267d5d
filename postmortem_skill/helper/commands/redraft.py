"""`new --force` on a draft that exists, and the numbered row list `new` writes beside a draft.

Rebuilding a draft with other rows, marks or zones must not cost what the first run was told: the title,
severity, date, template and language of the draft it replaces are kept unless given again (on the command
line or in the facts file), and stderr says which. Nor may it cost what the writer wrote: `new` records a
fingerprint of the draft it wrote in ID.rows.txt (a template with no rows is known by its text); a draft that
no longer matches (edited by hand, or made before `new` kept one) is copied to ID.md.bak first.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import scaffold
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.timeutil import parse_date, parse_timestamp

KEPT = ("title", "severity", "date")  # facts a facts file may also give
_FINGERPRINT = re.compile(r"^# draft as written: sha256 ([0-9a-f]{64})$", re.M)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def previous_metadata(text: str, scale) -> dict[str, str]:
    """The title, severity, date and template a draft states, its [TODO] slots and values `new` would refuse
    (a severity off the scale, a date that is no date) left out."""
    doc = parse_document(text)
    found: dict[str, str] = {}
    if doc.title and "[TODO" not in doc.title:
        found["title"] = doc.title.strip()
    severity = doc.field("severity")
    if severity and "[TODO" not in severity.value:
        try:
            found["severity"] = scaffold.check_severity(severity.value, scale)
        except ValueError:
            pass
    day = doc.field("date")
    if day and "[TODO" not in day.value:
        try:
            found["date"] = parse_date(day.value.strip()).isoformat()
        except ValueError:
            pass
    if doc.template_declared and doc.template in ("standard", "quick", "five-whys", "zh"):
        found["template"] = doc.template
    return found


def carry_over(args, previous: dict[str, str], facts_given: set[str]) -> tuple[dict[str, str], list[str]]:
    """(title/severity/date for the facts, as a layer under the facts file's and the command line's; what
    was kept, for stderr). The template and language go into `args` unless either was given: --lang zh
    alone means the zh template, --template quick alone an English draft."""
    layer = {k: v for k, v in previous.items() if k in KEPT and not getattr(args, k) and k not in facts_given}
    kept = [f'{k} "{v}"' if k == "title" else f"{k} {v}" for k, v in layer.items()]
    template = previous.get("template")
    if template and args.template is None and args.lang is None:
        args.lang = "zh" if template == "zh" else "en"
        args.template = None if template == "zh" else template
        kept.append(f"template {template}")
    elif template and args.lang is not None and args.template is None and (template == "zh") == (args.lang == "zh"):
        args.template = None if template == "zh" else template
        kept.append(f"template {template}")
    return layer, kept


def say_kept(target: Path, kept: list[str]) -> str:
    return (f"{target}: kept from the draft it replaces: {', '.join(kept)} (give --title, --severity, --date, "
            "--template or --lang to change them)")


def rows_file(target: Path) -> Path:
    return target.with_name(f"{target.stem}.rows.txt")


def keep_edited(target: Path, old: str, new: str, plain: str | None = None) -> Path | None:
    """Copy the draft about to be replaced to ID.md.bak (ID.md.bak.2, … when taken) unless it is what `new`
    last wrote there (the fingerprint in ID.rows.txt says so, or it is `plain`, the template as `new` fills
    it with the draft's own title, severity and date) or what it writes now; the copy's path, or None."""
    listing = rows_file(target)
    try:
        recorded = _FINGERPRINT.search(listing.read_text(encoding="utf-8")) if listing.is_file() else None
    except (OSError, UnicodeDecodeError):
        recorded = None
    if old in (new, plain) or (recorded and recorded[1] == fingerprint(old)):
        return None
    backup, number = target.with_name(target.name + ".bak"), 1
    while backup.exists():
        number += 1
        backup = target.with_name(f"{target.name}.bak.{number}")
    try:
        shutil.copyfile(target, backup)
    except OSError as exc:
        raise UsageError(f"{backup}: cannot keep a copy of the edited draft ({exc.strerror}); nothing replaced") \
            from None
    return backup


def ours(listing: Path) -> bool:
    """Whether ID.rows.txt is absent or a row list `new` wrote: a file of the user's by that name is theirs."""
    try:
        return not listing.exists() or listing.read_text(encoding="utf-8").startswith("# rows of ")
    except (OSError, UnicodeDecodeError):
        return False


def drop_stale(listing: Path) -> None:
    """Remove a row list `new` wrote for an earlier draft of this id (a facts file's draft has none)."""
    try:
        if listing.is_file() and ours(listing):
            listing.unlink()
    except OSError:
        pass


def say_edited(target: Path, backup: Path) -> str:
    return (f"{target}: not the draft `new` last wrote there (edited by hand?): the old text is kept in {backup}; "
            "copy what was written there into the new draft")


# --------------------------------------------------------------------------- the numbered rows

SAMPLE_WIDTH = 100  # a metric sample's row in the file: its first values say enough
_SAMPLE = re.compile(r"[^=\s|]{1,60}=\S")  # `error_pct=4.00, p99_ms=1400`: a metric sample's row


def _on_clock(time_text: str, clock: scaffold.Clock) -> str:
    """`2026-11-18T06:56:00Z` as `11-18 14:56:00` on a UTC+8 clock; a date row's `2026-11-18` as `11-18`."""
    when = parse_timestamp(time_text)
    if when is not None and when.tzinfo is not None:
        return f"{when.astimezone(clock.zone):%m-%d %H:%M:%S}"
    if re.match(r"\d{4}-\d{2}-\d{2}", time_text):
        return time_text[5:19].replace("T", " ")
    return time_text.strip()[:14]  # a facts file's `10:15`: as written


def row_lines(records: list, kept: set[int], clock: scaffold.Clock, only_kept: bool = False,
              width: int | None = None, sources: bool = False) -> list[str]:
    """`  * 12  11-19 13:03:07  text`, one a row, `*` on the rows in the draft, times on the draft's clock;
    `width`: texts cut to it (stderr's short list), else whole but a metric sample's (the file, read with
    grep: the INC-13 trial's assistant needed two more calls to read the chat messages the file had cut);
    `sources`: each followed by its file and line, so that a sentence quoting the row can cite it."""
    lines = []
    for number, row in enumerate(records, 1):
        if only_kept and number not in kept:
            continue
        text = " ".join(str(row.get("event", "")).split()) if isinstance(row, dict) else ""
        cut = width or (SAMPLE_WIDTH if _SAMPLE.match(text) else None)
        if cut and len(text) > cut:
            text = text[:cut - 1] + "…"
        when = _on_clock(str(row.get("time", "") if isinstance(row, dict) else ""), clock)
        source = row.get("source") if isinstance(row, dict) else None
        cited = f"  ({Path(str(source)).name})" if source and sources else ""
        lines.append(f"  {'*' if number in kept else ' '}{number:>3}  {when:<14}  {text}{cited}")
    return lines


def listing(records: list, record, kept: set[int], clock: scaffold.Clock, ident: str, draft_text: str) -> str:
    """ID.rows.txt: every row of the timeline by number, for `--rows` and `--mark`, and the fingerprint of
    the draft written with it."""
    head = [f"# rows of {record} by number (row N is line N+1 there); * = in {ident}.md; times in {clock.label}, "
            "as the draft's",
            f"# postmortem new {ident} --from {record} --force, with --rows +12,15 (add rows), --rows 1-4,9 (exactly "
            "these and the milestones) or --rows all, and --mark impact_start=N,detected=N,… (move marks)",
            f"# draft as written: sha256 {fingerprint(draft_text)}"]
    return "\n".join(head + row_lines(records, kept, clock, sources=True)) + "\n"
