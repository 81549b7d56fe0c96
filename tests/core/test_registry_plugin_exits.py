"""A plug-in that ends the process at import is a failed load, not the end of govsoc (review
RRR15ax-8): a module calling sys.exit() (or raising another BaseException but KeyboardInterrupt)
escaped Registry.get as SystemExit, ending a folder run or the daemon with it. And an entry point
naming a module attribute (``mod:sub``) was told to append ``:Class`` to it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from govsoc.core.errors import ConfigError
from tests.core.test_registry_plugin_modules import _registry_with


@pytest.mark.parametrize("body, said", [
    ("import sys\nsys.exit(3)\n", "SystemExit: 3"),  # ended govsoc with status 3
    ("raise GeneratorExit('odd')\n", "GeneratorExit: odd"),
])
def test_a_plugin_ending_the_process_at_import_is_a_failed_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                body: str, said: str) -> None:
    (tmp_path / "exiting_plugin.py").write_text(body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "exiting_plugin", raising=False)
    registry = _registry_with(monkeypatch, "exiting_plugin")
    with pytest.raises(ConfigError) as raised:
        registry.get("x")
    assert raised.value.message == f"collector plug-in 'x' (exiting_plugin) cannot be loaded: {said}"


def test_ctrl_c_during_a_plugin_s_import_still_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "slow_plugin.py").write_text("raise KeyboardInterrupt\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "slow_plugin", raising=False)
    with pytest.raises(KeyboardInterrupt):
        _registry_with(monkeypatch, "slow_plugin").get("x")


def test_an_entry_point_naming_a_module_attribute_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # was: "... or name the class in the entry point (mod_attr_plugin:sub:Class)", no valid entry point
    (tmp_path / "mod_attr_plugin").mkdir()
    (tmp_path / "mod_attr_plugin" / "__init__.py").write_text("from mod_attr_plugin import sub\n", encoding="utf-8")
    (tmp_path / "mod_attr_plugin" / "sub.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("mod_attr_plugin", "mod_attr_plugin.sub"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with pytest.raises(ConfigError) as raised:
        _registry_with(monkeypatch, "mod_attr_plugin:sub").get("x")
    assert raised.value.message == ("collector plug-in 'x' (mod_attr_plugin:sub): 'sub' names a module, not a "
                                    "collector; name the class in the entry point (mod_attr_plugin:Class)")
