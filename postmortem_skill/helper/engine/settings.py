"""Checking `.postmortem.yaml` settings: every key known, every value of the right type and words, with a
'did you mean' for typos. No I/O. engine.config imports it only when a settings file has content, and
hands it the vocabularies (this module imports nothing of the engine, so no cycle)."""
from __future__ import annotations

import re


class Vocabulary:
    """What a settings file may say: its keys, the kinds of extra_phrases and security, the severities
    and the values that mean off (engine.config owns them)."""

    def __init__(self, keys, phrase_kinds, security_kinds, severities, off):
        self.keys, self.phrase_kinds, self.security_kinds = keys, phrase_kinds, security_kinds
        self.severities, self.off = severities, off


class BadSetting(Exception):
    """A setting that does not exist or has a value it cannot have: '<key path>: <what is wrong>'."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")


def _close(word: str, choices) -> str:
    """' (did you mean 'x'?)' when `word` looks like a typo of one of `choices`, else ''."""
    import difflib

    choices = [str(c) for c in choices]
    upper = {c.upper(): c for c in choices}
    match = upper.get(word.upper()) or next(iter(difflib.get_close_matches(word, choices, n=1, cutoff=0.6)), None)
    return f" (did you mean '{match}'?)" if match else ""


def _strings(where: str, value, example: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                              for v in value):
        raise BadSetting(where, f"expected a list of words, such as {example}")
    return [str(v) for v in value]


def _rule_id(where: str, value) -> None:
    from postmortem_skill.helper.rules.registry import BY_ID

    if isinstance(value, str) and value in BY_ID:
        return
    word = str(value)
    by_name = {r.name: r.id for r in BY_ID.values()}
    hint = f" (did you mean '{by_name[word]}', the {word} rule?)" if word in by_name else _close(word, BY_ID)
    raise BadSetting(where, f"unknown rule id '{word}'{hint}; `postmortem rules` lists them")


def _one_of(where: str, value, allowed, off=()) -> None:
    if value in off or isinstance(value, str) and value in allowed:
        return
    hint = _close(str(value), allowed) if isinstance(value, str) else ""
    raise BadSetting(where, f"'{value}' is not one of {', '.join(allowed)}{hint}")


def _mapping(where: str, value, keys, example: str) -> dict:
    if not isinstance(value, dict):
        raise BadSetting(where, f"expected a mapping, such as {example}")
    for key in value:
        if keys is not None and key not in keys:
            raise BadSetting(f"{where}: {key}", f"unknown key{_close(str(key), keys)}; known: {', '.join(keys)}")
    return value


def _check_key(key: str, value, words: Vocabulary) -> None:
    """Raise BadSetting when the value of a top-level setting has the wrong type or an unknown word."""
    from postmortem_skill.helper.model.vocabulary import REQUIRED

    if key in ("folder", "id_pattern"):
        if not isinstance(value, str) or not value.strip():
            raise BadSetting(key, "expected a text value" + (", such as docs/postmortems" if key == "folder" else
                                                        ", a regular expression such as 'INC-\\d+'"))
        if key == "id_pattern":
            try:
                re.compile(value)
            except re.error as exc:
                raise BadSetting(key, f"not a regular expression ({exc})") from None
    elif key == "severity_scale":
        if not _strings(key, value, "[SEV1, SEV2, SEV3]"):
            raise BadSetting(key, "the scale is empty; remove the key to use the default")
    elif key == "required_sections":
        if isinstance(value, dict):
            templates = (*REQUIRED, "default")
            for template, names in _mapping(key, value, templates, "{standard: [Summary, Timeline]}").items():
                _strings(f"{key}: {template}", names, "[Summary, Timeline, Action Items]")
        else:
            _strings(key, value, "[Summary, Timeline, Action Items] or {standard: [...]}")
    elif key == "extra_phrases":
        for kind, phrases in _mapping(key, value, words.phrase_kinds, "{blame: [threw under the bus]}").items():
            if phrases is not None:
                _strings(f"{key}: {kind}", phrases, '["rookie mistake"]')
    elif key == "disabled_rules":
        for rule_id in [value] if isinstance(value, str) else _strings(key, value, "[PM508]"):
            _rule_id(key, rule_id)
    elif key == "severity":
        for rule_id, severity in _mapping(key, value, None, "{PM301: error, PM508: off}").items():
            _rule_id(key, rule_id)
            _one_of(f"{key}: {rule_id}", severity, words.severities, words.off)
    elif key == "language":
        _one_of(key, value.lower() if isinstance(value, str) else value, ("auto", "en", "zh"))
    elif key == "security":
        for kind, setting in _mapping(key, value, words.security_kinds, "{emails: warning, phones: off}").items():
            if setting is not True:
                _one_of(f"{key}: {kind}", setting, words.severities, words.off)


def check_settings(data, words: Vocabulary) -> None:
    """Raise BadSetting naming the first key of `data` that is unknown or has a bad value."""
    if not isinstance(data, dict):
        raise BadSetting("settings", "expected a mapping of settings (key: value lines)")
    for key, value in data.items():
        if key not in words.keys:
            known = ", ".join(words.keys)
            raise BadSetting(str(key), f"unknown key{_close(str(key), words.keys)}; known keys: {known}")
        if value is not None:  # `key:` with nothing after it is the default
            _check_key(key, value, words)
