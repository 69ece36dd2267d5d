"""Zendesk tickets and their comments as the Support API returns them. No I/O.

A ticket (`GET /api/v2/tickets/{id}.json`: `{"ticket": {…}}`, or each of `{"tickets": [...]}`) is a customer
report at its created_at: "Zendesk ticket #48213 opened: Live map not updating (priority high)". Its comments
(`GET /api/v2/tickets/{id}/comments.json`: `{"comments": [...]}`, with `?include=users` a `users` sideload) are
chat rows by their author, the public ones only: an internal note is the support team's own working. Authors
are named from the sideload, else by their id. E-mail addresses are left out of every row.
"""
from __future__ import annotations

import re

from postmortem_skill.helper.features.importers.core import Reader, first_text, label

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def without_emails(text: str) -> str:
    return EMAIL.sub("[e-mail]", text)


def is_ticket(record: dict) -> bool:
    return isinstance(record.get("subject"), str) and "requester_id" in record and "created_at" in record


def add_ticket(reader: Reader, line: int, record: dict) -> None:
    number = label(record, "id")
    priority = label(record, "priority")
    text = f"Zendesk ticket #{number} opened: " if number else "Zendesk ticket opened: "
    text += without_emails(record["subject"].strip()) + (f" (priority {priority})" if priority else "")
    reader.add(line, record.get("created_at"), text, ident=number)


def is_comment(record: dict) -> bool:
    return "author_id" in record and "public" in record and "created_at" in record and (
        "plain_body" in record or "body" in record)


def add_comment(reader: Reader, line: int, record: dict) -> None:
    if record.get("public") is not True:
        return None
    body = first_text(record, ("plain_body", "body"))
    if not body:
        return reader.problem(line, "a Zendesk comment with no body")
    author = label(record, "author_id") or "unknown"
    who = reader.people.get(author) or f"Zendesk user {author}"
    return reader.add(line, record.get("created_at"), f"{who}: {without_emails(' '.join(body.split()))}")


def people(users) -> dict[str, str]:
    """A `users` sideload's ids → names."""
    found = {}
    for user in users if isinstance(users, list) else []:
        if isinstance(user, dict) and label(user, "id") and label(user, "name"):
            found[label(user, "id")] = without_emails(label(user, "name"))
    return found
