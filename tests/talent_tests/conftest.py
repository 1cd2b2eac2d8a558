import pytest

from .factories import make_cast


@pytest.fixture
def cast(db):
    return make_cast()
