"""The labelled evaluation set and its scores (stage: classification; issue 15 "Accuracy").

Positives come from Faker's zh_CN provider where it has the type (resident IDs, names,
addresses, mobiles, e-mail, plates, IPs, MACs, cards) and from generators written here from the
standards where it has not (USCC and organisation codes with their check characters, UnionPay
cards with real BINs and Luhn, VINs with their ISO 3779 check, permits, real-estate numbers).
Negatives are adversarial: order numbers (also 16-20 random digits after DD, SO or a glued 订单),
timestamps, invoice codes and numbers, 18-digit strings with a wrong check character or an
impossible date (with the check character made right; also with a UnionPay prefix that passes
Luhn), phone-like numbers in unallocated segments, card-like numbers failing Luhn, version
strings (4-part ones after their label; bare, in columns named version or 固件版本), hashes, times
of day, file names, common words that start with a surname.

The makers of these values are in govsoc.classification.evaluation_makers; this module holds the
labelled set built from them, the column-level set, and their scores. Faker is a development
dependency (``pip install 'govsoc[dev]'``); everything else is product code.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.evaluation_forms import (
    ADDED_COLUMNS,
    ADDED_NEGATIVE_COLUMNS,
    ADDED_OFFSET,
    LONE_OFFSET,
    added_makers,
    added_negatives,
    lone_latitude_makers,
    order_number_11,
)
from govsoc.classification.evaluation_makers import (
    _ART28_VALUES,
    _digits,
    _faker,
    _masked_makers,
    _negative_makers,
    _positive_makers,
)
from govsoc.classification.grading import column_kinds
from govsoc.classification.scanner import Scanner

__all__ = ["Labelled", "Score", "labelled_values", "labelled_columns", "chance_columns", "score_values",
           "score_columns", "negative_false_positive_rate", "format_table", "missed_forms"]


@dataclass(frozen=True, slots=True)
class Labelled:
    """One value, the recognizer that should find it (None: nothing should), and whether it is
    scanned with that recognizer's context (a column name saying so)."""

    value: str
    label: str | None
    context: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Score:
    """Counts and the derived precision, recall and F1."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was found."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was to be found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def labelled_values(seed: int = 15, per_type: int = 400) -> list[Labelled]:
    """``per_type`` positives of every recognizer and ``per_type`` negatives of every negative kind."""
    fake, rng = _faker(seed), random.Random(seed)
    items: list[Labelled] = []
    for label, (context, make) in _positive_makers(fake, rng).items():
        items.extend(Labelled(make(), label, context) for _ in range(per_type))
    for note, make_negative in _negative_makers(fake, rng).items():
        items.extend(Labelled(make_negative(), None, False, note) for _ in range(per_type))
    # a random source of their own: the values above stay those of the seed before these were added
    own = random.Random(seed + 28)
    for label, words in _ART28_VALUES.items():
        items.extend(Labelled(own.choice(words), label, True) for _ in range(per_type))
    masked = random.Random(seed + 37)  # the same for the masked forms, added after the others
    for label, (context, make) in _masked_makers(masked).items():
        items.extend(Labelled(make(), label, context) for _ in range(per_type))
    added = random.Random(seed + ADDED_OFFSET)  # R15at's forms, after all the others
    for label, (context, make) in added_makers(added).items():
        items.extend(Labelled(make(), label, context) for _ in range(per_type))
    for note, make_negative in added_negatives(added).items():
        items.extend(Labelled(make_negative(), None, False, note) for _ in range(per_type))
    lone = random.Random(seed + LONE_OFFSET)  # a latitude alone, under a column saying coordinates (RRR15bu-6)
    for label, make in lone_latitude_makers(lone).items():
        items.extend(Labelled(make(), label, True) for _ in range(per_type // 5))
    return items


def score_values(scanner: Scanner, items: Sequence[Labelled]) -> dict[str, Score]:
    """Per recognizer: a hit of the labelled recognizer is a TP, its absence a FN, any hit of a
    recognizer on a value labelled otherwise (or negative) a FP for that recognizer."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for item in items:
        context = frozenset({item.label}) if item.context and item.label else frozenset()
        found = {m.recognizer for m in scanner.scan(item.value, context)}
        if item.label is not None:
            if item.label in found:
                tp[item.label] += 1
            else:
                fn[item.label] += 1
        for other in found - {item.label}:
            fp[other] += 1
    labels = sorted(set(scanner.recognizers))
    return {r: Score(tp[r], fp[r], fn[r]) for r in labels}


