"""Checks of a system's declared crypto profile against the catalogue, made before anything is
probed or scored: what the inventory's own schema (core.inventory) cannot know because it needs
the GB/T 39786 catalogue. Each is a ConfigError naming the inventory file, line and field:

- a declaration under an item id the catalogue does not have (a typo would drop it silently);
- d / a / k declared for a management item (judged by 符合/部分符合/不符合/不适用 only);
- a compensation naming an unknown item, a management item, or the declared-only object 声明 as
  the compensating one (量化评估规则 2023, 弥补: one technical object's measure covers another's
  deficiency; a person's declaration cannot stand in for a technical channel);
- a product's SM2 sample public key that is not a point on the curve;
- a mitigation naming an object that is none of the system's endpoints as the inventory spells
  them (host:port) nor 声明: it would lift nothing, silently (review R16 finding 12).
"""

from __future__ import annotations

from collections.abc import Callable

from govsoc.core.errors import ConfigError, Location
from govsoc.core.inventory_model import System
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.catalogue import Catalogue

__all__ = ["check_profile", "DECLARED_ONLY"]

#: The object name of findings from a declaration (checks.declared.DECLARED_OBJECT).
DECLARED_ONLY = "声明"

Key = tuple[str | int, ...]


def _field_only(system: System) -> Callable[[Key], Location]:
    return lambda key: Location(path=None, field=f"system {system.name!r}: " + ".".join(str(k) for k in key[2:]))


def check_profile(system: System, catalogue: Catalogue, where: Callable[[Key], Location] | None = None,
                  index: int = 0) -> None:
    """ConfigError for the first problem of ``system``'s crypto profile; ``where`` turns an inventory
    key path (systems.INDEX.crypto...) into a location (Inventory.locate), ``index`` is the system's
    place in the inventory."""
    profile = system.crypto
    if profile is None:
        return
    locate = where or _field_only(system)
    base: Key = ("systems", index, "crypto")
    items = {item.id: item for item in catalogue.items()}
    kinds = {item.id: layer.kind for layer in catalogue.layers for item in layer.items}

    def fail(message: str, *key: str | int) -> None:
        raise ConfigError(f"system {system.name!r}: {message}", location=locate(base + key))

    for ident, decl in profile.declarations.items():
        if ident not in items:
            fail(f"declaration for {ident!r}, which is no GB/T 39786 level-{catalogue.level} item of the catalogue "
                 "(a typo?)", "declarations", ident)
        if kinds[ident] == "management":
            for name in ("d", "a", "k"):
                if getattr(decl, name) is not None:
                    fail(f"{ident} is a management item: it takes a judgement only, "
                         f"not {name}", "declarations", ident, name)
    for n, c in enumerate(profile.compensations):
        for name in ("item", "by_item"):
            ident = getattr(c, name)
            if ident not in items:
                fail(f"compensation names {ident!r}, which is no item of the catalogue", "compensations", n, name)
            if kinds[ident] != "technical":
                fail(f"compensation {name} {ident} is a management item: only a technical object's measure "
                     "compensates a technical object (2023 scoring rules)", "compensations", n, name)
        if c.by_object.strip() == DECLARED_ONLY:
            fail("compensation by_object 声明 is a declaration, not a technical object that was tested: it cannot "
                 "compensate another object", "compensations", n, "by_object")
        if (c.item, c.object) == (c.by_item, c.by_object):
            fail("an object cannot compensate itself", "compensations", n, "by_object")
    _check_mitigation_objects(system, fail)
    for p, product in enumerate(profile.products):
        for s, sample in enumerate(product.samples):
            if sample.algorithm == "sm2-verify":
                raw = bytes.fromhex(sample.public_key)
                try:
                    sm2.decode_point(raw if len(raw) == 65 else b"\x04" + raw)
                except ValueError as e:
                    fail(f"product {product.name!r} sample public_key: {e}", "products", p, "samples", s,
                         "public_key")


def _check_mitigation_objects(system: System, fail: Callable[..., None]) -> None:
    """Each mitigation object is 声明 or one of the system's endpoints spelt as the inventory lists
    it (host:port; objects are named so in findings, with a twin listing's suffix after a space)."""
    assert system.crypto is not None
    listed = {f"[{e.host}]:{e.port}" if ":" in e.host else f"{e.host}:{e.port}" for e in system.endpoints}
    for ident, decl in system.crypto.declarations.items():
        if decl.mitigation is None:
            continue
        for n, obj in enumerate(decl.mitigation.objects):
            name = obj.strip()
            if name == DECLARED_ONLY or name.split(" (", 1)[0] in listed:
                continue
            port = name.rsplit(":", 1)[-1]
            same_port = sorted(x for x in listed if x.rsplit(":", 1)[-1] == port)
            hint = (f"; the system lists {'、'.join(same_port)}: name the object as listed" if same_port
                    else f"; its endpoints are {'、'.join(sorted(listed)) or 'none'}")
            fail(f"mitigation of {ident} names object {obj!r}, which is no endpoint of this system{hint}",
                 "declarations", ident, "mitigation", "objects", n)
