"""Fixtures for tests/targets: the loaded targets and the canonical skill."""
from __future__ import annotations

import pytest
from target_expectations import ROOT


@pytest.fixture(scope="session")
def targets():
    from postmortem_skill.compiler.targets import load_targets

    return {t.id: t for t in load_targets()}


@pytest.fixture(scope="session")
def skill():
    """The canonical skill with a stand-in helper: rendering is pure, the helper bytes do not matter."""
    from postmortem_skill.compiler.source import read_skill

    return read_skill(ROOT, b"#!/usr/bin/env python3\n")
