"""Where the shared evaluation corpus is (read at test time, never committed)."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("POSTMORTEM_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


def corpus_files():
    return sorted(CORPUS.glob("**/*.md")) if CORPUS.is_dir() else []


def read_corpus(name: str) -> str:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {name} not available")
    return path.read_text(encoding="utf-8")
