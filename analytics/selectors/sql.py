"""Running an analysis's own SQL statement (window functions over a whole portfolio)."""

from django.db import transaction

from crm.replicas import read_connection

WORK_MEM = "128MB"  # sorts and hashes of a 1,000,000-customer report stay in memory instead of temporary files


def fetch_all(sql: str, params: list) -> list[tuple]:
    """The rows of one read-only statement, on a replica when the request may read there (crm/replicas.py); on
    PostgreSQL with ``work_mem`` raised for this transaction only."""
    db = read_connection()
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(sql, params)
        return cursor.fetchall()
