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

from pathlib import Path

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.model.vocabulary import DEFAULT_SCALE

NAMES = (".postmortem.yaml", ".postmortem.yml")
_PHRASE_RULES = {"blame": "PM301", "counterfactual": "PM302", "normative": "PM303", "emotive": "PM304",
                 "punitive": "PM306"}
# extra_phrases keys; a rule family that reads a new kind adds it
PHRASE_KINDS = (*_PHRASE_RULES, "vague_actions", "people", "systems")
_SECURITY_RULES = {"emails": "PM602", "phones": "PM603", "ips": "PM604"}
SEVERITY_VALUES = ("error", "warning", "info", "off")
_OFF = (False, "off", "none", "false")
KEYS = ("folder", "id_pattern", "severity_scale", "required_sections", "extra_phrases", "disabled_rules",
        "severity", "language", "security")


class Config:
    """The settings of a `.postmortem.yaml` (or the defaults), as the rules and the engine ask for them."""

    def __init__(self, data: dict | None = None, path: str | None = None):
        data = {} if data is None else data
        if data != {}:  # the checker is compiled only when there is something to check
            from postmortem_skill.helper.engine.settings import BadSetting, Vocabulary, check_settings

            try:
                check_settings(data, Vocabulary(KEYS, PHRASE_KINDS, tuple(_SECURITY_RULES), SEVERITY_VALUES, _OFF))
            except BadSetting as exc:
                raise UsageError(f"{path or 'configuration'}: {exc}") from None
        data = {key: value for key, value in data.items() if value is not None}
        if isinstance(data.get("disabled_rules"), str):
            data["disabled_rules"] = [data["disabled_rules"]]
        self.config, self.path = data, path
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
            setting = (self.config.get("security") or {}).get(kind)  # a mapping: checked on load
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