def missed_forms(scanner: Scanner, items: Sequence[Labelled]) -> dict[str, dict[str, int]]:
    """Per recognizer, the forms of its labelled values it missed (its false negatives), each digit
    run written 9, most first: why a recall is under 1 (RRR15bp-6), as the negatives' false
    positives are told by kind. Recognizers missing nothing are left out."""
    missed: dict[str, Counter[str]] = {}
    for item in items:
        if item.label is None:
            continue
        context = frozenset({item.label}) if item.context else frozenset()
        if item.label not in {m.recognizer for m in scanner.scan(item.value, context)}:
            missed.setdefault(item.label, Counter())[re.sub(r"\d+", "9", item.value)] += 1
    return {label: dict(forms.most_common()) for label, forms in sorted(missed.items())}


def negative_false_positive_rate(scanner: Scanner, items: Sequence[Labelled]) -> tuple[float, dict[str, int]]:
    """Share of negatives with any hit, and the hits by negative kind."""
    negatives = [i for i in items if i.label is None]
    hits: Counter[str] = Counter(i.note for i in negatives if scanner.scan(i.value))
    return (sum(hits.values()) / len(negatives) if negatives else 0.0), dict(hits)


#: Column names per label: pinyin abbreviations, English and Chinese names and comments.
_COLUMN_NAMES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "cn_resident_id": (("sfzh", ""), ("gmsfhm", "公民身份号码"), ("id_card", ""), ("zjhm", "证件号码"),
                       ("col_07", "身份证号"), ("cert_no", "")),
    "cn_person_name": (("xm", "姓名"), ("name", ""), ("real_name", ""), ("lxr", "联系人"), ("xingming", "")),
    "cn_mobile": (("sjhm", ""), ("lxdh", "联系电话"), ("mobile", ""), ("phone", "手机号"), ("c3", "手机号码")),
    "cn_address": (("jtzz", "家庭住址"), ("address", ""), ("hjdz", "户籍地址"), ("dz", "")),
    "cn_bank_card": (("yhkh", "银行卡号"), ("card_no", ""), ("bank_card", "")),
    "email": (("email", ""), ("dzyx", "电子邮箱"), ("contact", "")),
    "cn_licence_plate": (("cph", "车牌号"), ("hphm", "号牌号码"), ("plate", "")),
    "cn_uscc": (("tyshxydm", "统一社会信用代码"), ("credit_code", ""), ("dwdm", "单位代码")),
    "ipv4": (("src_ip", ""), ("client_ip", "客户端IP"), ("ip", "")),
    "mac": (("mac", ""), ("device_mac", "设备MAC")),
    "gps": (("location", "定位"), ("jwd", "经纬度")),
    "cn_passport": (("hzhm", "护照号码"), ("passport_no", "")),
    "cn_birth_date": (("csrq", "出生日期"), ("birthday", ""), ("csny", "出生年月")),
    "cn_age": (("nl", "年龄"), ("age", "")),
    "vin": (("clsbdh", "车辆识别代号"), ("vin", "")),
}
_NEGATIVE_COLUMNS: Final = (
    ("order_no", "订单号", "order number"), ("dh", "单号", "order number"), ("created_at", "创建时间", "timestamp"),
    ("fpdm", "发票代码", "invoice code/number"), ("version", "", "versions, hashes, files, amounts"),
    ("remark", "备注", "text and look-alike words"), ("xm", "项目名称", "company"), ("kh", "客户编号", "customer"),
    ("username", "登录账号", "account"), ("city_id", "", "int"), ("product_name", "商品名称", "product"),
    ("amount", "金额", "amount"), ("status", "状态", "status"), ("token", "", "hash"), ("address_id", "", "int"),
    # digit runs of a card's or an ID number's shape whose check passes by chance (R15-2): Luhn 1 in
    # 10 of serial numbers, MOD 11-2 1 in 11 of 办件编号 (区划代码 + 受理日期 + 4-digit sequence)
    ("order_no", "", "card-shaped serial"), ("lsh", "流水号", "UnionPay-prefixed serial"),
    ("sqbh", "申请编号", "case number"),
    # 4-part versions whose parts are all octets (R15-3): the column's name says what they are
    ("version", "", "dotted version"), ("gjbb", "固件版本", "dotted version"),
)


