"""Bulk-upsert throughput over real HTTP (issue 3): gunicorn serving the app, batches of 1,000 records
(500 new + 500 changed) posted by one client in sequence, then by two clients at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench100k python benchmarks/bench_bulk_http.py [--batches 10]

Needs customers (benchmarks/generate_portfolio.py). Starts gunicorn with DEBUG=0 on a free port with two
workers (one per core here); records/s counts the time from sending a batch to its response.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customers.models import Customer

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, token: str, body) -> dict:
    request = urllib.request.Request(  # noqa: S310 - our own local server
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own local server
        return json.loads(response.read())


def _batches(existing: list[str], count: int, tag: str) -> list[list[dict]]:
    run = uuid.uuid4().hex[:6]
    batches = []
    for number in range(count):
        changed = [
            {"external_id": external_id, "phone": f"0571-{run}", "sales_status": {"cooperation": run}}
            for external_id in existing[number * 500 : (number + 1) * 500]
        ]
        new = [
            {"external_id": f"HTTP-{tag}-{run}-{number}-{i}", "name": f"新客户 {run} {i}", "owner": "bench_rep01",
             "size": "small", "basic": {"postcode": "310000"}}
            for i in range(500)
        ]  # fmt: skip
        batches.append(changed + new)
    return batches


def _run(url: str, token: str, batches: list[list[dict]]) -> float:
    started = time.perf_counter()
    for batch in batches:
        body = _post(url, token, batch)
        if body["errors"] or body["created"] != 500 or body["updated"] != 500:
            raise SystemExit(f"unexpected result: {body['created']}, {body['updated']}, {body['errors'][:2]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=10, help="batches per client")
    args = parser.parse_args()
    user, _ = get_user_model().objects.get_or_create(username="bench_erp")
    user.groups.add(Group.objects.get(name="integration"))
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=user)
    need = args.batches * 500 * 3
    existing = list(
        Customer.objects.filter(deleted_at__isnull=True, external_id__isnull=False)
        .order_by("pk")
        .values_list("external_id", flat=True)[:need]
    )
    if len(existing) < need:
        raise SystemExit(f"needs {need} customers with an external_id; run benchmarks/bench_api.py once first")
    port = _free_port()
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
           "API_THROTTLE_USER": "1000000/hour", "SECURE_SSL_REDIRECT": "0"}  # fmt: skip
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "gunicorn", "crm.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/customers/bulk-upsert/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        _run(url, token, _batches(existing[-500:], 1, "warm"))  # warm both workers' imports and connections
        _run(url, token, _batches(existing[-1000:-500], 1, "warm"))
        one = _batches(existing, args.batches, "one")
        elapsed = _run(url, token, one)
        records = args.batches * 1000
        print(f"one client:  {records:,} records in {elapsed:.2f} s = {records / elapsed:,.0f} records/s")
        offset = args.batches * 500
        two = [
            _batches(existing[offset + k * offset : offset + (k + 1) * offset], args.batches, f"two{k}") for k in (0, 1)
        ]
        times = [0.0, 0.0]

        def client(k: int) -> None:
            times[k] = _run(url, token, two[k])

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        total = 2 * args.batches * 1000
        print(f"two clients: {total:,} records in {wall:.2f} s = {total / wall:,.0f} records/s")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
