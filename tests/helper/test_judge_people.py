"""Who the judge takes for a person (session 8): roles by title, abbreviation, department and compound head,
names with titles and diacritics, calendar words, and the trainer reading sentences as validate does."""

import sys
from pathlib import Path

import pytest

from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.rules import judge, language, lexicon

ROOT = Path(__file__).resolve().parents[2]


def _flagged(sentence: str) -> set[str]:
    return {f.rule for f in check_text(f"## What Happened\n\n{sentence}\n")
            if f.rule.startswith("PM3") and f.severity != "info"}


@pytest.mark.parametrize("word, kind", [
    ("IT", "role"), ("QA", "role"), ("exec", "role"), ("reps", "role"), ("Facilities", "role"),
    ("coordinator", "role"), ("Dr", "name"), ("Ms", "name"),
    ("it", "system"), ("controller", "system"), ("Quorra", "proper"), ("MR", None),
])
def test_word_kinds(word, kind):
    assert lexicon.word_kind()(word) == kind


@pytest.mark.parametrize("sentence, who", [
    ("The account exec sold the feature to the customer.", "<role>"),
    ("Dana's IT liaison did not renew the domain.", "<role>"),
    ("The DNS team changed the record.", "<role>"),
    ("The deploy pipeline skipped the migration.", "<sys>"),
])
def test_a_compound_subject_is_its_head(sentence, who):
    assert judge._subject(*judge._en_reading(sentence, lexicon.word_kind())[:2])[0] == who


def test_a_word_of_any_alphabet_is_one_token():
    tokens, _ = judge._en_tokens("Dąbrowski and Tomás restarted Zoë's worker.", lexicon.word_kind())
    assert tokens[:3] == ["dąbrowski", "and", "<cap>"]


def test_days_and_months_are_not_systems():
    doc = parse_document("## What Happened\n\nThe change went out on a Friday and the Scheduler stalled.\n")
    _, systems = language.people_and_systems(doc)
    assert systems == {"Scheduler"}


def test_the_trainer_reads_a_sentence_as_validate_does():
    sys.path.insert(0, str(ROOT / "tools"))
    import train_language

    _, _, kind = train_language.prepare("Priya paused the Scheduler after the Backfill job.", "en")
    assert kind("Scheduler") == "system" and kind("Priya") == "name"


@pytest.mark.parametrize("sentence", [
    "Those responsible for the decision to deploy will be identified and referred to HR.",
    "The officials responsible have been identified and will face the agency's procedures.",
    "Someone in IT switched off auto-renew, and nobody in IT checked it afterwards either.",
    "This happened because the night-shift tech pushed config without a maintenance window.",
])
def test_blame_on_people_the_word_lists_did_not_know(sentence):
    assert _flagged(sentence)


@pytest.mark.parametrize("sentence", [
    "The team responsible for DNS identified the stale record at 10:04.",
    "The on-call engineers were named as owners of the action items and identified in the rota.",
    "The release went out on a Friday at 16:55 after the checks passed.",
    "Dr. Lindqvist approved the rollout at 09:10 with the evaluation report attached.",
    "The account exec forwarded the customer's report to support at 14:02.",
])
def test_plain_accounts_of_such_people_stay_quiet(sentence):
    assert not _flagged(sentence) & {"PM301", "PM305", "PM306"}
