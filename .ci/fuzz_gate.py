"""Read a schemathesis JUnit report: count the cases and the failures by check; fail on server errors or schema
violations (the gate of issue 16), print the rest."""

import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

GATE = ("ST101", "ST108", "Server error", "Response violates schema")  # not_a_server_error, response_schema_conformance


def main(report: str, role: str) -> int:
    path = Path(report)
    if not path.exists():
        print(f"{role}: no report (schemathesis did not finish in time?)")
        return 1
    suites = ET.parse(path).getroot()  # noqa: S314 - our own report file
    cases = suites.findall(".//testcase")
    findings: Counter[str] = Counter()
    for failure in suites.iter("failure"):
        for title in re.findall(r"^\s*-\s*(.+?)\s*$", failure.get("message", "") + "\n" + (failure.text or ""), re.M):
            findings[title] += 1
    gated = {title: n for title, n in findings.items() if any(mark in title for mark in GATE)}
    print(f"{role}: {len(cases)} operations, findings {dict(findings) or 'none'}")
    if gated:
        print(f"{role}: FAILED — {gated}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
