#!/usr/bin/env python3
"""Prints PIT's mutation score per package from mutations.xml (./fastpath mutate runs it).

Killed = KILLED + TIMED_OUT + MEMORY_ERROR (PIT counts those as detected); the score is killed / all
mutants, NO_COVERAGE included, as PIT's own report computes it.
"""
import collections
import sys
import xml.etree.ElementTree as ET

DETECTED = {"KILLED", "TIMED_OUT", "MEMORY_ERROR"}


def main(path):
    per = collections.defaultdict(collections.Counter)
    for m in ET.parse(path).getroot().iter("mutation"):
        cls = m.findtext("mutatedClass")
        pkg = cls.rsplit(".", 1)[0].replace("dev.fastpath.", "")
        per[pkg][m.get("status")] += 1
    print("package        mutants  killed  survived  no-coverage  score")
    for pkg in sorted(per):
        c = per[pkg]
        total = sum(c.values())
        killed = sum(c[s] for s in DETECTED)
        print(f"{pkg:<14} {total:>7} {killed:>7} {c['SURVIVED']:>9} {c['NO_COVERAGE']:>12}  {100.0 * killed / total:5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "fastpath/target/pit-reports/mutations.xml"))
