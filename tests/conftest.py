import os

import pytest
import time_machine
from django.test import RequestFactory
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from crm import roles
from tests.factories import PASSWORD, UserFactory, make_customer

hypothesis_settings.register_profile("crm", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("crm")
"""The property tests hold the rules, not their speed (benchmarks/ do): Hypothesis's 200 ms deadline per example and its
"too slow" check failed rule tests whose examples take a fraction of a millisecond when a loaded machine paused the
process for a quarter of a second (reproduced with SIGSTOP), and passed on the rerun."""

CLOCK = "2026-11-22 10:00 +08:00"
"""The instant every test starts at (Asia/Shanghai): tests never read the real clock, so the suite gives the
same result on any day. CI runs it once more under faketime a year ahead to prove it."""


@pytest.fixture(scope="session", autouse=True)
def _companion_connections_closed(django_db_setup, django_db_blocker):
    """A bulk write's companion thread (crm.beside) keeps its connection to the test database: closed before the
    test database is dropped, which PostgreSQL refuses while a session is connected."""
    yield
    from crm.beside import companions_close

    with django_db_blocker.unblock():
        companions_close()


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Freeze the business date; the clock still ticks so durations (timeouts, throttles) behave. A test that
    needs another day travels there itself (time-machine nests)."""
    with time_machine.travel(CLOCK, tick=True):
        yield


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Each test starts in the site's default language and leaves it so: a test (or a Celery task run in-process) that
    activates Chinese must not make the next test's English assertions fail in a run of another order."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "archives": {
            "BACKEND": "crm.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "archives"},
        },
    }


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # API throttling counts live in the cache
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CRM_JOBS_ON_START = False  # a test worker must not start the daily jobs by itself
    # With DATABASE_REPLICA_URL (CI) the replica alias mirrors the test database, but a test's uncommitted rows are
    # not on it: reads stay on default except in the replica tests (tests/crm/test_replica.py), which turn it on.
    settings.CRM_DATABASE_REPLICAS = []


@pytest.fixture
def data_migrations(transactional_db):
    """Transactional tests flush the data migrations' rows; put the role groups and credit data back."""
    from importlib import import_module

    from django.apps import apps

    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    import_module("credit.migrations.0002_policy_models_sequences").ship(apps, None)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db):
    def make(role: str | None = None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def rep(make_user):
    return make_user(roles.SALES, username="rep", first_name="Lei", last_name="Wang")


@pytest.fixture
def other_rep(make_user):
    return make_user(roles.SALES, username="other_rep")


@pytest.fixture
def manager(make_user):
    return make_user(roles.SALES_MANAGER, username="manager")


@pytest.fixture
def people(make_user, rep, manager):
    """The trade roles by name: a rep, a sales manager, a credit analyst and manager, and the ERP integration."""
    return {
        "rep": rep,
        "manager": manager,
        "analyst": make_user(roles.CREDIT_ANALYST, username="analyst"),
        "cm": make_user(roles.CREDIT_MANAGER, username="cm"),
        "erp": make_user(roles.INTEGRATION, username="erp"),
    }


@pytest.fixture
def customer(rep):
    return make_customer(
        owner=rep,
        name="杭州精工阀门贸易有限公司",
        unified_social_credit_code="91350100M000100Y43",
        phone="0571-88001234",
        address="杭州市西湖区文三路 100 号",
        contacts=1,
    )


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
def client_for(client, password):
    """A Django test client signed in as the given user."""

    def sign_in(user):
        # django-axes counts sign-ins per client address, so the login carries a request like a browser's
        browser = RequestFactory().post("/accounts/login/")
        assert client.login(request=browser, username=user.username, password=password)
        return client

    return sign_in


def running_in_ci() -> bool:
    return os.environ.get("CI", "") not in ("", "0", "false")
