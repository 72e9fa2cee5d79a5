import pytest

from tests.factories.accounts import VerifiedUserFactory


@pytest.fixture
def verified_user(db):
    return VerifiedUserFactory(email="ani@contoh.id", full_name="Ni Made Ani")
