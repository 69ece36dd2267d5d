"""The one list of every check `validate` runs, sorted by id. Adding a check: write it in its family's
module with the `rule` decorator; the family's RULES list is read here. No I/O."""
from __future__ import annotations

from postmortem_skill.helper.rules import actions, language, metadata, security, structure, timeline
from postmortem_skill.helper.rules.base import Rule

REGISTRY: list[Rule] = sorted(
    [*structure.RULES, *metadata.RULES, *language.RULES, *timeline.RULES, *actions.RULES, *security.RULES],
    key=lambda r: r.id,
)
BY_ID = {r.id: r for r in REGISTRY}
