"""Build step: ship the skill itself (SKILL.md, prompts/, scripts/postmortem, LICENSE) inside the
package as postmortem_skill/_bundle/, so a plain `pip install` (not only an editable one) can install it.
Everything else is declared in pyproject.toml. An editable install reads the checkout instead."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("SKILL.md", "LICENSE", "prompts", "scripts/postmortem")


class BuildWithSkill(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        here = Path(__file__).resolve().parent
        bundle = Path(self.build_lib) / "postmortem_skill" / "_bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        for name in BUNDLED:
            source, target = here / name, bundle / name
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".*"))
            elif source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)


setup(cmdclass={"build_py": BuildWithSkill})
