"""Build a realistic portfolio on PostgreSQL with COPY: by default 1,000,000 customers and 10,000,000 orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m .venv/bin/python benchmarks/generate_portfolio.py
    .venv/bin/python benchmarks/generate_portfolio.py --customers 10000 --orders 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/crm_bench10k

Migrates the database, then reuses it when it already holds this portfolio (the ``bench_portfolio`` marker row
names the same customers, orders, seed and generator version, and the tables hold at least that many) and exits;
``--force`` rebuilds it. A rebuild empties every
customer table (TRUNCATE … CASCADE: dossiers, trade, credit, archives, access log, reminders), drops the secondary
indexes and foreign keys of the tables it fills, streams the rows of portfolio_rows.py into them with COPY while the
next chunk is generated, puts the indexes and keys back, sets the id sequences and the customer-code and
order-number sequences (NumberSequence) so the app carries on from there, runs the review-state scan, and VACUUM
ANALYZE. It prints the time of every step and table.
"""

import argparse
import io
import json
import multiprocessing
import os
import queue
import time
import traceback
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date

from portfolio_rows import COLUMNS, TABLES, VERSION, Portfolio, Scale, Staff, encode

MARKER = "bench_portfolio"
PASSWORD = "bench-pass-1"
DEFAULT_SEED = 2026


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="business date (ISO); default today")
    parser.add_argument("--database-url", default=None, help="default: the DATABASE_URL environment variable")
    parser.add_argument("--force", action="store_true", help="rebuild even when the database holds this portfolio")
    parser.add_argument("--chunk", type=int, default=2_000, help="customers per COPY round")
    parser.add_argument("--workers", type=int, default=2, help="processes generating rows")
    parser.add_argument("--index-workers", type=int, default=2, help="connections building indexes side by side")
    args = parser.parse_args(argv)
    if args.customers < 1 or args.orders < 0:
        parser.error("--customers must be positive and --orders not negative")
    return args


class Clock:
    """Elapsed time per step and per table, printed as it goes."""

    def __init__(self):
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def step(self, label: str, *, quiet: bool = False):
        began = time.perf_counter()
        yield
        took = time.perf_counter() - began
        self.seconds[label] += took
        if not quiet:
            print(f"  {label:<44} {took:8.1f} s   (total {self.total:7.1f} s)", flush=True)

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import _setup  # noqa: F401  (Django on DATABASE_URL)
    from django.utils import timezone

    build(
        Scale(args.customers, args.orders, args.seed, args.today or timezone.localdate()),
        force=args.force,
        chunk=args.chunk,
        workers=max(args.workers, 1),
        index_workers=max(args.index_workers, 1),
    )


def build(scale: Scale, *, force: bool = False, chunk: int = 2_000, workers: int = 2, index_workers: int = 2) -> bool:
    """Make the database hold this portfolio; returns False when it already did (nothing written)."""
    from django.core.management import call_command
    from django.db import connection

    clock = Clock()
    with clock.step("migrate"):
        call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        raise SystemExit("generate_portfolio.py needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} (id int PRIMARY KEY, customers bigint, orders bigint, seed bigint, "
            "version int, today date, status text, ddl jsonb, built_at timestamptz, seconds real, summary jsonb)"
        )
        cursor.execute(f"ALTER TABLE {MARKER} ADD COLUMN IF NOT EXISTS version int")  # a marker from before versions
    marker = _marker()
    if not force and _holds(scale, marker):
        print(
            f"The database already holds {scale.customers:,} customers and {scale.orders:,} orders "
            f"(seed {scale.seed}, built for {marker['today']}); nothing to do (--force rebuilds)."
        )
        return False
    if not force and marker is None and _customer_count():
        raise SystemExit("The database holds customers this script did not generate; --force empties and rebuilds it.")
    if not force and marker is not None and marker["status"] == "done":
        raise SystemExit(
            f"The database holds another portfolio ({marker['customers']:,} customers, {marker['orders']:,} orders, "
            f"seed {marker['seed']}); --force rebuilds it at the size asked."
        )
    _load(scale, chunk, workers, clock, marker, index_workers)
    print(f"Done in {clock.total:.1f} s.")
    return True


def _marker() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT customers, orders, seed, version, today, status, ddl FROM {MARKER} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    marker = dict(zip(("customers", "orders", "seed", "version", "today", "status", "ddl"), row, strict=True))
    if isinstance(marker["ddl"], str):  # Django leaves jsonb undecoded
        marker["ddl"] = json.loads(marker["ddl"])
    return marker


def _customer_count() -> int:
    from customers.models import Customer

    return Customer.objects.count()


