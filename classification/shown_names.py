"""File, table and field names as the inventory shows them (stage: classification; a part of
inventory.py): decoded (a GBK file name's bytes, which no UTF-8 text holds, read as GB18030: R15n-9),
what a recognizer finds in them masked (张三_110105199001011237.csv, a sheet 孙芳军), as the report chapter masks them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace

from govsoc.classification.columns import ColumnClassifier, ColumnDecision
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.identifier_names import mask_person_names
from govsoc.classification.sources.base import (
    QUOTED,
    Skipped,
    TableSample,
    decoded_name,
    name_notice,
    unmarked,
)
from govsoc.core.errors import Location

__all__ = ["ShownNames", "clauses_shown"]

#: A name a skip reason quotes (sources.base.quoted), its marks dropped.
_QUOTED = re.compile(f"{QUOTED[0]}(.*?){QUOTED[1]}", re.DOTALL)


def _not_held(named: Mapping[str, str], decision: ColumnDecision) -> set[str]:
    """The kinds a heading names strongly (``named``) that its own column (``decision``) does not
    hold (an empty column is 'suspected' of what its name says: held)."""
    held = {decision.recognizer, *(r for r, _ in decision.runners_up)}
    return {k for k, how in named.items() if how == "strong" and k not in held}


class ShownNames:
    """File, table and field names as the inventory (and the classify listing) shows them: what a
    recognizer finds in them masked, as the report chapter masks them (reports.inventory): free-
    text masking first, which sees an ID number or an e-mail address whole (张三_1101….csv,
    a JSON key zhang.san@gov.cn, which the field-name masking cuts at its dots), then the column
    classifier's shown_name. Scanned forms and per-person exports are named 姓名_身份证号; the
    saved inventory must not hold in clear what the listing of values masks; nor may the source,
    which names the saved result (R15d-4). A heading that is a value by its row (learn_headings)
    is masked wherever it is shown."""

    def __init__(self, classifier: ColumnClassifier) -> None:
        self.classifier = classifier
        self._shown: dict[str, str] = {}
        self._renamed: set[str] = set()

    def shown(self, name: str) -> str:
        """``name`` with what a recognizer finds in it masked."""
        if name not in self._shown:
            # a name's isolate marks dropped (RRR15bu-1): none reaches JSON, the terminal or a report
            self._shown[name] = self.classifier.shown_name(mask_free_text(unmarked(name)))
        return self._shown[name]

    def place(self, name: str) -> str:
        """A file, folder, sheet or table name (or a path of them) as shown: a person's name alone
        in it (王五.csv, a sheet 孙芳军, a table 王小明, 张三丰/) masked as well (R15e-11). Headings
        are left to the column decisions, which know whether a heading is one of its column's values."""
        return mask_person_names(self.shown(name))

    def learn_headings(self, table: TableSample, decisions: list[ColumnDecision]) -> None:
        """Learn the headings of ``table`` that are values by their row, to show them masked
        (R15d-2): a 登记表 read as a table takes ``姓名,黄伟芳,性别,男`` for its header, a transposed
        table ``姓名,<60 names>``. A heading that names a kind its own column does not hold (the
        column under that 姓名 holds labels, not names) gives that kind's context to the heading
        after it and, as the row's first, to every heading after it; a heading that names nothing
        itself is masked with that context, as the value of ``key=value`` text is. A 姓名 heading
        over a column of names is a real header: its neighbours (关系, 国籍) are left alone."""
        fields = [c.field for c in table.columns][:len(decisions)]
        named = [self.classifier.name_context(f) for f in fields]
        given = [_not_held(n, d) for n, d in zip(named, decisions, strict=False)]
        for i, field in enumerate(fields[1:], start=1):
            kinds = {*given[0], *given[i - 1]}
            if kinds and not named[i]:
                shown = self.shown(field)
                for kind in sorted(kinds):
                    shown = self.classifier.shown_name(shown, kind)
                self._shown[field] = shown

    def decision(self, raw: str, d: ColumnDecision) -> ColumnDecision:
        """``d`` (the column headed ``raw``) with its field and reason as shown. Free-text masking
        sees the raw heading whole (李四13812345678: a name beside its phone), which the column's
        own masking (d.field: 李四138****5678) hides from it; that masking (a name heading a column
        of names) is done again over it, with the column's kind."""
        # a person's name in a key is masked as in a file name: the (envelope) row's operator_张三丰 (R15f-13)
        field = mask_person_names(self.shown(raw))
        if d.field != raw and d.recognizer is not None:
            field = self.classifier.shown_name(field, d.recognizer)
        # a reason quotes its field's name as the field shows it
        reason = d.reason.replace(f"'{d.field}'", f"'{field}'") if field != d.field else d.reason
        return replace(d, field=field, reason=self.shown(reason))

    def skip(self, skipped: Skipped) -> Skipped:
        """A skipped part with its file and field names, and the names its reason quotes (a sheet's:
        "sheet 孙芳军: row 1 above the header", R15e-10), shown masked: the reason as :meth:`place`
        shows a name, ID and phone numbers too ("sheet 11010519491231002X: ...", a view
        v_13800138000 were in clear, RRR15bp-3). Each clause (a reason's parts are joined by ': ')
        is placed alone, as the name it quotes is: read whole, a schema named secret would make
        "schema secret: this user may not use it" a password 'this'. A name the source marked where
        it built the reason (sources.base.quoted) is placed whole first, as the location is: cut at
        its ': ', "wifi密码: Hunter2Pass!" stayed in clear in the reason the location hid it in (RRR15bs-1)."""
        where = skipped.location
        parts = _QUOTED.split(skipped.reason)  # odd: the names quoted
        # a mark left in the prose pairs with nothing (quoted() drops a name's own): dropped
        # a quoted name is decoded as the location is (a GBK folder name: RRR15bu-2)
        reason = "".join(self.place(decoded_name(part)) if i % 2 else clauses_shown(unmarked(part), self.place)
                         if part else part
                         for i, part in enumerate(parts))
        return replace(skipped, reason=reason,
                       location=replace(where, path=self.place(where.path) if where.path else where.path,
                                        field=self.place(where.field) if where.field else where.field))

    def enter(self, table: TableSample) -> tuple[TableSample, list[Skipped]]:
        """``table`` with its names decoded, and the notice to list when its own name had to be
        (once per name: a note when read as GB18030, a skip when escaped)."""
        notice = name_notice(table.table)
        table = _decoded(table)
        if notice is None or table.table in self._renamed:
            return table, []
        self._renamed.add(table.table)
        reason, note = notice
        return table, [Skipped(location=Location(path=self.place(table.dataset)), reason=reason, note=note)]


