"""A plug-in entry point may name the module that registers its class (issue 15 review R15at-3):
the recognizer guide's plug-in, packaged as ``hk_identity_card = "hkid_plugin"``, made every
``govsoc classify`` fail with "internal error: TypeError: 'module' object is not callable" (the
registry kept the module over the class its ``@register`` had put there). A module that registers
the id is taken; one that does not, or a plug-in that fails to import, is a ConfigError naming the
entry point."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import types
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from govsoc.core.errors import ConfigError
from govsoc.core.registry import Registry

GUIDE = Path(__file__).parents[2] / "docs" / "adding-a-recognizer.md"
RUN = """
import importlib.metadata, sys
sys.path.insert(0, {folder!r})
points = [importlib.metadata.EntryPoint("hk_identity_card", {value!r}, "govsoc.recognizers")]
importlib.metadata.entry_points = lambda group=None, **_: points if group == "govsoc.recognizers" else []
from govsoc.classification.recognizer import recognizers
from govsoc.classification.scanner import Scanner
from govsoc.core.errors import ConfigError
try:
    print(recognizers.get("hk_identity_card").__name__)
    print(sorted({{m.recognizer for m in Scanner().scan("持证人 A123456(3) 已登记")}}))
except ConfigError as e:
    print("ConfigError:", e)
"""


def _run(tmp_path: Path, value: str, source: str) -> list[str]:
    (tmp_path / "hkid_plugin").mkdir()
    (tmp_path / "hkid_plugin" / "__init__.py").write_text(source, encoding="utf-8")
    code = RUN.format(folder=str(tmp_path), value=value)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def _example() -> str:
    found = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert found
    return found.group(1)


@pytest.mark.parametrize("value", [
    "hkid_plugin",  # the module, which registers its class as it is imported (was: 'module' object is not callable)
    "hkid_plugin:HkIdentityCardRecognizer",  # the class itself, as before
])
def test_the_guides_plugin_loads_from_either_entry_point(tmp_path: Path, value: str) -> None:
    assert _run(tmp_path, value, _example()) == ["HkIdentityCardRecognizer", "['hk_identity_card']"]


def test_a_module_registering_no_such_id_is_refused_naming_the_entry_point(tmp_path: Path) -> None:
    source = _example().replace('@register("hk_identity_card")', '@register("hk_id")')
    (line,) = _run(tmp_path, "hkid_plugin", source)
    assert line.startswith("ConfigError: recognizer plug-in 'hk_identity_card' (hkid_plugin): the module registers "
                           "no recognizer 'hk_identity_card'")


def test_a_plugin_that_fails_to_import_is_refused_naming_the_entry_point(tmp_path: Path) -> None:
    (line,) = _run(tmp_path, "hkid_plugin", "raise RuntimeError('half-installed')\n")
    assert line == ("ConfigError: recognizer plug-in 'hk_identity_card' (hkid_plugin) cannot be loaded: "
                    "RuntimeError: half-installed")


def _registry_with(monkeypatch: pytest.MonkeyPatch, value: str) -> Registry[type]:
    """A registry whose one plug-in, ``x``, is the entry point ``value``."""
    group = "govsoc.test_plugins"
    points = [EntryPoint("x", value, group)]
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group=None, **_: points if group == "govsoc.test_plugins" else [])
    return Registry("collector", group)


def test_a_plugin_that_failed_says_so_at_every_look_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # RRR15aw-2: the entry point was dropped before its import: the second look-up said "unknown
    # collector 'x' (known: none)", not the install hint, and ids() no longer listed it
    registry = _registry_with(monkeypatch, "govsoc_no_such_plugin_module")
    for _ in range(2):
        with pytest.raises(ConfigError) as raised:
            registry.get("x")
        assert raised.value.message.startswith("collector 'x' cannot be loaded: No module named")
    assert registry.ids() == ["x"]


def test_a_module_that_registered_then_failed_is_never_returned(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # RRR15aw-2 (its second part): the class a module registered before raising was returned, half
    # made, by the next look-up
    holder = types.ModuleType("govsoc_test_registry_holder")
    monkeypatch.setitem(sys.modules, holder.__name__, holder)
    (tmp_path / "half_plugin.py").write_text(
        f"import {holder.__name__} as holder\nholder.registry.register('x')(type('Half', (), {{}}))\n"
        "holder.registry.register('y')(type('Other', (), {}))\n"  # a second id (RRR15ax-7)
        "raise RuntimeError('half-installed')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    holder.registry = registry = _registry_with(monkeypatch, "half_plugin")  # type: ignore[attr-defined]
    for _ in range(2):
        with pytest.raises(ConfigError) as raised:
            registry.get("x")
        assert raised.value.message == ("collector plug-in 'x' (half_plugin) cannot be loaded: "
                                        "RuntimeError: half-installed")
        # the other id it registered is gone too (it was returned, and the next import said "registered twice")
        with pytest.raises(ConfigError, match="unknown collector 'y'"):
            registry.get("y")


def test_an_id_a_failed_plugin_imported_whole_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # RRR15ay-5: a store plug-in subclassing a built-in store, then raising, took the built-in's id
    # (registered by its module's first import, during the plug-in's) with it: "unknown store"
    holder = types.ModuleType("govsoc_test_registry_holder2")
    monkeypatch.setitem(sys.modules, holder.__name__, holder)
    (tmp_path / "whole_builtin.py").write_text(
        f"import {holder.__name__} as holder\nholder.registry.register('z')(type('Whole', (), {{}}))\n",
        encoding="utf-8")
    (tmp_path / "failing_plugin.py").write_text("import whole_builtin\nraise RuntimeError('half-installed')\n",
                                                encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "whole_builtin", raising=False)
    holder.registry = registry = _registry_with(monkeypatch, "failing_plugin")  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="half-installed"):
        registry.get("x")
    assert registry.get("z").__name__ == "Whole"
