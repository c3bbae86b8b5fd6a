import pytest
from rest_framework.test import APIClient

from crm import roles


@pytest.fixture
def api_for():
    """An APIClient authenticated with a real knox token of the given user."""

    def make(user):
        from knox.models import AuthToken

        _instance, token = AuthToken.objects.create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def integration(make_user):
    return make_user(roles.INTEGRATION, username="erp")