def _decoded(table: TableSample) -> TableSample:
    """``table`` with its file, folder and table names, and the places of its skipped parts, as
    decoded_name writes them (a GBK file name from a Windows share: surrogateescape'd bytes, which
    no UTF-8 text holds, so the run could neither print nor save them, read as GB18030 for the
    masking to see the person it names, or escaped). Names enter the inventory here, once: no
    consumer of it (listing, saved JSON, reports) meets a lone surrogate."""
    dataset, name = decoded_name(table.dataset), decoded_name(table.table)
    places = tuple(replace(s, location=replace(s.location, path=decoded_name(s.location.path or "") or None,
                                               field=decoded_name(s.location.field or "") or None))
                   for s in table.skipped)
    if (dataset, name, places) == (table.dataset, table.table, table.skipped):
        return table
    columns = tuple(replace(c, dataset=decoded_name(c.dataset), table=decoded_name(c.table)) for c in table.columns)
    return replace(table, dataset=dataset, table=name, columns=columns, skipped=places)


def clauses_shown(reason: str, show: Callable[[str], str]) -> str:
    """A skip reason with each clause (its parts are joined by ': ') shown as ``show`` shows a
    name: read whole, "schema secret: this user may not use it" would be a password 'this'."""
    return ": ".join(show(part) for part in reason.split(": "))
