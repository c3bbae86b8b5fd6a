"""Mutants of the permission table in crm/access.py, which mutmut cannot reach (it mutates function bodies only,
and the table is built once at import): each ``&``/``|`` swapped, each role dropped from a ``_role(...)``, each
term dropped from a rule. Every mutant must fail the access tests. Run by `make mutation`."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path("crm/access.py")
TESTS = ["tests/crm/test_access_policy.py"]  # the pure table test; the page matrix would take minutes per mutant
SKIPPED = (".git", "mutants", "var", "media", "__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache")


def mutants(text: str):
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        code = line.split("#", 1)[0]
        if not re.match(r"\s*(rules\.add_perm|[a-z_]+ = |\s+roles\.)", code) or "def " in code:
            continue
        for match in re.finditer(r" ([&|]) ", code):
            swapped = "&" if match.group(1) == "|" else "|"
            yield number + 1, f"{match.group(1)} → {swapped}", line[: match.start(1)] + swapped + line[match.end(1) :]
        for match in re.finditer(r"roles\.[A-Z_]+,? ?", code):
            if ("_role(" in code and code.count("roles.") > 1) or re.match(r"\s+roles\.", code):
                yield number + 1, f"drop {match.group(0).strip(', ')}", line[: match.start()] + line[match.end() :]
        if "add_perm" in code or code.lstrip().startswith("may_edit_dossier"):
            for match in re.finditer(r"(\(is_owner & is_sales_staff\)|\w+) \| ", code):
                yield number + 1, f"drop {match.group(1)}", line[: match.start()] + line[match.end() :]
            for match in re.finditer(r" \| (\w+)\)?$", code.rstrip()):
                yield number + 1, f"drop {match.group(1)}", line[: match.start()] + line[match.end(1) :]
    owner = "customer.owner_id == user.pk"
    yield from _whole(text, owner, "customer.owner_id != user.pk", "is_owner: == → !=")
    yield from _whole(text, "customer is not None and " + owner, "True", "is_owner: always")


def _whole(text: str, old: str, new: str, label: str):
    for number, line in enumerate(text.splitlines(keepends=True)):
        if old in line:
            yield number + 1, label, line.replace(old, new)


def _killed(project: Path) -> bool:
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TESTS]
    return subprocess.run(command, cwd=project, capture_output=True, check=False).returncode != 0


def main() -> int:
    """Mutate a copy of the project (the working tree is never touched), one mutant at a time."""
    original = SOURCE.read_text()
    lines = original.splitlines(keepends=True)
    survived = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="access-mutants-") as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(".", project, ignore=shutil.ignore_patterns(*SKIPPED), symlinks=True)
        if _killed(project):
            print("access table: the tests fail without any mutant; fix them first")
            return 1
        for number, label, mutated_line in mutants(original):
            mutated = "".join([*lines[: number - 1], mutated_line, *lines[number:]])
            if mutated == original:
                continue
            total += 1
            (project / SOURCE).write_text(mutated)
            if not _killed(project):
                survived.append(f"crm/access.py:{number}: {label}")
    print(f"access table: {total - len(survived)}/{total} killed")
    for mutant in survived:
        print(f"  survived {mutant}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
