"""Running an analysis's own SQL statement (window functions over a whole portfolio)."""

from django.db import connection, transaction

WORK_MEM = "128MB"  # sorts and hashes of a 1,000,000-customer report stay in memory instead of temporary files


def fetch_all(sql: str, params: list) -> list[tuple]:
    """The rows of one read-only statement; on PostgreSQL with ``work_mem`` raised for this transaction only."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(sql, params)
        return cursor.fetchall()
