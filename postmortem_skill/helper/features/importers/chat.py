"""Chat exports as the tools write them: Slack (a workspace export, its users.json, bots' attachments,
thread reply pointers, its link markup), Microsoft Teams (Graph messages, HTML bodies, system events) and
Feishu/Lark (the messages API: JSON-string bodies, cards, posts, `@_user_N` mentions, a chat's member list).
Who wrote a message and what it says. No I/O."""
from __future__ import annotations

import html
import json
import re

from postmortem_skill.helper.features.importers.core import first_text, json_object, mapping

_TAG = re.compile(r"<[^>]{1,200}>")
_SKIPPED_SUBTYPES = {"channel_join", "channel_leave"}  # chat noise, not incident events
_SHARED_FILES = ("image", "file", "media", "audio", "sticker")


def body_text(record: dict):
    """Teams (`body.content`, HTML) and Feishu (`body.content`, a JSON string: `text`; a card's `title`; a
    post's title and the text of its `content` lines), Feishu's `@_user_1` placeholders named from the
    message's `mentions`."""
    content = mapping(record, "body").get("content")
    if not isinstance(content, str) or not content.strip():
        return None
    inner = json_object(content)
    if inner is not None:
        text = inner.get("text") if isinstance(inner.get("text"), str) else _feishu_rich_text(inner)
        return _feishu_mentions(text.strip(), record) if text and text.strip() else None
    return " ".join(html.unescape(_TAG.sub(" ", content)).split()) or None


def _feishu_rich_text(inner: dict) -> str | None:
    """A Feishu card (`interactive`: its title names the alert) or a post (title, then the text of each
    element of its `content` lines)."""
    title = inner.get("title") if isinstance(inner.get("title"), str) else ""
    if isinstance(inner.get("elements"), list) and title.strip():
        return title
    lines = inner.get("content") if isinstance(inner.get("content"), list) else []
    words = [str(element.get("text") or element.get("user_name") or "") for line in lines if isinstance(line, list)
             for element in line if isinstance(element, dict)]
    return " ".join(part for part in [title, " ".join(w for w in words if w)] if part.strip()) or None


def _feishu_mentions(text: str, record: dict) -> str:
    """`@_user_1` → `@张伟` from the message's `mentions` (key, name)."""
    names = {m.get("key"): m.get("name") for m in record.get("mentions") or () if isinstance(m, dict)}
    if "@_user_" not in text or not names:
        return text
    return re.sub(r"@_user_\d+", lambda m: "@" + names[m[0]] if isinstance(names.get(m[0]), str) else m[0], text)


def people_of(text: str) -> dict:
    """user id → name from a Slack export's `users.json` (`profile.display_name`, else `real_name`, else
    `name`) or a Feishu chat's member list (`im/v1/chats/:id/members`: `data.items[]`, `member_id` →
    `name`); {} when the text is neither."""
    try:
        users = json.loads(text)
    except json.JSONDecodeError:
        return {}
    if isinstance(users, dict):  # Feishu: {"code": 0, "data": {"items": [{"member_id", "name"}, …]}}
        items = mapping(users, "data").get("items")
        return {m["member_id"]: m["name"].strip() for m in items if isinstance(m, dict)
                and isinstance(m.get("member_id"), str) and isinstance(m.get("name"), str) and m["name"].strip()
                } if isinstance(items, list) else {}
    found = {}
    for user in users if isinstance(users, list) else ():
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            profile = mapping(user, "profile")
            name = next((v.strip() for v in (profile.get("display_name"), user.get("real_name"),
                                              profile.get("real_name"), user.get("name"))
                         if isinstance(v, str) and v.strip()), None)
            if name:
                found[user["id"]] = name
    return found


_MENTION = re.compile(r"<@([A-Z0-9]{2,30})(?:\|([^>]{1,80}))?>")


