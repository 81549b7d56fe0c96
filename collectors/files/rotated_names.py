"""logrotate's names for the rotations of a log, read from the names alone (no file is looked at).

logrotate(8): ``auth.log.N`` is N rotations old, ``compress`` adds ``.gz``; ``dateext`` names
``auth.log-YYYYMMDD``, newer dates newer; with ``extension ext`` the rotation goes before the
extension (``mylog.foo`` -> ``mylog.1.foo.gz``, with dateext ``app-20261203.log``: R11q-4). That
last form is the one an application's own files beside its log take too (worker.3.log,
gateway.8443.log): extension_named tells it, so that such a name is a generation only on evidence
(collectors.generations, R11r-1). collectors.files.discover finds the files under these names.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["compressed", "extension_named", "live_of", "may_be_rotated", "name_stem", "rotated_name_age",
           "rotated_prefixes"]

#: What logrotate's compresscmd may add after the rotation suffix (only gzip content is read).
_COMPRESSED = re.compile(r"\.(?:gz|bz2|xz|zst|Z)$")
#: ``.N``: N rotations old (logrotate's default numbering).
_NUMBERED = re.compile(r"\.(\d+)")
#: dateext's ``-%Y%m%d`` (default), ``-%Y-%m-%d``, hourly ``-%Y%m%d%H``, ``-%Y%m%d-%s``: later is newer.
_DATED = re.compile(r"[-._](\d{4}-?\d{2}-?\d{2}(?:[-_]?\d+)?)")
#: A rotated name: the live file's name, then a rotation suffix, then perhaps a compression one.
_ROTATED = re.compile(r"(?P<live>.+?)(?:\.\d+|[-._]\d{4}-?\d{2}-?\d{2}(?:[-_]?\d+)?)(?:\.(?:gz|bz2|xz|zst|Z))?")
#: The same with logrotate's ``extension``: the rotation suffix before the live file's last suffix.
_ROTATED_EXTENSION = re.compile(
    r"(?P<stem>.+?)(?:\.\d+|[-._]\d{4}-?\d{2}-?\d{2}(?:[-_]?\d+)?)(?P<extension>\.[^.]+)(?:\.(?:gz|bz2|xz|zst|Z))?")


def rotated_name_age(live: str, rotated: str) -> tuple[str, int] | None:
    """Where the file named ``rotated`` (in any folder: logrotate's ``olddir``) stands among the
    rotations of the file named ``live``, from the names alone: its kind ("number" for
    ``auth.log.N[.gz]``, "date" for dateext's ``auth.log-20251210[.gz]``) and a rank, larger for
    newer (-N; the date's digits); with logrotate's ``extension`` the rotation before the
    extension (``app.1.log[.gz]``, ``app-20261203.log``: R11q-4); None for a name logrotate does
    not give (``auth.log.old``, ``auth.log10``)."""
    bare = _COMPRESSED.sub("", rotated)
    stem, extension = name_stem(live), live[len(name_stem(live)):]
    rests = [bare[len(live):]] if bare.startswith(live) else []
    if extension and bare.startswith(stem) and bare.endswith(extension) and len(bare) > len(live):
        rests.append(bare[len(stem):-len(extension)])
    for rest in rests:
        # a date first: dateext with dateformat .%Y%m%d names app.log.20261203 (app.20261203.log
        # with extension), which read as generation number 20,261,203 made missing_generations
        # list 20 million names (R11r-7: 6.2 GB in 120 s, nothing read)
        if dated := _DATED.fullmatch(rest):
            return "date", int(re.sub(r"\D", "", dated.group(1)))
        if numbered := _NUMBERED.fullmatch(rest):
            return "number", -int(numbered.group(1))
    return None


def name_stem(name: str) -> str:
    """``name`` without its last suffix (``app`` for ``app.log``): where logrotate's ``extension``
    puts the rotation; the whole name when it has none."""
    stem = name.rpartition(".")[0]
    return stem or name


def may_be_rotated(live: str, name: str) -> bool:
    """A cheap first look, before any per-name work: whether ``name`` can be a rotated name of the
    file named ``live`` at all, as its name extended (``auth.log.1``) or in logrotate's extension
    form, its stem, a rotation suffix opening with a digit and the live file's own extension
    (``app.1.log``, ``app-20261203.log[.gz]``). A folder of 20,000 per-request files app-req-N.log
    beside app.log cost a path follower 4x the CPU of each poll when every name opening with the
    stem went through the regular expressions (R11r-8)."""
    if name.startswith(live):
        return True
    stem = name_stem(live)
    return (stem != live and name.startswith(stem) and name[len(stem):len(stem) + 1] in ("-", ".", "_")
            and name[len(stem) + 1:len(stem) + 2].isdigit() and live[len(stem):] in name[len(stem) + 2:])


def rotated_prefixes(live: str) -> list[str]:
    """Prefixes every rotated name of the file named ``live`` opens with: its own name, and for
    logrotate's extension form its stem, a separator and a digit (``app.1``, ``app-2``): a sorted
    listing is looked into at these alone, not at every name opening with the stem (R11r-8: 20,000
    app-req-N.log beside app.log, each looked at by every poll of a path follower)."""
    stem = name_stem(live)
    if stem == live:
        return [live]
    return [live, *(f"{stem}{separator}{digit}" for separator in "-._" for digit in "0123456789")]


def extension_named(live: Path, rotated: Path) -> bool:
    """Whether the rotated name ``rotated`` of ``live`` is in logrotate's extension form
    (``app.1.log`` for app.log), not the live file's name extended (``app.log.1``): the form an
    application's own files beside its log take too (worker.3.log, gateway.8443.log), so such a
    name is a generation only on evidence (collectors.generations)."""
    return not rotated.name.startswith(live.name)


def live_of(path: Path) -> Path | None:
    """The live file ``path`` is a rotation of by logrotate's names (``auth.log`` for
    ``auth.log.2.gz``), whether or not it exists; None for a name logrotate does not give."""
    rotated = _ROTATED.fullmatch(path.name)
    if rotated is not None:
        return path.with_name(rotated.group("live"))
    extended = _ROTATED_EXTENSION.fullmatch(path.name)  # logrotate's extension: app.1.log -> app.log
    return None if extended is None else path.with_name(extended.group("stem") + extended.group("extension"))


def compressed(name: str) -> bool:
    """Whether ``name`` ends as logrotate's compresscmd leaves it (``.gz``, ``.xz``...)."""
    return _COMPRESSED.search(name) is not None