def labelled_columns(seed: int = 15, rows: int = 200) -> list[tuple[ColumnSample, str | None]]:
    """Columns of ``rows`` values: every name variant of every labelled type (with 0-20 % empty
    values and some junk mixed in), and negative columns whose names are traps."""
    fake, rng = _faker(seed), random.Random(seed + 1)
    positives, negatives = _positive_makers(fake, rng), _negative_makers(fake, rng)
    extra: dict[str, Callable[[], str]] = {
        "company": lambda: str(fake.company()), "customer": lambda: "KH" + _digits(rng, 8),
        "account": lambda: str(fake.user_name()), "int": lambda: str(rng.randint(1, 5000)),
        "product": lambda: rng.choice(("华为手机", "小米电视", "联想笔记本", "格力空调")) + str(rng.randint(1, 99)),
        "amount": lambda: f"{rng.uniform(1, 99999):.2f}",
        "status": lambda: rng.choice(("正常", "注销", "待审核", "1", "0")),
        "hash": lambda: str(fake.sha256()),
        "card-shaped serial": lambda: "9" + _digits(rng, 18),
        "UnionPay-prefixed serial": lambda: "62" + _digits(rng, 17),
        "dotted version": lambda: ".".join(str(rng.randint(a, b)) for a, b in ((1, 6), (0, 9), (0, 20), (0, 200))),
        "case number": lambda: rng.choice(("330106", "110105", "440305")) + (
            date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000))).strftime("%Y%m%d") + f"{rng.randint(1, 9999):04d}",
    }
    columns: list[tuple[ColumnSample, str | None]] = []
    for label, names in _COLUMN_NAMES.items():
        make = positives[label][1]
        for name, comment in names:
            empty = rng.uniform(0.0, 0.2)
            values = ["" if rng.random() < empty else (make() if rng.random() > 0.05 else str(fake.word()))
                      for _ in range(rows)]
            columns.append((ColumnSample(dataset="eval", field=name, comment=comment, values=values), label))
    for name, comment, kind in _NEGATIVE_COLUMNS:
        make_negative = negatives.get(kind) or extra[kind]
        values = [make_negative() for _ in range(rows)]
        if kind == "text and look-alike words":  # a remark column with a few phone numbers in it
            values = [v if rng.random() > 0.05 else f"请联系{positives['cn_mobile'][1]()}" for v in values]
        columns.append((ColumnSample(dataset="eval", field=name, comment=comment, values=values), None))
    return columns + _added_columns(seed, rows)


