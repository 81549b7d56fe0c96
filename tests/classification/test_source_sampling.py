"""Row sampling (sources/sampling.py): a reservoir per table in one pass (R15e-1, an envelope's arrays)."""

from __future__ import annotations

from govsoc.classification.sources.sampling import reservoir, reservoirs


def test_reservoirs_sample_each_table_as_it_would_be_alone() -> None:
    a, b = [f"a{i}" for i in range(500)], [f"b{i}" for i in range(30)]
    interleaved = [("a", x) for x in a[:200]] + [("b", x) for x in b] + [("a", x) for x in a[200:]]
    assert reservoirs(interleaved, 100) == {"a": reservoir(a, 100), "b": reservoir(b, 100)}
    assert reservoirs(interleaved, 100)["b"] == (b, 30)
