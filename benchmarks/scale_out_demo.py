"""Several machines on one (README "Running on several machines"): reads through gunicorn land on the replica, a
writer's next read on the primary, a background import goes to the worker of its queue. Prints what it saw.

Set up as it was run: PostgreSQL on 5432 with `seed_demo` in crm_scale, its replica on 5433 (.ci/replica), PgBouncer
on 6432 (pool_mode = transaction; databases crm_scale → 5432 and crm_scale_replica → 5433), Redis; then with

    export DATABASE_URL=postgres://postgres@127.0.0.1:6432/crm_scale
    export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:6432/crm_scale_replica
    export DISABLE_SERVER_SIDE_CURSORS=1 REDIS_URL=redis://127.0.0.1:6379/10
    export CRM_TASK_QUEUES='{"imports.tasks.*": "imports"}' CRM_IMPORT_SYNC_ROWS=10 CRM_JOBS_ON_START=0
    export DEBUG=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECRET_KEY=…
    export API_THROTTLE_USER=1000000/hour CRM_LOGIN_FAILURE_LIMIT=100000

    gunicorn crm.wsgi -b 127.0.0.1:8791 -w 2
    celery -A crm worker -Q celery -n jobs@%h --concurrency=1
    celery -A crm worker -Q imports -n imports@%h --concurrency=1
    celery -A crm beat -s var/scale/beat1             # and a second beat: it stands by
    .venv/bin/python benchmarks/scale_out_demo.py
"""

import io
import statistics
import time

import psycopg2
import requests

BASE = "http://127.0.0.1:8791"
LISTS = ["/api/v1/customers/?page_size=100", "/api/v1/analytics/pareto/", "/api/v1/analytics/ageing/"]


def token(user: str) -> dict:
    answer = requests.post(f"{BASE}/api/v1/auth/token/", json={"username": user, "password": "demo1234"}, timeout=30)
    answer.raise_for_status()
    return {"Authorization": f"Token {answer.json()['token']}"}


def replica_rows_read() -> int:
    """Rows the replica has returned for crm_scale so far (pg_stat_database, refreshed at most every 500 ms)."""
    time.sleep(0.6)
    db = psycopg2.connect(host="127.0.0.1", port=5433, user="postgres", dbname="crm_scale")
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = 'crm_scale'")
            return cursor.fetchone()[0]
    finally:
        db.close()


def median_ms(headers: dict, path: str, times: int = 15) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        requests.get(BASE + path, headers=headers, timeout=60).raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    manager, erp = token("manager"), token("erp-sync")
    for path in LISTS:
        before = replica_rows_read()
        ms = median_ms(manager, path)
        print(f"GET {path}: median {ms:.0f} ms; rows read on the replica: {replica_rows_read() - before}")

    first = requests.get(f"{BASE}/api/v1/customers/?page_size=1", headers=manager, timeout=30).json()["results"][0]
    patched = requests.patch(
        f"{BASE}/api/v1/customers/{first['code']}/", json={"phone": "0571-99990000"}, headers=manager, timeout=30
    )
    print("PATCH", first["code"], patched.status_code)
    before = replica_rows_read()
    requests.get(BASE + LISTS[0], headers=manager, timeout=30).raise_for_status()
    print(f"the writer's next list: rows read on the replica {replica_rows_read() - before} (read on the primary)")

    rows = "name,kind,nature,size,external_id\n" + "".join(
        f"Queue Demo {n},intermediate,company,small,QD{n}\n" for n in range(40)
    )
    upload = requests.post(
        f"{BASE}/api/v1/imports/",
        headers=erp,
        files={"file": ("demo.csv", io.BytesIO(rows.encode()), "text/csv")},
        data={"target": "customers"},
        timeout=60,
    )
    print("import upload", upload.status_code, upload.json().get("status"))
    for _ in range(120):
        state = requests.get(f"{BASE}/api/v1/imports/{upload.json()['id']}/", headers=erp, timeout=30).json()
        if state["status"] != "checking":
            break
        time.sleep(0.5)
    print("import checked in the background:", state["status"], "(see which worker's log received it)")


if __name__ == "__main__":
    main()
