import pytest

from tests.consortia_tests.factories import staffed_center

from .factories import Chain


@pytest.fixture
def center_setup(enterprise, university):
    return staffed_center(enterprise, university)


@pytest.fixture
def chain(center_setup):
    center, people = center_setup
    return Chain(center, people)
