"""A person's name in a skipped part's field (issue 15 review R15g-5): a PostgreSQL schema 王小明的库
holding a table 张建国家, read by a role without SELECT, was skipped as "王小明的库.张建国家": the
schema's name, masked in the table list, was in clear in the skip line and the saved inventory's
skipped entry (its field went through the free-text masking only, not the masking of names)."""

from __future__ import annotations

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.shown_names import ShownNames
from govsoc.classification.sources.base import Skipped
from govsoc.core.errors import Location


def test_a_name_in_a_skipped_field_is_masked() -> None:
    skipped = Skipped(location=Location(path="postgresql://auditor@/r15g", field="王小明的库.张建国家"),
                      reason="permission denied for table 张建国家")
    shown = ShownNames(ColumnClassifier()).skip(skipped)
    assert shown.location.field == "王**的库.张**家"
    assert shown.reason == "permission denied for table 张**家"


def test_a_heading_in_a_skipped_field_is_kept() -> None:
    skipped = Skipped(location=Location(path="a.csv", line=3, field="户主姓名"), reason="cell over 128 KiB")
    assert ShownNames(ColumnClassifier()).skip(skipped).location.field == "户主姓名"
