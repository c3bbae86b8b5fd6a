"""Archive speed (DOMAIN §9): a customer's catalogue page and the access-log page filtered by user and month.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_arch python benchmarks/bench_archives.py \
        [--documents 1000000] [--log-entries 2000000]

Needs customers first (benchmarks/generate_portfolio.py). Tops the register up to --documents originals and the
access log up to --log-entries entries with set-based SQL (benchmark tooling, not the services), then times the
pages through Django's test client: median of 20 requests, with the query count of one more.
"""

import argparse
import time

import _setup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from archives.models import ArchiveDocument
from crm import roles
from crm.models import AccessLog
from customers.models import Customer

LOG_USERS = 50


def _users() -> list[int]:
    User = get_user_model()
    group = Group.objects.get(name=roles.SALES_MANAGER)
    ids = []
    for index in range(LOG_USERS):
        user, made = User.objects.get_or_create(username=f"bench_reader_{index}")
        if made:
            user.set_password("bench")
            user.save()
            user.groups.add(group)
        ids.append(user.pk)
    return ids


def _top_up_documents(target: int, archivist_id: int) -> None:
    have = ArchiveDocument.objects.count()
    if have >= target:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_customer")
        (customers,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO archives_archivedocument (number, customer_id, doc_type, title, source, issued_on, expires_on,
                room, cabinet, shelf, view_only, custody, notes, scan, scan_name, scan_size, scan_content_type,
                registered_at, registered_by_id, version)
            SELECT 'BENCH-' || lpad(g::text, 8, '0'), c.id,
                (ARRAY['business_licence', 'tax_registration', 'power_of_attorney', 'credit_report',
                       'bank_credit_certificate', 'contract', 'invoice', 'visit_report', 'other'])[1 + g %% 9],
                'Document ' || g, 'customer',
                date '2020-01-01' + (g %% 2000), CASE WHEN g %% 3 = 0 THEN date '2025-06-01' + (g %% 900) END,
                'R' || (g %% 5), 'C' || (g %% 100), 'S' || (g %% 10), g %% 7 = 0,
                CASE WHEN g %% 50 = 0 AND g %% 7 <> 0 THEN 'lent' WHEN g %% 97 = 0 THEN 'missing' ELSE 'in_place' END,
                '', '', '', NULL, '', now() - (g %% 20000) * interval '1 hour', %s, 1
            FROM generate_series(%s, %s) g
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM customers_customer) c ON c.rn = g %% %s
            """,
            [archivist_id, have + 1, target, customers],
        )
        cursor.execute(
            """
            INSERT INTO archives_borrowing (document_id, borrower_id, purpose, due_on, status, requested_at,
                decided_by_id, decided_at, decision_note, lent_at)
            SELECT d.id, %s, 'bench', current_date + 7, 'lent', now(), %s, now(), '', now()
            FROM archives_archivedocument d
            WHERE d.custody = 'lent' AND NOT EXISTS (SELECT 1 FROM archives_borrowing b WHERE b.document_id = d.id)
            """,
            [_users()[0], archivist_id],
        )
        cursor.execute("ANALYZE archives_archivedocument; ANALYZE archives_borrowing")
    print(f"register topped up to {target:,} originals in {time.perf_counter() - started:.1f} s")


def _top_up_log(target: int, user_ids: list[int]) -> None:
    have = AccessLog.objects.count()
    if have >= target:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO crm_accesslog (at, user_id, customer_id, action, channel, object_ref, reason)
            SELECT now() - (g %% 17520) * interval '1 hour' - (g %% 60) * interval '1 minute',
                (%s::int[])[1 + g %% %s], c.id,
                (ARRAY['dossier_read','document_download','original_lent','access_denied'])[1 + g %% 4],
                (ARRAY['web','api'])[1 + g %% 2], 'archive:BENCH-' || lpad((g %% 1000000)::text, 8, '0'), 'bench audit'
            FROM generate_series(%s, %s) g
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM customers_customer) c
              ON c.rn = (g::bigint * 7919) %% (SELECT count(*) FROM customers_customer)
            """,
            [user_ids, len(user_ids), have + 1, target],
        )
        cursor.execute("ANALYZE crm_accesslog")
    print(f"access log topped up to {target:,} entries in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--log-entries", type=int, default=2_000_000)
    args = parser.parse_args()
    User = get_user_model()
    archivist, _ = User.objects.get_or_create(username="bench_archivist")
    archivist.groups.add(Group.objects.get(name=roles.ARCHIVIST))
    user_ids = _users()
    _top_up_documents(args.documents, archivist.pk)
    _top_up_log(args.log_entries, user_ids)

    client = Client()
    client.force_login(User.objects.get(pk=user_ids[1]))
    documents, entries = ArchiveDocument.objects.count(), AccessLog.objects.count()
    print(f"{Customer.objects.count():,} customers, {documents:,} originals, {entries:,} access-log entries")
    codes = list(Customer.objects.order_by("?").values_list("code", flat=True)[:20])
    month = timezone.localdate().replace(day=1)
    months = [
        (month.replace(year=month.year - 1 + (month.month + k - 1) // 12, month=1 + (month.month + k - 1) % 12))
        for k in range(12)
    ]
    cases = [
        ("customer catalogue page", [(f"/archives/customers/{code}/", {}) for code in codes], "< 100 ms"),
        ("catalogue tab (htmx fragment)", [(f"/archives/customers/{code}/", {}) for code in codes], ""),
        (
            "access log, user + month",
            [
                ("/archives/access-log/", {"user": user_ids[i % LOG_USERS], "month": months[i % 12].strftime("%Y-%m")})
                for i in range(20)
            ],
            "< 200 ms",
        ),
        ("access log, unfiltered", [("/archives/access-log/", {})] * 20, ""),
        ("register, default", [("/archives/", {})] * 20, ""),
        (
            "register, by archive number",
            [("/archives/", {"search": f"BENCH-{k * 49_999:08d}"}) for k in range(1, 21)],
            "",
        ),
        ("API documents of a customer", [(f"/api/v1/customers/{code}/documents/", {}) for code in codes], ""),
    ]
    print(f"{'page':<34} {'median':>9} {'queries':>8}  target")
    for label, requests, target in cases:
        if "htmx" in label:
            client.defaults["HTTP_HX_REQUEST"] = "true"
        median, queries, _size = _setup.median_get(client, requests, label=label)
        client.defaults.pop("HTTP_HX_REQUEST", None)
        print(f"{label:<34} {median:>7.1f} ms {queries:>8}  {target}")


if __name__ == "__main__":
    main()
