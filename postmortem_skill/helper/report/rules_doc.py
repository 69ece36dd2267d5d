"""Generate docs/rules.md from the rule registry.

    python3 -m postmortem_skill.helper.report.rules_doc > docs/rules.md
"""
from __future__ import annotations

from postmortem_skill.helper.rules.base import CATEGORIES
from postmortem_skill.helper.rules.registry import REGISTRY

_HEADER = """\
# Validate rules

<!-- GENERATED from postmortem_skill/helper/rules/ — do not edit by hand. Regenerate with
     `python3 -m postmortem_skill.helper.report.rules_doc > docs/rules.md` \
(or `postmortem rules --format markdown`). -->

`postmortem validate` runs every rule below. Ids are stable: PM1xx structure, PM2xx metadata, PM3xx
language, PM4xx timeline, PM5xx action items, PM6xx security. Errors by default: a required section
missing, a placeholder left from the scaffold, a date that is not a real date, a leaked credential;
everything else is a warning or info. `validate` exits 1 on errors (on warnings too with `--strict`).

## Configuration

`.postmortem.yaml`, found from the checked file's folder upward (to the repository root):

```yaml
folder: docs/postmortems            # where postmortems live
id_pattern: 'INC-\\d+'               # PM207
severity_scale: [SEV1, SEV2, SEV3]  # PM204 (default SEV1-SEV5 and P0-P4)
required_sections: [Summary, Timeline, Action Items]   # PM101; or {standard: [...], quick: [...]}
extra_phrases:                      # more wording for the language and action rules
  blame: [throw under the bus]
  vague_actions: [harden]
disabled_rules: [PM508]
severity: {PM304: info, PM301: error}   # or off
language: auto                      # auto | en | zh
security: {emails: warning, phones: off, ips: warning}
```

Silence one rule on one line (or the next) with a reason:
`<!-- postmortem-ignore PM301: quoting the customer's ticket verbatim -->`. Without a reason the
comment is ignored and PM106 reports it.

"""


def render() -> str:
    out = [_HEADER, "| Id | Name | Category | Default | Summary |\n|---|---|---|---|---|\n"]
    for r in REGISTRY:
        out.append(f"| [{r.id}](#{r.id.lower()}) | {r.name} | {r.category} | {r.severity} | {r.summary} |\n")
    for category in CATEGORIES:
        out.append(f"\n## {category}\n")
        for r in (r for r in REGISTRY if r.category == category):
            out.append(f"\n### {r.id}\n\n**{r.name}** · default {r.severity} · {r.summary}\n\n{r.doc}\n\n"
                       f"* Bad: {r.bad}\n* Good: {r.good}\n")
    return "".join(out)


if __name__ == "__main__":
    print(render(), end="")
