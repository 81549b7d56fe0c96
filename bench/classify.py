"""Classification benchmark and evaluation (issue 15): values scanned per second on one core by
the prefiltered scanner beside the naive baseline (every pattern of every recognizer tried on
every value) in the same run, and the evaluation table (precision/recall/F1 per recognizer and
per column decision, false positives on the adversarial negatives).

    python -m bench.classify                    # 200,000 values per corpus, 3 rounds
    python -m bench.classify --values 20000     # quicker

Corpora:

* ``logs``: the messages of loghub's Linux, OpenSSH and Apache samples (shared/corpus/loghub,
  real lines; the header before the message cut off): what ingest-time tagging scans.
* ``ordinary``: values of non-sensitive columns plus the adversarial negatives (order numbers,
  timestamps, invoice codes, IDs with wrong check characters, unallocated phone segments, ...).
  These are digit-heavy on purpose: most values reach a trigger.
* ``table``: every value of the labelled columns, about three quarters of them sensitive
  (ID numbers, phones, names, addresses, cards ...): the worst case for a prefilter.

Rates are values per CPU second of this process (time.process_time), best of ``--repeat``
rounds, so that they are one core's rate on a shared machine; naive and prefiltered run
interleaved in each round and their ratio is the figure to read. Recognizer sets: "ingest" is
what ingest-time tagging runs (classification.tagging.AT_INGEST: ID numbers, mobiles, cards,
e-mail, passports and permits, social security); "common" is the recognizers most tables hold
(resident ID, mobile, bank card, e-mail, IPv4, USCC); "all" is every registered recognizer.
IPv4 is what separates "ingest" from "common" on logs: half of the log lines hold an address,
and each must be validated and masked.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.evaluation import (
    format_table,
    labelled_columns,
    labelled_values,
    negative_false_positive_rate,
    score_columns,
    score_values,
)
from govsoc.classification.scanner import Scanner, scan_naive
from govsoc.classification.tagging import AT_INGEST

COMMON = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")


LOGHUB = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "loghub"


def log_messages() -> list[str]:
    """The message part of every loghub sample line (after the ``program[pid]:`` or ``]`` header)."""
    messages = []
    for path in sorted(LOGHUB.glob("*/*_2k.log")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            head, sep, rest = line.partition("]: ") if "]: " in line else line.partition("] ")
            messages.append(rest if sep else line)
    return messages


def corpora(size: int, seed: int = 15) -> dict[str, list[str]]:
    """The corpora, shuffled and repeated to ``size`` values each."""
    columns = labelled_columns(seed=seed, rows=200)
    ordinary = [v for sample, label in columns if label is None for v in sample.values if v]
    ordinary += [item.value for item in labelled_values(seed=seed, per_type=200) if item.label is None]
    table = [v for sample, _ in columns for v in sample.values if v]
    out = {}
    for name, values in (("logs", log_messages()), ("ordinary", ordinary), ("table", table)):
        random.Random(seed).shuffle(values)
        out[name] = (values * (size // len(values) + 1))[:size]
    return out


def _cpu(run: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        run()
        return time.process_time() - start
    finally:
        gc.enable()


def speed(size: int, repeat: int) -> list[tuple[str, str, float, float]]:
    """(corpus, recognizer set, naive values/s, prefiltered values/s)."""
    rows = []
    for corpus, values in corpora(size).items():
        for label, ids in (("ingest (9)", AT_INGEST), ("common (6)", COMMON), ("all", None)):
            scanner = Scanner(ids)
            naive, fast = [], []
            for _ in range(repeat):
                naive.append(_cpu(lambda s=scanner, v=values: scan_naive(s, v)))  # type: ignore[misc]
                fast.append(_cpu(lambda s=scanner, v=values: sum(1 for _ in s.scan_many(v))))  # type: ignore[misc]
            label_all = f"all ({len(scanner.recognizers)})" if ids is None else label
            rows.append((corpus, label_all, size / min(naive), size / min(fast)))
    return rows


def evaluation(per_type: int, seeds: Sequence[int]) -> str:
    """The evaluation report as text."""
    scanner = Scanner()
    checksum = frozenset(i for i, r in scanner.recognizers.items() if r.checksum)
    lines = []
    for seed in seeds:
        items = labelled_values(seed=seed, per_type=per_type)
        scores = score_values(scanner, items)
        rate, kinds = negative_false_positive_rate(scanner, items)
        negatives = sum(1 for i in items if i.label is None)
        total, per_column = score_columns(ColumnClassifier(scanner), labelled_columns(seed=seed))
        lines += [f"== values, seed {seed}: {per_type} positives per recognizer, {negatives} adversarial negatives",
                  format_table(scores, checksum),
                  f"false positives on negatives: {rate:.3%} {kinds or ''}",
                  f"== columns, seed {seed}: {total.tp + total.fn} labelled columns + negative columns",
                  f"column decisions: precision {total.precision:.3f} recall {total.recall:.3f} F1 {total.f1:.3f}",
                  format_table(per_column, checksum)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the speed table and the evaluation."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-type", type=int, default=400)
    args = parser.parse_args(argv)
    print(f"{'corpus':10} {'recognizers':12} {'naive v/s':>12} {'prefiltered v/s':>16} {'speed-up':>9}")
    for corpus, label, naive, fast in speed(args.values, args.repeat):
        print(f"{corpus:10} {label:12} {naive:12,.0f} {fast:16,.0f} {fast / naive:8.1f}x")
    print(evaluation(args.per_type, (15, 16)))


if __name__ == "__main__":
    main()
