"""The GB/T 39786-2021 level-3 catalogue (catalogue.yml): layers, items, strengths, weights.

The catalogue is data; this module validates it (pydantic, at the edge) and hands out frozen
records. Item ids are stable (``gbt39786.l3.8.2.a``); ``unit`` is the GB/T 43206-2023 测评单元
number the 量化评估规则 2023 weights are given for. Every finding cites an item's clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from govsoc.core.errors import ConfigError
from govsoc.core.yamlfile import load_yaml, locate_validation_error

__all__ = ["Item", "Layer", "Catalogue", "HighRisk", "load_catalogue", "CATALOGUE_PATH", "STRENGTH_ZH"]

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yml")
STRENGTH_ZH = {"shall": "应", "should": "宜", "may": "可"}


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _HighRisk(_M):
    condition: str
    mitigation: str


class _Item(_M):
    id: str
    unit: str
    title: str
    title_en: str | None = None
    protects: list[str] = []
    strength: Literal["shall", "should", "may"]
    weight: Decimal
    status: Literal["C", "U"]
    objects: list[str] = []
    evidence: list[str] = []
    checks: list[str]
    high_risk: _HighRisk | None = None
    remediation: str = ""
    channel_evidence: Literal["network", "admin"] | None = None


class _Layer(_M):
    id: str
    name: str
    kind: Literal["technical", "management"]
    weight: Decimal
    items: list[_Item]


class _Catalogue(_M):
    standard: str
    level: int
    scoring: str
    threshold: Decimal
    layers: list[_Layer]


@dataclass(frozen=True, slots=True, kw_only=True)
class HighRisk:
    """The 高风险判定指引 (2021) condition for an item and the mitigation that may lower it."""

    condition: str
    mitigation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One requirement item (测评单元) of the catalogue."""

    id: str
    unit: str
    layer: str
    title: str
    title_en: str | None
    protects: tuple[str, ...]
    strength: str
    weight: Decimal
    status: str
    objects: tuple[str, ...]
    evidence: tuple[str, ...]
    checks: tuple[str, ...]
    high_risk: HighRisk | None
    remediation: str
    #: the item is judged on channels a probe or traffic examined ("network": boundary channels,
    #: "admin": remote-management ones); a declaration alone is no evidence for it (assess.py)
    channel_evidence: str | None = None

    @property
    def clause(self) -> str:
        """The citation: GB/T 39786-2021 section and letter with the GB/T 43206 unit."""
        parts = self.id.split(".")
        return f"GB/T 39786-2021 {parts[2]}.{parts[3]} {parts[4]}) / GB/T 43206-2023 {self.unit}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Layer:
    """A technical or management layer (层面) with its weight and items."""

    id: str
    name: str
    kind: str
    weight: Decimal
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    """The whole level-3 catalogue."""

    standard: str
    level: int
    scoring: str
    threshold: Decimal
    layers: tuple[Layer, ...]

    def items(self) -> list[Item]:
        """Every item, in catalogue order."""
        return [item for layer in self.layers for item in layer.items]

    def item(self, ident: str) -> Item:
        """The item with this id; ConfigError names the id otherwise."""
        for item in self.items():
            if item.id == ident:
                return item
        raise ConfigError(f"unknown GB/T 39786 item {ident!r}")

    def layer(self, ident: str) -> Layer:
        """The layer with this id."""
        for layer in self.layers:
            if layer.id == ident:
                return layer
        raise ConfigError(f"unknown layer {ident!r}")


def _item(layer: str, raw: _Item) -> Item:
    risk = HighRisk(condition=raw.high_risk.condition, mitigation=raw.high_risk.mitigation) if raw.high_risk else None
    return Item(id=raw.id, unit=raw.unit, layer=layer, title=raw.title, title_en=raw.title_en,
                protects=tuple(raw.protects), strength=raw.strength, weight=raw.weight, status=raw.status,
                objects=tuple(raw.objects), evidence=tuple(raw.evidence), checks=tuple(raw.checks), high_risk=risk,
                channel_evidence=raw.channel_evidence,
                remediation=raw.remediation or f"按GB/T 39786-2021要求建立并落实：{raw.title}，保留执行记录")


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and validate the catalogue; errors name the file, line and key."""
    data, positions = load_yaml(path)
    try:
        raw = _Catalogue.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        raise ConfigError(first["msg"], location=locate_validation_error(path, positions, first)) from e
    ids = [i.id for layer in raw.layers for i in layer.items]
    if len(ids) != len(set(ids)):
        raise ConfigError("duplicate item ids in the catalogue")
    layers = tuple(Layer(id=layer.id, name=layer.name, kind=layer.kind, weight=layer.weight,
                         items=tuple(_item(layer.id, i) for i in layer.items)) for layer in raw.layers)
    return Catalogue(standard=raw.standard, level=raw.level, scoring=raw.scoring, threshold=raw.threshold,
                     layers=layers)
