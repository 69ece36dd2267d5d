"""Rule behaves as the frozen dataclass it replaced: keyword construction, validation, immutability,
equality and hashing on every field but `check`, copies."""
import copy
import subprocess
import sys

import pytest

from postmortem_skill.helper.rules.base import Rule
from postmortem_skill.helper.rules.registry import BY_ID, REGISTRY

FIELDS = dict(id="PM999", name="x", category="structure", severity="warning", summary="s", doc="d", bad="b", good="g")


def test_equal_and_hashable_on_every_field_but_check():
    a, b = Rule(**FIELDS, check=len), Rule(**FIELDS, check=print)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert Rule(**dict(FIELDS, severity="error"), check=len) != a
    assert "check" not in repr(a) and "PM999" in repr(a)


def test_unknown_category_or_severity_is_refused():
    with pytest.raises(ValueError):
        Rule(**dict(FIELDS, category="style"), check=len)
    with pytest.raises(ValueError):
        Rule(**dict(FIELDS, severity="fatal"), check=len)


def test_immutable_and_copyable():
    rule = BY_ID["PM101"]
    with pytest.raises(AttributeError):
        rule.severity = "info"
    with pytest.raises(AttributeError):
        del rule.id
    again = copy.deepcopy(rule)
    assert again == rule and again.check is rule.check


def test_the_registry_has_unique_ids():
    assert len({r.id for r in REGISTRY}) == len(REGISTRY)


def test_validate_does_not_import_dataclasses_or_hashlib_for_one_file(tmp_path):
    doc = tmp_path / "pm.md"
    doc.write_text("# Postmortem: x\n\nThe deploy started at 09:00.\n", encoding="utf-8")
    code = ("import sys; before = set(sys.modules); from postmortem_skill.helper.cli import main; "
            "main(['validate', sys.argv[1]]); "
            "print(sorted(m for m in ('dataclasses', 'inspect', 'hashlib') if m in set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code, str(doc)], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
