import pytest


@pytest.fixture
def matching_env(settings, tmp_path):
    """Lexical matching (no embedding model) and index files in a temporary directory."""
    from matching import indexes

    settings.MATCHING_DENSE = False
    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    indexes._loaded.clear()
    yield settings
    indexes._loaded.clear()


@pytest.fixture
def scene(db, matching_env):
    from tests.matching_tests.factories import Scene

    return Scene()


@pytest.fixture
def on_save_thread(settings):
    """The embedded default: refreshes after a save run in the background thread; drained afterwards."""
    from matching import background

    settings.MATCHING_ON_SAVE = "thread"
    yield background
    background.drain()