def _added_columns(seed: int, rows: int) -> list[tuple[ColumnSample, str | None]]:
    """The columns of R15at's forms (evaluation_forms), from a random source of their own."""
    rng = random.Random(seed + ADDED_OFFSET + 1)
    makers, negatives = added_makers(rng), added_negatives(rng)
    columns: list[tuple[ColumnSample, str | None]] = []
    for name, comment, label in ADDED_COLUMNS:
        make = makers[label][1]
        values = ["" if rng.random() < 0.1 else make() for _ in range(rows)]
        columns.append((ColumnSample(dataset="eval", field=name, comment=comment, values=values), label))
    for name, comment, note in ADDED_NEGATIVE_COLUMNS:
        make_negative = negatives.get(note) or (lambda: order_number_11(rng))
        values = [make_negative() for _ in range(rows)]
        columns.append((ColumnSample(dataset="eval", field=name, comment=comment, values=values), None))
    return columns


def chance_columns(seed: int = 15, rows: int = 500) -> list[tuple[ColumnSample, str | None]]:
    """Columns that try a checksum recognizer's bar against chance (R15b-1, R15b-2), apart from
    :func:`labelled_columns` so that the speed corpus built from those stays as it was: payloads
    with a card in 30 % of rows beside a 13-digit timestamp in each, and a 银行卡号 column with a
    zero placeholder in 65 % (both bank cards); cells listing seven random 19-digit order numbers
    or seven 办件编号 (neither: per value, a check passes by chance 1-(9/10)^7 = 52 % of the time)."""
    fake, rng = _faker(seed), random.Random(seed + 2)
    card = _positive_makers(fake, rng)["cn_bank_card"][1]

    def stamp() -> str:
        return str(rng.randint(1_690_000_000_000, 1_710_000_000_000))

    def case() -> str:
        return rng.choice(("330106", "110105", "440305")) + (date(2016, 1, 1) + timedelta(
            days=rng.randint(0, 3000))).strftime("%Y%m%d") + f"{rng.randint(1, 9999):04d}"

    makers: tuple[tuple[str, str, str | None, Callable[[], str]], ...] = (
        ("bw", "报文", "cn_bank_card", lambda: (f'{{"card":"{card().replace(" ", "")}","ts":{stamp()}}}'
                                               if rng.random() < 0.3 else f'{{"ts":{stamp()}}}')),
        ("yhkh", "银行卡号", "cn_bank_card", lambda: card() if rng.random() < 0.35 else "0" * 19),
        ("glzd", "关联订单", None, lambda: ",".join("9" + _digits(rng, 18) for _ in range(7))),
        ("glbj", "关联办件", None, lambda: ",".join(case() for _ in range(7))),
    )
    return [(ColumnSample(dataset="eval", field=name, comment=comment, values=[make() for _ in range(rows)]), label)
            for name, comment, label, make in makers]


def score_columns(classifier: ColumnClassifier,
                  columns: Sequence[tuple[ColumnSample, str | None]]) -> tuple[Score, dict[str, Score]]:
    """Micro-averaged column decisions, and per label (a tagged column of the wrong type counts as
    a FP of the decided type and a FN of the label). Every other kind a tagged column is found to
    hold (grading.column_kinds: the runners-up, which grade it too) counts as a FP of that kind:
    no column here holds two (R15d-5)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for sample, label in columns:
        decided = classifier.decide(sample)
        got = decided.recognizer if decided.status == "tagged" else None
        for other in column_kinds(decided)[1:] if got is not None else ():
            fp[other] += other != label
        if got == label and label is not None:
            tp[label] += 1
            continue
        if got is not None:
            fp[got] += 1
        if label is not None:
            fn[label] += 1
    labels = sorted(set(tp) | set(fp) | set(fn))
    total = Score(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return total, {r: Score(tp[r], fp[r], fn[r]) for r in labels}


def format_table(scores: dict[str, Score], checksum: frozenset[str] = frozenset()) -> str:
    """A fixed-width table: recognizer, kind, TP, FP, FN, precision, recall, F1."""
    lines = [f"{'recognizer':34} {'kind':8} {'TP':>5} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}"]
    for name, s in scores.items():
        kind = "checksum" if name in checksum else "shape"
        lines.append(f"{name:34} {kind:8} {s.tp:5d} {s.fp:4d} {s.fn:4d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    return "\n".join(lines)
