"""`.postmortem.yaml`: project settings for validate. Finding the file is the only I/O here.

Keys (all optional):
  folder: docs/postmortems                 where postmortems live (used by the pre-commit hook and `index`)
  id_pattern: 'INC-\\d+'                    regular expression an Incident ID must match (PM207)
  severity_scale: [SEV1, SEV2, SEV3]       allowed Incident Severity values (PM204)
  required_sections: [Summary, Timeline]   replaces the template's list (PM101); or a map template -> list
  extra_phrases: {blame: [...], counterfactual: [...], normative: [...], emotive: [...], punitive: [...],
                  vague_actions: [...]}     more phrases for the language and action rules
  disabled_rules: [PM304]                  rules not run
  severity: {PM301: error, PM508: off}     per-rule severity override (error | warning | info | off)
  language: auto                           auto | en | zh: force the language of every sentence
  security: {emails: warning, phones: off, ips: warning}   personal-data checks (severity or off)
"""
from __future__ import annotations

import re
from pathlib import Path

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.model.vocabulary import DEFAULT_SCALE

NAMES = (".postmortem.yaml", ".postmortem.yml")
_PHRASE_RULES = {"blame": "PM301", "counterfactual": "PM302", "normative": "PM303", "emotive": "PM304",
                 "punitive": "PM306"}
PHRASE_KINDS = (*_PHRASE_RULES, "vague_actions")  # extra_phrases keys; a rule family that reads a new kind adds it
_SECURITY_RULES = {"emails": "PM602", "phones": "PM603", "ips": "PM604"}
SEVERITY_VALUES = ("error", "warning", "info", "off")
_OFF = (False, "off", "none", "false")
KEYS = ("folder", "id_pattern", "severity_scale", "required_sections", "extra_phrases", "disabled_rules",
        "severity", "language", "security")


class _Bad(Exception):
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
        raise _Bad(where, f"expected a list of words, such as {example}")
    return [str(v) for v in value]


def _rule_id(where: str, value) -> None:
    from postmortem_skill.helper.rules.registry import BY_ID

    if isinstance(value, str) and value in BY_ID:
        return
    word = str(value)
    by_name = {r.name: r.id for r in BY_ID.values()}
    hint = f" (did you mean '{by_name[word]}', the {word} rule?)" if word in by_name else _close(word, BY_ID)
    raise _Bad(where, f"unknown rule id '{word}'{hint}; `postmortem rules` lists them")


def _one_of(where: str, value, allowed, off=False) -> None:
    if off and value in _OFF or isinstance(value, str) and value in allowed:
        return
    hint = _close(str(value), allowed) if isinstance(value, str) else ""
    raise _Bad(where, f"'{value}' is not one of {', '.join(allowed)}{hint}")


def _mapping(where: str, value, keys, example: str) -> dict:
    if not isinstance(value, dict):
        raise _Bad(where, f"expected a mapping, such as {example}")
    for key in value:
        if keys is not None and key not in keys:
            raise _Bad(f"{where}: {key}", f"unknown key{_close(str(key), keys)}; known: {', '.join(keys)}")
    return value


def _check_key(key: str, value) -> None:
    """Raise _Bad when the value of a top-level setting has the wrong type or an unknown word."""
    from postmortem_skill.helper.model.vocabulary import REQUIRED

    if key in ("folder", "id_pattern"):
        if not isinstance(value, str) or not value.strip():
            raise _Bad(key, "expected a text value" + (", such as docs/postmortems" if key == "folder" else
                                                        ", a regular expression such as 'INC-\\d+'"))
        if key == "id_pattern":
            try:
                re.compile(value)
            except re.error as exc:
                raise _Bad(key, f"not a regular expression ({exc})") from None
    elif key == "severity_scale":
        if not _strings(key, value, "[SEV1, SEV2, SEV3]"):
            raise _Bad(key, "the scale is empty; remove the key to use the default")
    elif key == "required_sections":
        if isinstance(value, dict):
            templates = (*REQUIRED, "default")
            for template, names in _mapping(key, value, templates, "{standard: [Summary, Timeline]}").items():
                _strings(f"{key}: {template}", names, "[Summary, Timeline, Action Items]")
        else:
            _strings(key, value, "[Summary, Timeline, Action Items] or {standard: [...]}")
    elif key == "extra_phrases":
        for kind, phrases in _mapping(key, value, PHRASE_KINDS, "{blame: [threw under the bus]}").items():
            if phrases is not None:
                _strings(f"{key}: {kind}", phrases, '["rookie mistake"]')
    elif key == "disabled_rules":
        for rule_id in [value] if isinstance(value, str) else _strings(key, value, "[PM508]"):
            _rule_id(key, rule_id)
    elif key == "severity":
        for rule_id, severity in _mapping(key, value, None, "{PM301: error, PM508: off}").items():
            _rule_id(key, rule_id)
            _one_of(f"{key}: {rule_id}", severity, SEVERITY_VALUES, off=True)
    elif key == "language":
        _one_of(key, value.lower() if isinstance(value, str) else value, ("auto", "en", "zh"))
    elif key == "security":
        for kind, setting in _mapping(key, value, tuple(_SECURITY_RULES), "{emails: warning, phones: off}").items():
            if setting is not True:
                _one_of(f"{key}: {kind}", setting, SEVERITY_VALUES, off=True)


