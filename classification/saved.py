"""Which saved inventories a report counts: one scan per table (R15e-25).

``govsoc classify`` keeps each source's newest inventory (inventory.save_inventory, keyed by the
source's resolved path). A file can still be saved twice: once as part of a folder's scan and once
by itself (``govsoc classify dd`` then ``govsoc classify dd/base.csv``); counting both would put
the same people in the compliance report's figures twice. Of two scans that cover one table the
newer counts: a folder scanned after a file inside it replaces that file's inventory; a file (or
sub-folder) scanned after its folder replaces the folder's tables read from it, and the folder's
summary is counted again over the tables left. Sources that are not paths (databases,
Elasticsearch indices) are never inside one another and stay as they are.

Containment is decided on the real resolved paths, never on the names shown: those are masked
(王芳.csv and 王刚.csv both show as 王**.csv, R15f-11). An inventory keeps, beside its masked names,
:func:`path_keys` of its source and of each table's dataset: digests of the resolved path and of
every folder above it, so that "inside" is a lookup and no saved file holds a path in clear. The
digests are keyed with the data folder's secret (classification.path_secret): a plain digest
let a reader of the results test guessed names against it. A
SQLite DSN names its file, relative to the working directory of the scan (R15f-35).

A dataset split over files is summed whatever the scans that read them (R15f-30: 2024h1.csv and
2024h2.csv, 600,000 people each, scanned one by one were never summed, where a scan of their
folder flags them): the tables of one folder, from two scans or more, are taken together as a
scan's are (grading.dataset_candidates), and the tables so flagged get the reason. A folder's tables
are those of its tree, as a scan of the folder would read them (split/2024h1.csv beside
split/h2/2024h2.csv: R15g-16), where the folder holds a part of its own (data/ over split/ and other/
is no dataset); the scale is the one each scan saved with its scheme, a YAML scheme's too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from govsoc.classification.grading import dataset_candidates, load_scheme, rank
from govsoc.core.errors import ConfigError
from govsoc.core.results import write_file

__all__ = ["one_scan_per_table", "path_keys", "summarise", "source_key", "summed_by_folder", "unkeyed_left",
           "replace_unkeyed"]

#: a SQLite file's tables are named by its DSN (sources/sql.py) inside a folder's scan
_SQLITE = "sqlite:///"


def summarise(tables: Sequence[Mapping[str, Any]], skipped: int) -> dict[str, Any]:
    """The summary counts of an inventory over ``tables`` (their JSON form, Inventory.to_dict)."""
    fields = [f for t in tables for f in t.get("fields") or ()]
    tagged = [f for f in fields if f.get("status") == "tagged"]
    levels = Counter(str(f.get("level")) for f in tagged)
    return {"tables": len(tables), "fields": len(fields), "tagged": len(tagged),
            "suspected": sum(1 for f in fields if f.get("status") == "suspected"),
            "pipl_sensitive_fields": sum(1 for f in tagged if f.get("pipl_sensitive")),
            "by_level": {level: levels[level] for level in sorted(levels, key=rank, reverse=True)},
            "level": max((str(t.get("level")) for t in tables), key=rank, default="G1"),
            "important_candidates": [t.get("table") for t in tables if t.get("important_candidate")],
            "skipped": skipped}


def _path(name: object) -> PurePosixPath | None:
    """The resolved path a source or dataset name stands for: a path, or a SQLite DSN's file
    (relative to the working directory, as SQLite opens it); None for other sources."""
    text = str(name)
    if text.startswith(_SQLITE):
        text = text[len(_SQLITE):].split("?", 1)[0]
        if not text or text == ":memory:":
            return None
    elif not text.startswith("/"):
        return None
    return PurePosixPath(Path(text).resolve())


def _digest(text: str, secret: bytes) -> str:
    # surrogatepass: a name holding a lone surrogate (a path's undecodable byte) has its own digest
    data = text.encode("utf-8", "surrogatepass")
    if secret:  # keyed (classification.path_secret): no guess can be tested without the secret
        return hmac.new(secret, data, hashlib.sha256).hexdigest()[:24]
    return hashlib.sha256(data).hexdigest()[:24]


def path_keys(name: str, secret: bytes = b"") -> tuple[str, ...]:
    """The keys of the source or dataset ``name`` (unmasked, as read): the digest of its resolved
    path, then of each folder above it; a source that is no path has its name's digest alone.
    Keyed with ``secret`` (the data folder's, path_secret.results_secret); without, the plain
    digests results saved before the secret have (to recognise and replace them)."""
    path = _path(name)
    if path is None:
        return (_digest(f"name:{name}", secret),)
    return tuple(_digest(str(p), secret) for p in (path, *path.parents))


def _keys(record: Mapping[str, Any], field: str, name: str) -> tuple[str, ...]:
    keys = record.get(field)
    if isinstance(keys, list) and keys and all(isinstance(k, str) for k in keys):
        return tuple(keys)
    # saved before the keys were: its (masked) name stands for itself, as it did then
    return path_keys(str(record.get(name)))


def source_key(inventory: Mapping[str, Any]) -> str:
    """The key that tells the saved inventories of two sources apart (their shown names may agree)."""
    return _keys(inventory, "source_keys", "source")[0]


def _without(inventory: dict[str, Any], inner: list[str]) -> dict[str, Any] | None:
    """``inventory`` without the tables read from inside the ``inner`` keys; None when none is left."""
    tables = [t for t in inventory.get("tables") or ()
              if not set(inner) & set(_keys(t, "dataset_keys", "dataset"))]
    if len(tables) == len(inventory.get("tables") or ()):
        return inventory
    if not tables:
        return None
    skipped = (inventory.get("summary") or {}).get("skipped", 0)
    return {**inventory, "tables": tables, "summary": summarise(tables, int(skipped or 0))}


def unkeyed_left(saved: dict[str, Any], own: tuple[str, ...]) -> dict[str, Any] | None:
    """What is left of ``saved``, a result with plain keys (saved before the data folder's secret),
    once a scan whose plain keys are ``own`` (its path's, then its folders') is saved keyed: None
    when the scan covers it (the same source, or one inside the scanned folder); without the tables
    read from inside the scanned source when it is a folder holding it; else ``saved`` itself."""
    keys = _keys(saved, "source_keys", "source")
    if own[0] in keys:  # the scanned source is ``saved``'s or a folder above it
        return None
    return _without(saved, [own[0]]) if keys[0] in own else saved


def replace_unkeyed(folder: Path, own: tuple[str, ...], written: Path) -> None:
    """The results in ``folder`` saved before the data folder's secret (plain keys) that the scan
    just saved at ``written`` (``own``: its plain keys) replaces, wholly or in part (unkeyed_left):
    removed, or rewritten in place without the tables it covers."""
    for path in sorted(folder.glob("*.json")):
        if path == written:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue  # not an inventory to judge: load_inventories logs it
        if not isinstance(data, dict) or data.get("keys") or not isinstance(data.get("tables"), list):
            continue
        left = unkeyed_left(data, own)
        if left is None:
            path.unlink(missing_ok=True)
        elif left is not data:  # as core.results.write_result writes
            text = json.dumps(left, ensure_ascii=False, indent=2) + "\n"
            write_file(path, text.encode("utf-8", "backslashreplace"))


def one_scan_per_table(inventories: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``inventories`` (one per source) with every table counted once, by its newest scan."""
    kept: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    for inventory in sorted(inventories, key=lambda d: str(d.get("generated", "")), reverse=True):
        own = _keys(inventory, "source_keys", "source")
        if any(keys[0] in own for keys, _ in kept):
            continue  # a newer scan of this source or of a folder that holds it
        inner = [keys[0] for keys, _ in kept if own[0] in keys]
        left = _without(inventory, inner) if inner else inventory
        if left is not None:
            kept.append((own, left))
    return sorted((inventory for _, inventory in kept), key=lambda d: str(d.get("source")))


def summed_by_folder(inventories: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``inventories`` (one scan per table) with the tables of each folder that two scans or more
    read flagged for 重要数据 review together (see the module docstring), their summaries counted again."""
    groups: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
    for (i, j), (folders, scheme) in _folders(inventories).items():
        for folder in folders:
            groups.setdefault((folder, *scheme), []).append((i, j))
    flagged: dict[tuple[int, int], str] = {}
    # dataset_candidates reads a scheme's scale alone: each group's is the one its scans saved
    base = load_scheme("gbt43697")
    # a folder's sum after its sub-folders': a table in both is given the larger dataset's reason
    for (_, _, scale), members in sorted(groups.items(), key=lambda g: len(g[1])):
        if len({i for i, _ in members}) < 2:
            continue  # one scan: summed by it already
        rules = base.model_copy(update={"important_review_rows": scale})
        tables = [inventories[i]["tables"][j] for i, j in members]
        found = dataset_candidates([(str(t.get("table")), t.get("rows"), _sensitive(t)) for t in tables], rules,
                                   [str(t.get("content_key") or "") for t in tables])
        flagged.update((members[k], reason) for k, reason in found.items())
    if not flagged:
        return list(inventories)
    return [_flagged(inventory, {j: r for (k, j), r in flagged.items() if k == i})
            for i, inventory in enumerate(inventories)]


def _folders(inventories: Sequence[dict[str, Any]]) -> dict[tuple[int, int], tuple[list[str], tuple[str, int]]]:
    """Each saved table read from a path (inventory, table) -> the keys of the folders whose sums it
    is in, and its scheme (name, 重要数据 scale). A folder's sum is of the tables of its tree (the
    sub-folders' too, as a scan of it sums them: R15g-16) where it holds a file of sensitive
    personal information of its own (a 说明.csv of none makes no dataset of its folder); a folder
    that holds only folders (data/ above split/ and other/) is no dataset, and neither is its tree.
    Scans whose scheme is unknown (a YAML scheme saved without its scale, then removed) are left to
    their own sums."""
    found: dict[tuple[int, int], tuple[list[str], tuple[str, int]]] = {}
    holding: set[str] = set()  # folders holding a file of sensitive personal information of their own
    for i, inventory in enumerate(inventories):
        scheme = _scheme(inventory.get("scheme") or {})
        if scheme is None:
            continue
        for j, table in enumerate(inventory.get("tables") or ()):
            keys = _keys(table, "dataset_keys", "dataset")
            if len(keys) > 1:  # a path: keys[1:] are its folders', by the real path (never the masked name)
                found[(i, j)] = (list(keys[1:]), scheme)
                holding |= {keys[1]} if _sensitive(table) else set()
    return {at: ([f for f in folders if f in holding], scheme) for at, (folders, scheme) in found.items()}


def _scheme(scheme: Mapping[str, Any]) -> tuple[str, int] | None:
    """A saved scan's scheme: its name and 重要数据 scale, as saved (a YAML scheme's, R15g-16), else
    the built-in scheme's of that name; None when neither is known."""
    name, scale = str(scheme.get("name", "")), scheme.get("important_review_rows")
    if isinstance(scale, int) and not isinstance(scale, bool) and scale > 0:
        return name, scale
    try:
        return name, load_scheme(name).important_review_rows
    except ConfigError:
        return None  # a scheme file no longer there: its own scans' sums stand


def _sensitive(table: Mapping[str, Any]) -> set[str]:
    """The categories of ``table``'s sensitive personal information (its JSON form)."""
    return {str(c) for f in table.get("fields") or () if f.get("status") == "tagged" and f.get("pipl_sensitive")
            for c in f.get("categories") or (f.get("category"),)}


def _flagged(inventory: dict[str, Any], reasons: Mapping[int, str]) -> dict[str, Any]:
    if not reasons:
        return inventory
    tables = [{**t, "important_candidate": True, "important_reason": "; ".join(filter(None, (
        t.get("important_reason"), reasons[j].replace("of this scan", "of the scans of one folder"))))}
        if j in reasons else t for j, t in enumerate(inventory.get("tables") or ())]
    skipped = (inventory.get("summary") or {}).get("skipped", 0)
    return {**inventory, "tables": tables, "summary": summarise(tables, int(skipped or 0))}
