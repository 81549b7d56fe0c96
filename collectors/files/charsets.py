"""What each log file's lines told of its charset (collectors.charset), kept beside its checkpoint
so that a resumed run, and each poll of ``govsoc ingest --follow``, decides a file's ambiguous
lines as the earlier reads did (R11v-2): a GBK file whose new lines are short names read as GBK,
a UTF-8 file's ``café`` as UTF-8.

One small JSON file per source identity under ``<data_dir>/state/charsets/`` (the identity is
the checkpoint's: stable across rename, rotation and compression), written after a read of the
file whose lines added evidence (once per run or poll that read non-ASCII lines, never per
batch), with the content position its lines were counted up to, so that a line is counted once
and many runs decide as one would (R11x-4). Losing it costs only that evidence: the
next read judges the file afresh.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from govsoc.collectors.charset import CharsetJudge

__all__ = ["FileCharsets"]

#: Judges held in memory (a --follow of many files); more are read again from their files.
_HELD = 4096


def _state(judge: CharsetJudge) -> tuple[int, int, int]:
    """What is kept of a file's judge: its evidence and the content position it was counted to."""
    return judge.gbk, judge.utf8, judge.counted_to


class FileCharsets:
    """The charset judges of files, by source identity, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._held: dict[tuple[str, str], tuple[CharsetJudge, tuple[int, int, int]]] = {}

    def judge(self, identity: str | None, setting: str) -> CharsetJudge:
        """The judge of the file ``identity`` (with the evidence kept), for ``setting``."""
        judge = CharsetJudge(setting)
        if identity is None or judge.setting != "auto":
            return judge
        held = self._held.get((identity, setting))
        if held is not None:
            return held[0]
        try:
            kept = json.loads((self.folder / f"{identity}.json").read_text(encoding="utf-8"))
            judge.gbk, judge.utf8 = int(kept["gbk"]), int(kept["utf8"])
            judge.counted_to = int(kept.get("to", 0))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none kept yet, or unreadable: judged afresh
        if len(self._held) >= _HELD:
            self._held.clear()
        self._held[(identity, setting)] = (judge, _state(judge))
        return judge

    def keep(self, identity: str | None, judge: CharsetJudge) -> None:
        """Write the evidence of ``judge`` when it changed since it was last kept."""
        held = None if identity is None else self._held.get((identity, judge.setting))
        if identity is None or held is None or held[0] is not judge or held[1] == _state(judge):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self.folder / f".{identity}.json.tmp"
        try:
            temp.write_text(json.dumps(dict(zip(("gbk", "utf8", "to"), _state(judge), strict=True))), encoding="utf-8")
            os.replace(temp, self.folder / f"{identity}.json")
        except OSError:
            return  # evidence only: the next read judges again
        self._held[(identity, judge.setting)] = (judge, _state(judge))
