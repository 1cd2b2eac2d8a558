import pytest

from .factories import make_cast


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture(autouse=True)
def chinese_messages():
    """Service messages in the default language (Chinese), whatever an earlier request left activated."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