def _holds(scale: Scale, marker: dict | None) -> bool:
    from credit.models import Order

    if marker is None or marker["status"] != "done":
        return False
    if (marker["customers"], marker["orders"], marker["seed"], marker["version"]) != (
        scale.customers,
        scale.orders,
        scale.seed,
        VERSION,
    ):
        return False
    # the benchmarks that write (bulk upsert, archives) add rows; fewer means the tables were emptied since
    return _customer_count() >= scale.customers and Order.objects.count() >= scale.orders


def _set_marker(**values) -> None:
    from django.db import connection

    names = list(values)
    params = [json.dumps(v) if isinstance(v, list | dict) else v for v in values.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER} (id, {', '.join(names)}) VALUES (1, {', '.join(['%s'] * len(names))}) "  # noqa: S608
            f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names)}",
            params,
        )


def staff(customers: int) -> Staff:
    """The bench users (password bench-pass-1), one per role as in the demo and a rep per 5,000 customers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from crm import roles

    User = get_user_model()
    hashed = make_password(PASSWORD)

    def user(username: str, role: str, first: str, last: str):
        made, _created = User.objects.get_or_create(
            username=username, defaults={"password": hashed, "first_name": first, "last_name": last}
        )
        made.groups.add(Group.objects.get(name=role))  # also to a bench user another script made without it
        return made

    count = max(3, customers // 5000)
    reps = [user(f"bench_rep{index:02d}", roles.SALES, "Rep", f"{index:02d}") for index in range(count)]
    user("bench_archivist", roles.ARCHIVIST, "Archive", "Keeper")
    return Staff(
        reps=tuple((rep.pk, rep.username) for rep in reps),
        manager=user("bench_manager", roles.SALES_MANAGER, "Sales", "Manager").pk,
        service=user("bench_service", roles.CUSTOMER_SERVICE, "Customer", "Service").pk,
        analyst=user("bench_analyst", roles.CREDIT_ANALYST, "Credit", "Analyst").pk,
        credit_manager=user("bench_creditmgr", roles.CREDIT_MANAGER, "Credit", "Manager").pk,
        integration=user("bench_erp", roles.INTEGRATION, "ERP", "Sync").pk,
    )


def copy_columns() -> dict[str, tuple[str, str]]:
    """Per table, the COPY column list and the constant tail of every line: the model's other NOT NULL columns
    (blank text, false, an empty JSON value); a column that needs a value the generator does not give stops here."""
    from django.apps import apps
    from django.db import connection, models
    from django.db.models.fields import AutoFieldMixin

    by_table = {model._meta.db_table: model for model in apps.get_models()}
    result = {}
    for table, columns in COLUMNS.items():
        extra, tail, missing = [], [], []
        for f in by_table[table]._meta.concrete_fields:
            if f.column in columns or f.null or isinstance(f, AutoFieldMixin):  # the database numbers those
                continue
            if isinstance(f, models.JSONField) and f.default in (list, dict):
                value = "[]" if f.default is list else "{}"
            elif isinstance(f, models.CharField | models.TextField | models.FileField) and f.blank:
                value = ""
            elif isinstance(f, models.BooleanField) and f.default is False:
                value = "f"
            else:
                missing.append(f.column)
                continue
            extra.append(f.column)
            tail.append(value)
        if missing:
            raise SystemExit(f"portfolio_rows.py gives no value for {table}: {', '.join(missing)}")
        names = ", ".join(connection.ops.quote_name(name) for name in [*columns, *extra])
        result[table] = (names, "".join("\t" + value for value in tail))
    return result


def secondary_ddl() -> list[dict]:
    """The foreign keys, unique constraints and non-primary indexes of the tables the load fills, as
    statements that drop and recreate them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
            [list(TABLES)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indrelid::regclass::text, c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)"
            " ORDER BY c.relname",
            [list(TABLES)],
        )
        indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    ddl = [
        {"table": t, "drop": f"DROP INDEX {quote(name)}", "create": definition, "kind": "index"}
        for t, name, definition in indexes
    ]
    for t, name, kind, definition in constraints:  # unique ones first, foreign keys last
        ddl.append(
            {
                "table": t,
                "drop": f"ALTER TABLE {quote(t)} DROP CONSTRAINT {quote(name)}",
                "name": quote(name),
                "create": f"ALTER TABLE {quote(t)} ADD CONSTRAINT {quote(name)} {definition}",
                "kind": "foreign key" if kind == "f" else "unique",
            }
        )
    return ddl


