"""The level-3 catalogue against shared/reference/crypto-eval.md §1 (items, strengths, weights)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from govsoc.core.errors import ConfigError
from govsoc.crypto_eval.catalogue import load_catalogue


def test_units_and_weights_per_layer() -> None:
    cat = load_catalogue()
    assert cat.level == 3 and cat.threshold == D(60)
    # 43206 units per layer (§1.1-1.5): 3, 5, 6, 8 technical; 6, 5, 5, 3 management
    assert {layer.id: len(layer.items) for layer in cat.layers} == {
        "physical": 3, "network": 5, "device": 6, "application": 8,
        "policies": 6, "people": 5, "build_run": 5, "emergency": 3}
    assert [i.weight for i in cat.layer("application").items] == [D(x) for x in
                                                                  ("1", "0.4", "0.4", "1", "1", "0.7", "0.7", "1")]
    assert sum((i.weight for i in cat.layer("emergency").items), D(0)) == D("2.4")


def test_level3_shall_set() -> None:
    # §1 note 4: the seven 应 units at level 3
    technical = [i for layer in load_catalogue().layers if layer.kind == "technical" for i in layer.items]
    assert sorted(i.unit for i in technical if i.strength == "shall") == [
        "6.2.1", "6.2.3", "6.3.1", "6.3.2", "6.4.1", "6.4.4", "6.4.5"]
    assert load_catalogue().item("gbt39786.l3.8.2.e").strength == "may"


def test_ids_and_clauses() -> None:
    items = load_catalogue().items()
    assert len({i.id for i in items}) == len(items) == 41
    assert load_catalogue().item("gbt39786.l3.8.3.b").clause == "GB/T 39786-2021 8.3 b) / GB/T 43206-2023 6.3.2"
    with pytest.raises(ConfigError):
        load_catalogue().item("gbt39786.l3.9.9.z")


def test_a_broken_catalogue_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "cat.yml"
    bad.write_text("standard: x\nlevel: 3\nscoring: y\nthreshold: 60\nlayers:\n  - id: a\n    name: b\n"
                   "    kind: technical\n    weight: 1\n    items:\n      - {id: i, unit: u, title: t, strength: must,"
                   " weight: 1, status: C, checks: []}\n")
    with pytest.raises(ConfigError, match=r"cat.yml:11"):
        load_catalogue(bad)


def test_every_named_check_is_registered() -> None:
    import govsoc.crypto_eval.evaluate  # noqa: F401 - registers the built-in checks
    from govsoc.crypto_eval.checks import CHECKS

    named = {c for item in load_catalogue().items() for c in item.checks}
    assert named == set(CHECKS.ids())
    for item in load_catalogue().items():
        assert item.remediation and item.clause.startswith("GB/T 39786-2021 8.")
