"""The flow key -> flow slot index of the compiled engine (collectors.flows.native): an
open-addressing hash table in one int64 array, linear probing, deletion by backward shift (no
tombstones, so a table that sees millions of flows come and go never degrades).

The table holds ``slot + 1`` (0 is an empty cell); the key itself is read from the slot's row of
the flow matrix (columns ``K0``..``K5`` and the key's hash in ``KHASH``), so a lookup touches the
table and the row it would read anyway. The table has at least twice as many cells as the flow
matrix has rows, so it is never more than half full. These functions are plain Python here and
compiled with numba by collectors.flows.native_compile (numba's typed dictionary, used before, cost about
a third of the kernel's time on tuple keys).
"""

from __future__ import annotations

from typing import Any

# columns of the flow matrix holding the key and its hash (collectors.flows.native lays it out),
# and the hash of the 5-tuple alone (the second table, of VLAN-tagged flows by 5-tuple)
K0, K1, K2, K3, K4, KHASH, K5, KHASH2 = 18, 19, 20, 21, 22, 29, 30, 31
#: odd 64-bit multipliers (the golden ratio's and a splitmix64 one) as signed int64
MIX1 = -7046029254386353131  # 0x9E3779B97F4A7C15
MIX2 = -4658895280553007687  # 0xBF58476D1CE4E5B9


def _key_hash(a: int, b: int, c: int, d: int, e: int, f: int) -> int:
    """A 63-bit hash of a six-word key (int64 products wrap in compiled code)."""
    h = a * MIX1 + b
    h = h * MIX1 + c
    h = h * MIX1 + d
    h = h * MIX1 + e
    h = h * MIX1 + f
    h = (h ^ ((h >> 31) & 0x1FFFFFFFF)) * MIX2
    h ^= (h >> 29) & 0x7FFFFFFFF
    return h & 0x7FFFFFFFFFFFFFFF


def _slot_of(T: Any, F: Any, a: int, b: int, c: int, d: int, e: int, f: int, h: int) -> int:
    """The slot holding key (a, b, c, d, e, f) of hash ``h``, or -1 (the table by key is the
    lower half of ``T``; the upper half is the second table, collectors.flows.native)."""
    mask = (len(T) >> 1) - 1
    i = h & mask
    while True:
        v = T[i]
        if v == 0:
            return -1
        s = v - 1
        if (F[s, KHASH] == h and F[s, K0] == a and F[s, K1] == b and F[s, K2] == c and F[s, K3] == d
                and F[s, K4] == e and F[s, K5] == f):
            return int(s)
        i = (i + 1) & mask


def _slot_put(T: Any, F: Any, slot: int, col: int, base: int) -> None:
    """Index ``slot``, whose row already holds its key and, in column ``col``, the hash the
    table at ``base`` in ``T`` (a half of it) is keyed by."""
    mask = (len(T) >> 1) - 1
    i = F[slot, col] & mask
    while T[base + i] != 0:
        i = (i + 1) & mask
    T[base + i] = slot + 1


def _slot_drop(T: Any, F: Any, slot: int, col: int, base: int) -> None:
    """Remove ``slot`` from the table at ``base`` in ``T`` (keyed by the hash in column ``col``),
    shifting back the entries probed past it."""
    mask = (len(T) >> 1) - 1
    i = F[slot, col] & mask
    while T[base + i] != slot + 1:
        i = (i + 1) & mask
    j = i
    while True:
        j = (j + 1) & mask
        v = T[base + j]
        if v == 0:
            break
        home = F[v - 1, col] & mask
        # the entry at j may fill the hole at i unless its home lies cyclically in (i, j]
        if (j > i and (home <= i or home > j)) or (j < i and home <= i and home > j):
            T[base + i] = v
            i = j
    T[base + i] = 0


def _slots_rebuild(T: Any, F: Any, live: int, col: int, base: int) -> None:
    """Index every row whose ``live`` column is set into the empty table at ``base`` in ``T``
    (by column ``col``)."""
    for slot in range(F.shape[0]):
        if F[slot, live] == 1:
            _slot_put(T, F, slot, col, base)


NAMES = ("_key_hash", "_slot_of", "_slot_put", "_slot_drop", "_slots_rebuild")
