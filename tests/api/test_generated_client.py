"""A client generated from our own OpenAPI schema (openapi-python-client) imports whole and syncs over real HTTP:
list, create, PATCH with If-Match, 412 on a stale tag, bulk upsert, the deleted feed (API.md; issue 16 point 6)."""

import importlib
import pkgutil
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from crm import roles
from customers import services
from tests.factories import make_customer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("data_migrations")]
PACKAGE = "dossier_client"
TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> str:
    """Generate the client from the schema the server serves, as an integrator would, and put it on the path."""
    folder = tmp_path_factory.mktemp("client")
    schema = folder / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert generator, "openapi-python-client is a test dependency (requirements-dev.txt)"
    command = [generator, "generate", "--path", str(schema), "--meta", "none", "--output-path", str(folder / PACKAGE)]
    subprocess.run(command, check=True, capture_output=True, cwd=folder)  # noqa: S603 - our own tool and schema
    sys.path.insert(0, str(folder))
    yield PACKAGE
    sys.path.remove(str(folder))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_every_generated_module_imports(generated):
    api = importlib.import_module(f"{generated}.api")
    names = [m.name for m in pkgutil.walk_packages(api.__path__, f"{generated}.api.")]
    broken = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:
            broken.append(f"{name}: {error!r}")
    assert len(names) >= 40
    assert broken == []


def _client(generated: str, base_url: str, user):
    from knox.models import AuthToken

    client_module = importlib.import_module(f"{generated}.client")
    token = AuthToken.objects.create(user=user)[1]
    return client_module.AuthenticatedClient(base_url=base_url, token=token, prefix="Token")


def test_a_sync_round_trip_with_the_generated_client(generated, live_server, make_user):
    api = f"{generated}.api.v1"
    models = importlib.import_module(f"{generated}.models")
    call = {name: importlib.import_module(f"{api}.v1_customers_{name}") for name in
            ("list", "create", "retrieve", "partial_update", "bulk_upsert_create", "deleted_list")}  # fmt: skip
    erp = make_user(roles.INTEGRATION, username="erp")
    rep = make_user(roles.SALES, username="rep")
    manager = make_user(roles.SALES_MANAGER, username="manager")
    client = _client(generated, live_server.url, erp)

    kinds, natures, sizes = models.CustomerKindEnum, models.NatureEnum, models.SizeEnum
    identity = {"kind": kinds.INTERMEDIATE, "nature": natures.COMPANY, "size": sizes.SMALL, "owner": "rep"}
    body = models.CustomerRequest(name="Generated Co", external_id="GEN-1", **identity)
    created = call["create"].sync_detailed(client=client, body=body)
    assert created.status_code == 201, created.content
    code = created.parsed.code

    listed = call["list"].sync_detailed(client=client)
    assert code in [row.code for row in listed.parsed.results]

    read = call["retrieve"].sync_detailed(code, client=client)
    tag = read.headers["ETag"]
    patch = models.PatchedCustomerRequest(phone="0571-1", basic=models.BasicSectionRequest(postcode="310000"))
    changed = call["partial_update"].sync_detailed(code, client=client, body=patch, if_match=tag)
    assert changed.status_code == 200, changed.content
    assert (changed.parsed.phone, changed.parsed.basic.postcode) == ("0571-1", "310000")
    stale = call["partial_update"].sync_detailed(code, client=client, body=patch, if_match=tag)
    assert stale.status_code == 412
    assert stale.parsed.detail

    batch = [models.CustomerRequest(name="Bulk Co", external_id="GEN-2", **identity)]
    upserted = call["bulk_upsert_create"].sync_detailed(client=client, body=batch)
    assert (upserted.status_code, upserted.parsed.created, upserted.parsed.errors) == (200, 1, [])

    gone = make_customer(owner=rep, name="Gone Co")
    services.dossier_update(customer=gone, values={"external_id": "GEN-3"}, sections={}, by=rep, today=TODAY)
    services.customer_archive(customer=gone, by=manager)
    deleted = call["deleted_list"].sync_detailed(client=client)
    assert [(row.code, row.external_id) for row in deleted.parsed.results] == [(gone.code, "GEN-3")]
