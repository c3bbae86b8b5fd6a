"""Killed/total per module from `mutmut results --all true` on stdin, then the mutants that were not killed."""

import sys
from collections import Counter, defaultdict

KILLED = {"killed", "timeout"}  # a mutant that hangs a test is caught too


def main() -> int:
    by_module: dict[str, Counter] = defaultdict(Counter)
    not_killed = []
    for line in sys.stdin:
        name, _, status = line.strip().rpartition(": ")
        if not name:
            continue
        module = name.split(".x_")[0].split(".xǁ")[0]
        by_module[module][status] += 1
        if status not in KILLED:
            not_killed.append(f"  {status:10} {name}")
    total = Counter()
    for module, counts in sorted(by_module.items()):
        killed = sum(counts[s] for s in KILLED)
        print(f"{module:32} {killed:4}/{sum(counts.values()):<4} killed  {dict(counts)}")
        total.update(counts)
    killed = sum(total[s] for s in KILLED)
    count = sum(total.values()) or 1
    print(f"{'all':32} {killed:4}/{count:<4} killed  ({100 * killed / count:.1f}%)")
    print("\n".join(not_killed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
