import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """validate's findings cache goes to a throwaway folder, never the developer's ~/.cache."""
    monkeypatch.setenv("POSTMORTEM_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
