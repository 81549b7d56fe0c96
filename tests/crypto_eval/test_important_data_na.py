"""8.4 d)-g) are about the system's important data: declared 不适用 while the same profile declares
important data (crypto.important_data) contradicts itself (review R16c, LOW): the object of the item
exists, so 不适用 does not stand and the item is missing evidence (scored 0, flagged), not left out
of the score. Without important data declared, 不适用 with a reason stands as before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govsoc.crypto_eval.evaluate import evaluate_system
from tests.crypto_eval.test_assess import _score, _system


@pytest.mark.parametrize("item", ["gbt39786.l3.8.4.d", "gbt39786.l3.8.4.e", "gbt39786.l3.8.4.f",
                                  "gbt39786.l3.8.4.g"])
def test_important_data_items_not_applicable_beside_declared_important_data(item: str) -> None:
    na = {item: {"judgement": "不适用", "na_reason": "系统不存储重要数据"}}
    contradicted = evaluate_system(_system({"important_data": ["个人信息"], "declarations": na}, []), [])
    assert _score(contradicted, item) == Decimal("0.0000")
    (missing,) = [f for f in contradicted.findings if f.item == item and f.factor == "MISSING"]
    assert "crypto.important_data" in missing.why and "个人信息" in missing.why and "不适用不成立" in missing.why
    assert not [f for f in contradicted.findings if f.item == item and f.factor == "NA"]
    # the control: no important data declared, the reasoned 不适用 stands (left out of the score)
    alone = evaluate_system(_system({"declarations": na}, []), [])
    assert _score(alone, item) is None