def named_mentions(text: str, people: dict) -> str:
    """Slack's `<@U024BE7LH>` (or `<@U024BE7LH|name>`) → `@name` when the export names that user."""
    return _MENTION.sub(lambda m: "@" + (people.get(m[1]) or m[2] or m[1]), text) if "<@" in text else text


def speaker(record: dict, people: dict | None = None) -> str | None:
    """Who wrote a chat message: Slack `user_profile` (or `user` named by users.json), Teams `from.user`,
    Feishu's `sender` named by its member list, WeCom's `from`, or a plain `user_name`/`author`."""
    if people and isinstance(record.get("user"), str) and record["user"] in people and "user_profile" not in record:
        return people[record["user"]]
    sender = mapping(record, "sender")  # Feishu: {"id": "ou_…", "sender_type": "user" | "app"}
    if people and sender.get("id") in people:
        return people[sender["id"]]
    if not any(k in record for k in ("user_profile", "from", "user_name", "username", "author")):
        return None
    if isinstance(record.get("from"), str) and record["from"].strip():  # WeCom's archive: the sender's userid
        return (people or {}).get(record["from"]) or record["from"].strip()
    profile = mapping(record, "user_profile")
    teams = mapping(mapping(record, "from"), "user") or mapping(mapping(record, "from"), "application")
    for value in (profile.get("display_name"), profile.get("real_name"), teams.get("displayName"),
                  record.get("user_name"), record.get("username"), record.get("author")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def slack_attachment_text(record: dict):
    """A Slack bot message whose words are in its attachments (PagerDuty, Argo CD, Grafana): the first
    attachment's `fallback` (Slack's plain summary of it), else its title and the first line of its text,
    links shown by their label."""
    for attachment in record.get("attachments") or ():
        if not isinstance(attachment, dict):
            continue
        body = first_text(attachment, ("text", "pretext"))
        text = first_text(attachment, ("fallback",)) or " ".join(
            p for p in (first_text(attachment, ("title",)), body.splitlines()[0] if body else None) if p)
        text = _EMOJI.sub("", _slack_links(text)).strip()
        if text:
            return text
    return None


_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]{1,500})(?:\|([^>]{1,200}))?>")


def _slack_links(text: str) -> str:
    """Slack's `<url|label>` links shown by their label (a bare `<url>` by its address)."""
    return _SLACK_LINK.sub(lambda m: m[2] or m[1], text)


_EMOJI = re.compile(r"^(?::[a-z0-9_+-]{1,40}:\s*)+")


def reply_pointer(reply) -> bool:
    """A Slack export's `replies` entry, `{"user", "ts"}`: it points at a reply, which is a message of its
    own in the day's file; not a message to read twice."""
    return isinstance(reply, dict) and set(reply) <= {"user", "ts"}


def _graph_noise(record: dict) -> bool:
    """A Teams system event (member added, channel renamed) or a channel's own description (`channel.json`
    beside the messages): no incident event."""
    return record.get("messageType") == "systemEventMessage" or (
        "membershipType" in record and "body" not in record)


def slack_markup(text: str) -> str:
    """Slack's own markup in a message: `<url|label>` links by their label, and &gt; &lt; &amp; unescaped."""
    return html.unescape(_slack_links(text))


def shared_file(record: dict) -> str | None:
    """`[image]` for a screenshot or a file posted in a Feishu or WeCom chat (no text of its own), else None."""
    kind = record.get("msg_type", record.get("msgtype"))
    return f"[{kind}]" if kind in _SHARED_FILES else None


def wecom_text(record: dict) -> str | None:
    """A WeCom archived message's words (会话内容存档: `msgtype` text, `text.content`; markdown likewise)."""
    kind = record.get("msgtype")
    return first_text(mapping(record, kind), ("content",)) if kind in ("text", "markdown") else None


def chat_noise(record: dict) -> bool:
    """A join or leave notice, a Teams system event or a channel's own description: no incident event."""
    return record.get("subtype") in _SKIPPED_SUBTYPES or _graph_noise(record)