def _run(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _load(scale: Scale, chunk: int, workers: int, clock: Clock, marker: dict | None, index_workers: int) -> None:
    from django.conf import settings
    from django.db import connection

    from credit.selectors import policy_current

    print(
        f"Building {scale.customers:,} customers and {scale.orders:,} orders (seed {scale.seed}, "
        f"business date {scale.today}) in {connection.settings_dict['NAME']}"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute("SET maintenance_work_mem TO '1GB'")
    with clock.step("users"):
        people = staff(scale.customers)
    ddl = _empty_tables(scale, clock, marker)
    portfolio = Portfolio(scale, people, policy_current().as_rule(), settings.CRM_COMPLETENESS_REQUIRED)
    rows = _stream(portfolio, chunk, workers, clock)
    with clock.step(f"indexes and keys ({index_workers} connections)"):
        _restore(ddl, sorted(TABLES, key=lambda table: -rows[table]), clock, index_workers)
    _set_marker(ddl=[])  # a run killed before this puts them back on the next (_empty_tables)
    for table in TABLES:
        took = sum(s for label, s in clock.seconds.items() if label.endswith(f" {table}") and "copy" not in label)
        print(
            f"  {table:<34} {rows[table]:>12,} rows  COPY {clock.seconds[f'copy {table}']:7.1f} s  "
            f"indexes and keys {took:6.1f} s"
        )
    with clock.step("sequences"):
        _sequences(scale)
    with clock.step("review states (the nightly staleness scan)"):
        _review_states(scale.today)
    with clock.step("VACUUM ANALYZE"):
        _run(["VACUUM ANALYZE"])
    summary = {"rows": rows, "tiers": portfolio.tally["tier"], "grades": portfolio.tally["grade"]}
    print(f"  tiers {dict(sorted(portfolio.tally['tier'].items()))}  grades {dict(portfolio.tally['grade'])}")
    _set_marker(
        status="done", ddl=[], built_at=time.strftime("%Y-%m-%d %H:%M:%S%z"), seconds=clock.total, summary=summary
    )


def _restore(ddl: list[dict], tables: list[str], clock: Clock, connections: int) -> None:
    """Put the indexes and keys back, on ``connections`` connections side by side: first the indexes and unique
    constraints, table by table (the biggest first), then the foreign keys, added NOT VALID (no scan; one after the
    other, as adding one locks both tables) and validated side by side (a validation locks neither against writes
    nor the other validations). Each connection its own thread: Django gives every thread its own connection."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def run(label: str, statements: list[str]) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem TO '1GB'")
                for statement in statements:
                    with clock.step(label, quiet=True):
                        cursor.execute(statement)
        finally:
            connection.close()

    def side_by_side(work: list[tuple[str, list[str]]]) -> None:
        with ThreadPoolExecutor(max_workers=connections) as pool:
            for future in [pool.submit(run, label, statements) for label, statements in work]:
                future.result()

    quote = connection.ops.quote_name
    keys = [item for item in ddl if item["kind"] == "foreign key"]
    side_by_side(
        [
            (f"index {table}", [item["create"] for item in ddl if item["table"] == table and item not in keys])
            for table in tables
        ]
    )
    _run([f"{item['create']} NOT VALID" for item in keys])
    side_by_side(
        [
            (f"foreign key {item['table']}", [f"ALTER TABLE {quote(item['table'])} VALIDATE CONSTRAINT {item['name']}"])
            for item in keys
        ]
    )


def _if_exists(drop: str) -> str:
    return drop.replace("DROP INDEX ", "DROP INDEX IF EXISTS ").replace(
        "DROP CONSTRAINT ", "DROP CONSTRAINT IF EXISTS "
    )


def _empty_tables(scale: Scale, clock: Clock, marker: dict | None) -> list[dict]:
    """Empty every customer table and drop the secondary indexes and keys of the ones the load fills; returns the
    statements that drop and recreate them, which the marker keeps until they are back (a run killed midway
    leaves them to the next one)."""
    from django.db import transaction

    with clock.step("empty the customer tables"):
        # by name too: after a run killed midway their foreign keys, which CASCADE follows, may be missing
        _run([f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"])
    if marker and marker["status"] == "building" and marker["ddl"]:
        with clock.step("indexes and keys an interrupted run dropped"), transaction.atomic():  # empty tables: fast
            # some may be back already (a run killed while it put them back): those are made again
            _run([_if_exists(item["drop"]) for item in reversed(marker["ddl"])])
            _run([item["create"] for item in marker["ddl"]])
            _set_marker(ddl=[])
    ddl = secondary_ddl()
    with clock.step(f"drop {len(ddl)} secondary indexes and keys"), transaction.atomic():
        _set_marker(
            customers=scale.customers,
            orders=scale.orders,
            seed=scale.seed,
            version=VERSION,
            today=scale.today,
            status="building",
            ddl=ddl,
            built_at=None,
            seconds=None,
            summary=None,
        )
        _run([item["drop"] for item in reversed(ddl)])
    return ddl


def _produce(portfolio: Portfolio, chunk: int, part: int, parts: int, tails: dict[str, str], out) -> None:
    """A generator process: COPY-ready bytes for its share of the chunks, then its tally (or the error)."""
    try:
        for piece in portfolio.chunks(chunk, part=part, parts=parts):
            out.put((piece.customers, encode(piece, tails)))
        out.put(("done", portfolio.tally))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def _next(source, producer) -> tuple:
    while True:
        try:
            message = source.get(timeout=10)
        except queue.Empty:
            if not producer.is_alive():
                raise SystemExit("a row generator process died") from None
            continue
        if message[0] == "error":
            raise SystemExit(f"the row generator failed:\n{message[1]}")
        return message


def _stream(portfolio: Portfolio, chunk: int, workers: int, clock: Clock) -> dict[str, int]:
    """COPY the chunks into their tables, in chunk order, while ``workers`` processes generate the next ones (two
    waiting at most each): the generators, this loader and the PostgreSQL backend work side by side, and memory
    holds a few chunks."""
    from django.db import connection

    columns = copy_columns()
    tails = {table: tail for table, (_, tail) in columns.items()}
    context = multiprocessing.get_context("fork")
    queues = [context.Queue(maxsize=2) for _ in range(workers)]
    producers = [
        context.Process(target=_produce, args=(portfolio, chunk, part, workers, tails, queues[part]), daemon=True)
        for part in range(workers)
    ]
    for producer in producers:
        producer.start()
    rows: dict[str, int] = dict.fromkeys(TABLES, 0)
    done, report_every, next_report = 0, max(portfolio.scale.customers // 20, 1), 0
    with connection.cursor() as cursor:
        for index in range(-(-portfolio.scale.customers // chunk)):
            with clock.step("waiting for rows", quiet=True):
                customers, part = _next(queues[index % workers], producers[index % workers])
            for table, (count, body) in part.items():
                with clock.step(f"copy {table}", quiet=True):
                    cursor.copy_expert(f"COPY {table} ({columns[table][0]}) FROM STDIN", io.BytesIO(body))
                rows[table] += count
            done += customers
            if done >= next_report:
                next_report += report_every
                print(
                    f"  {done:>10,} customers {rows['credit_order']:>12,} orders {rows['credit_orderline']:>12,} "
                    f"lines {rows['credit_payment']:>12,} payments  {clock.total:7.1f} s",
                    flush=True,
                )
    portfolio.tally = {"tier": Counter(), "grade": Counter()}
    for source, producer in zip(queues, producers, strict=True):
        _done, tally = _next(source, producer)
        for key, counts in tally.items():
            portfolio.tally[key].update(counts)
        producer.join()
    waited = clock.seconds["waiting for rows"]
    print(
        f"  rows generated and copied in {clock.total:.1f} s; the loader waited {waited:.1f} s for {workers} generators"
    )
    return rows


def _sequences(scale: Scale) -> None:
    """The id sequences of the tables whose ids the generator gave past them (the database numbered the others);
    the next customer code and order number follow the generated ones."""
    from django.db import connection

    from crm.models import NumberSequence

    with connection.cursor() as cursor:
        for table in TABLES:
            key = COLUMNS[table][0]
            if key != "id":
                continue
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "  # noqa: S608
                f"FROM {connection.ops.quote_name(table)}",
                [table],
            )
    NumberSequence.objects.update_or_create(name="customer", defaults={"last": scale.customers})
    NumberSequence.objects.update_or_create(name="order", defaults={"last": scale.orders})


def _review_states(today: date) -> None:
    """Every dossier has a review state (archived ones too); the live ones get theirs from the app's scan."""
    from credit.selectors import review_policy
    from customers.services.review_state import dossier_staleness_scan

    _run(["INSERT INTO customers_reviewstate (customer_id, is_stale) SELECT id, false FROM customers_customer"])
    dossier_staleness_scan(today=today, policy=review_policy())
    # the similar-name search's table of distinct normalised names (DOMAIN §2.3), as the write path keeps it
    _run(
        [
            "INSERT INTO customers_namekey (key) SELECT DISTINCT name_key FROM customers_customer "
            "WHERE name_key <> '' ON CONFLICT DO NOTHING"
        ]
    )


if __name__ == "__main__":
    main()
