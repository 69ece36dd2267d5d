"""`postmortem rules`: list every check."""
from __future__ import annotations

import json

DESCRIPTION = ("List every check validate runs, or explain some: `postmortem rules PM305` prints what the check "
               "looks for, why, and a bad and a good example. --format markdown prints the reference page "
               "docs/rules.md.")


def add_arguments(parser):
    parser.add_argument("ids", nargs="*", metavar="ID", help="rule ids or names to explain (PM305, blame)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def run(args) -> int:
    from postmortem_skill.helper.errors import UsageError
    from postmortem_skill.helper.rules.registry import REGISTRY

    if args.ids:
        wanted = {i.upper() if i[:2].lower() == "pm" else i for i in args.ids}
        chosen = [r for r in REGISTRY if r.id in wanted or r.name in wanted]
        unknown = wanted - {r.id for r in chosen} - {r.name for r in chosen}
        if unknown:
            raise UsageError(f"no such rule: {', '.join(sorted(unknown))} (postmortem rules lists them)")
        if args.format == "json":
            print(json.dumps([r.as_dict() for r in chosen], ensure_ascii=False, indent=2))
            return 0
        for r in chosen:
            print(f"{r.id} {r.name} ({r.category}, {r.severity} by default): {r.summary}\n\n{r.doc}\n")
            print(f"  bad:  {r.bad}\n  good: {r.good}\n")
        return 0
    if args.format == "json":
        print(json.dumps([r.as_dict() for r in REGISTRY], ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        from postmortem_skill.helper.report.rules_doc import render

        print(render(), end="")
    else:
        for r in REGISTRY:
            print(f"{r.id}  {r.category:<12}  {r.severity:<7}  {r.summary}")
    return 0
