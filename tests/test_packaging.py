"""Every data file the package reads at run time is declared as package data, so that `pip install .`
(not only an editable install) ships it: the language rules' word lists and model, the targets, the
templates. The patterns are read from pyproject.toml the way setuptools applies them."""
from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "postmortem_skill"


def _declared(path: Path, package_data: dict) -> bool:
    for package, patterns in package_data.items():
        base = PACKAGE.parent / package.replace(".", "/") if package != "*" else None
        owners = [base] if base else [p for p in path.parents if (p / "__init__.py").is_file()][:1]
        for owner in owners:
            if owner is None or owner not in path.parents:
                continue
            relative = path.relative_to(owner).as_posix()
            if any(fnmatch.fnmatch(relative, pattern.replace("**/", "*")) for pattern in patterns):
                return True
    return False


def test_every_data_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    data = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and "__pycache__" not in p.parts]
    assert data
    missing = [str(p.relative_to(ROOT)) for p in data if not _declared(p, package_data)]
    assert missing == []
