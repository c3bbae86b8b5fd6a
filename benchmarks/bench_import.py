"""Import of a 100,000-row customer CSV (issue 12, DOMAIN §2.3): upload (read and record the rows), dry run, write,
re-import of the same file (all unchanged), undo. Targets: dry run < 15 s, import < 30 s on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/bench_import.py [rows] [updates]

Needs the benchmark users of generate_customers.py (bench_manager, bench_rep00…); ``updates`` rows (default 10%)
name existing dossiers by their external id, the rest are new. The undo at the end leaves the database as it was.
"""

import csv
import io
import random
import sys
import time

import _setup
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from customers.models import Customer
from imports import services

REGIONS = ["浙江 杭州", "浙江 宁波", "江苏 苏州", "广东 佛山", "福建 泉州", "山东 青岛"]
WORDS = ["东方", "精工", "华通", "永固", "恒泰", "宏达", "天成", "鑫源", "中阀", "海联"]
FORMS = ["阀门有限公司", "流体设备有限公司", "管件厂", "机电设备有限公司", "贸易有限公司"]


def customer_csv(rows: int, updates: int) -> bytes:
    random.seed(12)
    existing = list(  # an ERP's own export again: the dossiers it knows, with the owners they have
        Customer.objects.exclude(external_id=None)
        .order_by("pk")
        .values_list("external_id", "name", "owner__username")[:updates]
    )
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["外部 ID", "名称", "类别", "规模", "电话", "地区", "地址", "负责人", "法定代表人", "建立关系时间"])
    for n in range(rows):
        owner = f"bench_rep{n % 20:02d}"
        if n < len(existing):
            external_id, name, owner = existing[n]
        else:
            external_id, name = f"IMP-{n:07d}", f"{random.choice(WORDS)}{random.choice(WORDS)}{n}{random.choice(FORMS)}"
        writer.writerow(
            [
                external_id,
                name,
                "intermediate",
                random.choice(["小型", "中型", "large"]),
                f"0571-{random.randint(10000000, 99999999)}",
                random.choice(REGIONS),
                f"工业园区 {n} 号",
                owner,
                random.choice(["王建国", "李红", "张伟", ""]),
                "2019-05-01",
            ]
        )
    return out.getvalue().encode("gb18030")


def timed(label: str, rows: int, work):
    """Wall time, and the CPU time of this process and of its database backend: on a shared machine the wall time
    also counts the wait for a free core, while the two CPU times add up to what the work itself costs."""
    started, cpu, server = time.perf_counter(), time.process_time(), _setup.backend_cpu_seconds(connection)
    result = work()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    server = _setup.backend_cpu_seconds(connection) - server
    print(
        f"{label:<30} {seconds:6.1f} s {rows / seconds:7.0f} rows/s | CPU: Python {cpu:5.1f} s + "
        f"PostgreSQL {server:5.1f} s = {cpu + server:5.1f} s ({rows / max(cpu + server, 0.001):5.0f} rows/s)"
    )
    return result


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    updates = int(sys.argv[2]) if len(sys.argv) > 2 else rows // 10
    manager = get_user_model().objects.get(username="bench_manager")
    today = timezone.localdate()
    content = customer_csv(rows, updates)
    size = len(content) / 1e6
    print(f"{rows} rows ({updates} updates), {size:.1f} MB GB18030 CSV, {Customer.objects.count()} customers")

    def upload():
        file = SimpleUploadedFile("bench.csv", content)
        return services.import_upload(upload=file, target="customers", mapping=None, by=manager)

    batch = timed("upload (read, record rows)", rows, upload)
    batch = timed("dry run", rows, lambda: services.import_check(batch_id=batch.pk, today=today))
    print("  summary", batch.summary)
    services.import_confirm(batch=batch, by=manager, create_duplicates=False)
    batch = timed("import (write)", rows, lambda: services.import_run(batch_id=batch.pk, today=today))
    print("  summary", batch.summary)

    again = timed("re-import: upload", rows, upload)
    again = timed("re-import: dry run", rows, lambda: services.import_check(batch_id=again.pk, today=today))
    print("  summary", again.summary)
    services.import_confirm(batch=again, by=manager, create_duplicates=False)
    again = timed("re-import: write (unchanged)", rows, lambda: services.import_run(batch_id=again.pk, today=today))
    print("  summary", again.summary)

    timed("undo", rows, lambda: services.import_undo(batch=batch, by=manager, today=today))
    print(f"{Customer.objects.count()} customers after the undo")


if __name__ == "__main__":
    main()
