"""benchmarks/run_all.py (issue 15 point 5): one table of every speed target, its figure and the verdict."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import run_all


def test_the_table_has_a_line_per_measure_with_its_target_figure_and_verdict():
    rows = [
        run_all.Row("customer list, last page", "< 50 ms median", "12.5 ms", True),
        run_all.Row("bulk upsert, 1,000 a batch, one client", "≥ 10,000 records/s", "4,200 records/s", False),
    ]
    lines = run_all.table(rows).splitlines()
    assert lines[0].split(" | ")[0].strip() == "measure"
    assert [line.split(" | ")[-1].strip() for line in lines[2:]] == ["pass", "FAIL"]
    assert "4,200 records/s" in lines[3]
    assert "≥ 10,000 records/s" in lines[3]


def test_the_options_default_to_the_million_customer_database():
    args = run_all.parse([])
    assert (args.customers, args.orders, args.reads_only) == (1_000_000, 10_000_000, False)
    assert args.database_url.endswith("/crm_bench1m")
    assert run_all.parse(["--reads-only"]).reads_only is True
