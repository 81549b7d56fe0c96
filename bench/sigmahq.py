"""SigmaHQ compatibility table: every rule of the shared SigmaHQ corpus, loaded, converted for
each store (SQLite SQL, Elasticsearch Lucene), active (govsoc collects its log source) and runs
(active and converted for both), per folder, with the reasons rules do not run.

    python -m bench.sigmahq                      # the corpus beside the checkout (../shared/corpus/sigma)
    python -m bench.sigmahq PATH [PATH ...]      # any rule folders

Baseline, from the same run: pySigma's own backends (sqlite, Lucene) with no processing
pipeline, which is what a user converting the same rules with sigma-cli gets; govsoc's counts
sit beside them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from govsoc.rules import load_rules
from govsoc.rules.health import HealthTable, check_rules

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "sigma"
FOLDERS = ("rules", "rules-compliance", "rules-emerging-threats", "rules-threat-hunting")


class GroupBy:
    """A rule's path -> its group: the first two folders under ``root`` for SigmaHQ's main
    folder (rules/windows, rules/linux), the first folder otherwise (rules-compliance)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, path: Path | None) -> str:
        if path is None:
            return "?"
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return str(path.parent)
        return "/".join(parts[:2]) if parts[0] == "rules" and len(parts) > 2 else parts[0]


def plain_pysigma_counts(paths: list[Path]) -> Counter[str]:
    """Baseline: how many rules pySigma's backends convert with no pipeline at all."""
    from sigma.backends.elasticsearch.elasticsearch_lucene import LuceneBackend
    from sigma.backends.sqlite.sqlite import sqliteBackend
    from sigma.collection import SigmaCollection
    from sigma.rule import SigmaRule

    counts: Counter[str] = Counter()
    files = [p for folder in paths for p in sorted(folder.rglob("*.yml"))]
    collection = SigmaCollection.load_ruleset([str(f) for f in files], collect_errors=True)
    backends = {"sqlite": sqliteBackend(), "elasticsearch": LuceneBackend()}  # type: ignore[no-untyped-call]
    for name, backend in backends.items():
        for rule in collection.rules:
            if not isinstance(rule, SigmaRule):
                continue
            try:
                if backend.convert_rule(rule):
                    counts[name] += 1
            except Exception:  # noqa: BLE001  (the baseline counts what converts, whatever fails)
                pass
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-pySigma baseline")
    args = parser.parse_args(argv)
    paths = args.paths or [CORPUS / f for f in FOLDERS]
    root = CORPUS if not args.paths else Path(*_common(paths))
    started = time.perf_counter()
    ruleset = load_rules(paths)
    checks = check_rules(ruleset)
    table = HealthTable.of(checks, ruleset.errors, GroupBy(root))
    print(table.render())
    print(f"\n{len(checks)} rules checked in {time.perf_counter() - started:.1f} s")
    if not args.no_baseline:
        baseline = plain_pysigma_counts(paths)
        total = table.total()
        for kind in table.kinds:
            print(f"converted for {kind}: govsoc {total[kind]}, plain pySigma {baseline[kind]} "
                  f"(ratio {total[kind] / max(baseline[kind], 1):.3f})")
    return 0


def _common(paths: list[Path]) -> tuple[str, ...]:
    parts = [p.resolve().parts for p in paths]
    common: list[str] = []
    for items in zip(*parts, strict=False):
        if len(set(items)) != 1:
            break
        common.append(items[0])
    return tuple(common) if len(paths) > 1 else parts[0][:-1]


if __name__ == "__main__":
    sys.exit(main())
