"""GitHub deployment statuses as `GET /repos/{owner}/{repo}/deployments/{id}/statuses` lists them (newest first,
one file a deployment): a change row per state that says where the deploy went, "GitHub deployment 2332401377
to production: success". No I/O.

queued and pending say nothing happened yet; inactive is GitHub marking a deployment replaced by a later one
in the same environment, at that one's success: a copy of that row, left out.
"""
from __future__ import annotations

import json

from postmortem_skill.helper.features.importers.core import Reader, first_text, label

STATES = ("in_progress", "success", "failure", "error")


def is_status(record: dict) -> bool:
    return isinstance(record.get("state"), str) and isinstance(record.get("deployment_url"), str) \
        and "created_at" in record


def add_status(reader: Reader, line: int, record: dict, refs: dict[str, str] | None = None) -> None:
    state = record["state"].strip().lower()
    if state not in STATES:
        return None
    deployment = record["deployment_url"].rstrip("/").rsplit("/", 1)[-1]
    environment = label(record, "environment")
    text = f"GitHub deployment {deployment}" + (f" to {environment}" if environment else "") + f": {state}"
    said = [x for x in ((refs or {}).get(deployment), first_text(record, ("description",))) if x]
    text += f" ({', '.join(said)})" if said else ""
    return reader.add(line, record.get("created_at"), text, ident=deployment)


def deployment_refs(text: str) -> dict[str, str]:
    """The deployments list beside the statuses (`GET …/deployments`): id → ref (`v2.14.0`), {} for other text."""
    if '"statuses_url"' not in text:
        return {}
    try:
        items = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return {}
    return {label(item, "id"): label(item, "ref") for item in items if isinstance(item, dict)
            and label(item, "id") and label(item, "ref")} if isinstance(items, list) else {}
