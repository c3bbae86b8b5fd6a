import pytest

from crm import roles


@pytest.fixture
def integration(make_user):
    return make_user(roles.INTEGRATION, username="erp")