def check_settings(data) -> None:
    """UsageError-free validation: raise _Bad naming the first key that is unknown or has a bad value."""
    if not isinstance(data, dict):
        raise _Bad("settings", "expected a mapping of settings (key: value lines)")
    for key, value in data.items():
        if key not in KEYS:
            raise _Bad(str(key), f"unknown key{_close(str(key), KEYS)}; known keys: {', '.join(KEYS)}")
        if value is not None:  # `key:` with nothing after it is the default
            _check_key(key, value)


class Config:
    """Settings plus a per-run memo that rules may use to share work on one document."""

    def __init__(self, data: dict | None = None, path: str | None = None):
        data = {} if data is None else data
        try:
            check_settings(data)
        except _Bad as exc:
            raise UsageError(f"{path or 'configuration'}: {exc}") from None
        data = {key: value for key, value in data.items() if value is not None}
        if isinstance(data.get("disabled_rules"), str):
            data["disabled_rules"] = [data["disabled_rules"]]
        self.config, self.path, self.memo = data, path, {}
        self._severities: dict[str, str | None] = {}
        language = str(data.get("language") or "auto").lower()
        self.language = language if language in ("en", "zh") else None

    def get(self, key, default=None):
        return self.config.get(key, default)

    def required_sections(self, template: str | None) -> tuple:
        from postmortem_skill.helper.model.vocabulary import REQUIRED

        custom = self.config.get("required_sections")
        if isinstance(custom, dict):
            custom = custom.get(template or "", custom.get("default"))
        if isinstance(custom, list):
            return tuple(str(s) for s in custom)
        return REQUIRED.get(template or "", ())

    def severity_scale(self) -> tuple:
        scale = self.config.get("severity_scale")
        if isinstance(scale, list) and scale:
            return tuple(str(s).strip() for s in scale)
        return DEFAULT_SCALE

    def phrases(self, kind: str) -> list[str]:
        extra = self.config.get("extra_phrases") or {}
        values = extra.get(kind) if isinstance(extra, dict) else None
        return [str(v) for v in values] if isinstance(values, list) else []

    def extra_phrases(self) -> dict[str, list[str]]:
        return {rule: self.phrases(kind) for kind, rule in _PHRASE_RULES.items() if self.phrases(kind)}

    def security_enabled(self, kind: str) -> bool:
        settings = self.config.get("security") or {}
        value = settings.get(kind, True) if isinstance(settings, dict) else True
        return value not in _OFF

    def severity_for(self, rule) -> str | None:
        """The configured severity of a rule, or None when it is disabled."""
        if rule.id not in self._severities:  # asked for every rule of every document
            self._severities[rule.id] = self._severity(rule)
        return self._severities[rule.id]

    def _severity(self, rule) -> str | None:
        disabled = self.config.get("disabled_rules") or []
        if rule.id in disabled:
            return None
        overrides = self.config.get("severity") or {}
        value = overrides.get(rule.id) if isinstance(overrides, dict) else None
        for kind, rule_id in _SECURITY_RULES.items():
            setting = (self.config.get("security") or {}).get(kind) if isinstance(self.config.get("security"), dict) else None
            if rule_id == rule.id and setting in ("error", "warning", "info"):
                value = value or setting
        if value in _OFF:
            return None
        return value if value in ("error", "warning", "info") else None or rule.severity

    def overridden(self, rule) -> bool:
        overrides = self.config.get("severity") or {}
        return isinstance(overrides, dict) and rule.id in overrides


def find_config(start: Path, stop: Path | None = None) -> Path | None:
    """The nearest .postmortem.yaml from `start` (a file or folder) upward, stopping at a git root or `stop`."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    stop = stop.resolve() if stop else None
    for candidate in (folder, *folder.parents):
        for name in NAMES:
            path = candidate / name
            if path.is_file():
                return path
        if (candidate / ".git").exists() or candidate == stop:
            return None
    return None


def load_config(path: Path | None) -> Config:
    """The settings in `path` (None: the defaults). UsageError, one line naming the file and the key,
    for a file that cannot be read, is not the YAML subset, or has an unknown key or a bad value."""
    if path is None:
        return Config()
    from postmortem_skill.helper.inputs import read_bytes
    from postmortem_skill.helper.model.miniyaml import YamlError, loads

    try:
        text = read_bytes(path, 1024 * 1024, "a settings file").decode("utf-8-sig")
        data = loads(text)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    except YamlError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return Config({} if data is None else data, str(path))
