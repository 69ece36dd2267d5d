"""Property tests and a short seeded fuzz run: whatever the text, the helper answers with findings or one
line and exit 2, never an exception. Sizes are fixed (max_examples, a seeded generator) so the run takes
seconds in CI and fails the same way every time."""
from __future__ import annotations

import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_validate_cli import GOOD

from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.engine.config import KEYS, load_config
from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.model import timeutil
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.milestones import compute

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the configuration loader ----------------------------------------------------------------------

words = st.sampled_from(["PM301", "PM999", "pm508", "error", "warning", "off", "fatal", "on", "auto", "zh",
                         "blame", "emails", "standard", "SEV1", "INC-\\d+", "([", "x", "", "~", "null", "3"])
scalars = st.one_of(words, st.integers(-3, 3), st.booleans(), st.text(max_size=8))
keys = st.one_of(st.sampled_from(KEYS), st.sampled_from(["sevrity", "disabled", "emails", "PM301"]), words)


def _flow(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return repr(text) if any(c in text for c in ":#,[]{}'\"\n") or not text.strip() else text


values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(keys, inner, max_size=3)), max_leaves=8)
documents = st.dictionaries(keys, values, max_size=5).map(
    lambda d: "".join(f"{_flow(k)}: {_flow(v)}\n" for k, v in d.items()))


def _load(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, ".postmortem.yaml")
        path.write_text(text, encoding="utf-8")
        return load_config(path)


@QUICK
@given(st.one_of(documents, st.text(alphabet=st.sampled_from(list("ab: -[]{},#'\"\n\t|>~&*")), max_size=80)))
def test_the_config_loader_accepts_or_names_the_problem_in_one_line(text):
    try:
        config = _load(text)
    except UsageError as exc:
        assert "\n" not in str(exc) and ".postmortem.yaml" in str(exc)
        return
    check_text(GOOD, config)  # what the loader accepts, every rule can use


# -- validate on Markdown-ish text -----------------------------------------------------------------

FRAGMENTS = ["# Postmortem: x\n", "## Timeline (All times UTC+14)\n", "## Timeline (All times Europe/Berlin)\n",
             "| Time | Event |\n|---|---|\n", "| 9999-12-31 23:59 | **IMPACT STARTS** a |\n",
             "| 0001-01-01 00:00 UTC+14 | **RESOLVED** b |\n", "| 2026-02-30 10:00 | c |\n", "| 25:99 | d |\n",
             "| 2026-03-29 02:30 | **DETECTED** e |\n", "| 2026-10-25 02:30 | **MITIGATED** f |\n",
             "**Date**: 2026-03-04\n", "**Incident Duration**: 3 days\n", "> ", "- ", "1. ", "    ", "```\n",
             "~~~", "<!--", "-->", "**", "_", "`", "[", "](", ")", "|", "\\", "TODO ", "Bearer ", "npm_",
             "https://", "@", "+1 ", "81.2.69.160", "---\n", "===\n", "\n", "\r\n", "\t", "的", "复盘",
             "## Action Items\n| Priority | Action | Owner | Due Date |\n|---|---|---|---|\n",
             "| P1 | x | | 2026-13-01 |\n"]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40).map("".join)


@QUICK
@given(markdownish)
def test_validate_and_metrics_never_raise_on_markdownish_text(text):
    check_text(text)
    compute(parse_document(text))


# -- the time parsers ------------------------------------------------------------------------------

stamps = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789-/:.TZ +年月日AMPMamp")), max_size=30),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)).map(
        lambda d: d.isoformat(sep=" ")),
    st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99),
              st.integers(0, 99), st.sampled_from(["", "Z", "+14:00", "-12:00", "+99:99", " UTC"])).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}T{t[3]:02d}:{t[4]:02d}{t[5]}"),
)
zones = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "+14:00", "-12:00",
                         "UTC+5:45", "Asia/Kathmandu"])


@QUICK
@given(stamps, zones)
def test_time_parsers_return_a_value_or_none_or_valueerror(text, zone_name):
    zone = timeutil.load_zone(zone_name)
    found = timeutil.search_date(text)
    assert found is None or found.value is None or found.text in text
    timeutil.find_date(text)
    list(timeutil.find_timestamps(text))
    value = timeutil.parse_timestamp(text)
    timeutil.from_epoch(text)
    if value is not None:
        try:
            instant = timeutil.to_utc(value, zone)
        except ValueError:
            return
        assert instant.tzinfo is not None and timeutil.iso_z(instant).endswith("Z")


@QUICK
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)), zones,
       st.one_of(st.none(), st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 1, 1),
                                         timezones=st.just(timezone.utc))))
def test_localize_is_an_instant_or_a_valueerror(naive, zone_name, not_before):
    zone = timeutil.load_zone(zone_name)
    try:
        instant = timeutil.localize(naive, zone, not_before)
    except ValueError as exc:
        assert "does not exist" in str(exc) or "outside the calendar" in str(exc)
        return
    assert abs(instant.replace(tzinfo=None) - naive) <= timedelta(hours=15)


@QUICK
@given(st.integers(-1, 30), st.integers(-1, 70), st.integers(-1, 70), st.sampled_from([None, "am", "P.M.", "pm"]))
def test_time_of_day_is_on_the_clock_or_none(hour, minute, second, half):
    got = timeutil.time_of_day(hour, minute, second, half)
    assert got is None or (0 <= got[0] < 24 and 0 <= got[1] < 60 and 0 <= got[2] < 60)


# -- a short seeded fuzz run -----------------------------------------------------------------------


def _mutants(seed: int, count: int):
    """Documents made from the good one: lines shuffled, dropped, doubled, spliced with hostile pieces."""
    rng = random.Random(seed)
    lines = GOOD.splitlines(keepends=True)
    for _ in range(count):
        doc = list(lines)
        for _ in range(rng.randint(1, 8)):
            action = rng.random()
            where = rng.randrange(len(doc) + 1)
            if action < 0.4:
                doc.insert(where, rng.choice(FRAGMENTS) * rng.randint(1, 3))
            elif action < 0.6 and doc:
                del doc[min(where, len(doc) - 1)]
            elif action < 0.8 and doc:
                doc.insert(where, rng.choice(doc))
            else:
                cut = rng.randrange(len(GOOD))
                doc.insert(where, GOOD[cut:cut + rng.randint(1, 40)])
        if rng.random() < 0.05:
            doc.insert(rng.randrange(len(doc) + 1), rng.choice(["> ", "- "]) * rng.randint(30, 300) + "deep\n")
        yield "".join(doc)


def test_seeded_fuzz_run_of_validate_and_metrics():
    started, count = time.monotonic(), 0
    for text in _mutants(seed=12, count=1500):
        check_text(text)
        compute(parse_document(text))
        count += 1
        if time.monotonic() - started > 15:  # a slow machine checks fewer, never fails on time
            break
    assert count >= 100
