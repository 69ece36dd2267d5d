"""`postmortem rules`: list every check."""
from __future__ import annotations

import json

DESCRIPTION = "List every check validate runs. --format markdown prints the reference page docs/rules.md."


def add_arguments(parser):
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def run(args) -> int:
    from postmortem_skill.helper.rules.registry import REGISTRY

    if args.format == "json":
        print(json.dumps([r.as_dict() for r in REGISTRY], ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        from postmortem_skill.helper.report.rules_doc import render

        print(render(), end="")
    else:
        for r in REGISTRY:
            print(f"{r.id}  {r.category:<12}  {r.severity:<7}  {r.summary}")
    return 0
