"""Whether a key repeated over different people is a household's (stage: classification; a part of
link_keys.py, GB/T 43697-2024 §6.6 汇聚融合; GB/T 4761-2008 家庭关系代码).

A key under which names differ is a group's (5 employees under their enterprise's code) and links no
person's information to its record (linked_tables._of_groups), unless it is a household's: its head
is one of its members, the person another table keeps under it (户主身份证号码), and every member's name
is linked to the head's ID number and phone (R15k-10). What says a key is a household's:

- its heading, when it can mean nothing else: a household's number (户号, 家庭编号, 户口簿编号), any
  …家庭, or a …户 of a household category of 乡村振兴, 民政, 计生, 优抚, 移民 and 农业 registers (建档立卡户,
  低保户, 独生子女户, 养殖户, 农户: R15r-1), whose members are a family however the table is written;
- or evidence of a family in the group's own rows (R15s-1..-7): a relation column (与户主关系, 称谓,
  成员类型) holding kin words (配偶, 子女, 长子, 儿媳 ...) or GB/T 4761 kin codes beside a head's code,
  in half the repeated keys; a 户主 marked once in each (under any heading, as before);
- a …户 whose heading leaves it open (住户, 承租户, 经营户, 签约户: a family's or a business's,
  tenants', customers' number) is a household's unless its names show strangers: three people and
  more under most keys, and under fewer than a third of those a surname half of them share (a
  family's head and children share theirs; the ten employees of a 营业户 seldom). Without such names
  it links, as before: an over-grade is the lesser error. A …户 of an account, a customer or a
  business (账户, 客户, 商户, 纳税户, 个体工商户) is a household's only by kin words or codes.

Heading lists alone linked strangers (营业户, 纳税大户, 本人 under 办理人身份, 0/1 flags under 劳务关系,
01 under 关系类型: R15s-1..-4); the lists here only say when no more evidence is needed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from govsoc.classification.cn_codes import COMPOUND_SURNAMES, SINGLE_SURNAMES
from govsoc.classification.column_sample import ColumnSample

__all__ = ["household", "HOUSEHOLD_KEYS", "HEADS", "KIN", "CATEGORY_WORDS"]

#: Headings of a household's number (lower case): a key over its members, its head among them (R15k-10).
#: Not 账户号, 用户号, 客户号, 商户号: an account's, a customer's.
HOUSEHOLD_KEYS: Final = frozenset({"户号", "户编号", "户籍号", "户籍编号", "户口编号", "家庭户号", "家庭编号",
                                   "家庭户编号", "household_id", "household_no"})
#: Values of a relation column (与户主关系) marking a household's head, as registers write them.
HEADS: Final = frozenset({"户主", "本人", "户主本人", "本人户主", "户主(本人)", "户主（本人）", "本人(户主)",
                          "本人（户主）"})
#: HEADS words naming a 户主, which mark a head under any heading.
_HEADS_ANYWHERE: Final = frozenset(w for w in HEADS if "户主" in w)
#: What a heading names the number of (户 of 户编码, 家庭 of 家庭ID, 户口簿 of 户口簿编号; lower case) when
#: the number is a household's (R15n-7).
_HOUSEHOLD_WORDS: Final = frozenset({"户", "家庭", "家庭户", "户籍", "户口", "户口簿", "户口本", "户主", "家庭档案",
                                     "户档案", "家户", "分户", "household", "family", "hh"})
#: Ends of the words ending in 户 that name no household: accounts, customers, businesses, loans and
#: utility customers (账户, 对公账户, 电力用户, 大客户, 特约商户, 个体工商户, 纳税户, 贷款户, 用水户: R15p-2).
_NO_HOUSEHOLD_ENDS: Final = ("账户", "帐户", "用户", "客户", "商户", "开户", "储户", "个体户", "网户", "机户",
                             "纳税户", "贷款户", "借款户", "缴费户", "水户", "电户", "气户", "企业户", "单位户",
                             "对公户", "银行户", "法人户", "存款户")
#: Words of a …户 naming a household category (the word before 户 holds one): the registers of 乡村振兴
#: (建档立卡户, 脱贫户, 防返贫监测户, 边缘易致贫户, 结对帮扶户), 民政 (低保户, 五保户, 特困供养户, 困难户),
#: 计生 (独生子女户, 双女户, 失独户, 计生特扶户), 优抚 (军烈属户), 灾害 (受灾户, 倒房户), 移民和城建 (易地搬迁户,
#: 危房改造户, 拆迁安置户, 被征地户), 农业 (养殖户, 种植户, 种粮大户, 专业户, 承包户, 退耕还林户), 户籍
#: (常住户, 居民户, 农业户): a family's number whatever the table holds besides (R15r-1). One character
#: of hardship (贫 of 防贫户, 困 of 特困户, 孤 of 孤儿户, 独 of 独居老人户) is enough.
CATEGORY_WORDS: Final = ("贫", "困", "残", "孤", "寡", "鳏", "灾", "独", "建档立卡", "监测", "帮扶", "结对",
                         "低保", "五保", "供养", "救助", "救济", "受助", "兜底", "空巢", "留守", "单亲", "老人",
                         "儿童", "妇女", "收入", "就业", "务工", "双女", "纯女", "计生", "计划生育", "奖扶", "特扶",
                         "军属", "烈属", "优抚", "优待", "退役军人", "三无", "倒房", "重建", "危房", "搬迁", "移民",
                         "拆迁", "征地", "失地", "安置", "回迁", "棚改", "退耕", "养殖", "种植", "种粮", "专业",
                         "承包", "示范", "带头", "文明", "常住", "暂住", "居民", "农业", "非农", "农转非", "城镇",
                         "农村", "家庭", "住房困难", "廉租", "人户分离", "空挂", "党员", "军人", "无房", "劳力", "病",
                         "库区", "返乡", "孩", "边缘", "生育")
#: Ends of the word before 户 naming a farming, herding or fishing household (农户, 果农户, 牧户, 渔民户) or
#: a family's daughters (两女户, 二女户).
_CATEGORY_ENDS: Final = ("农", "牧", "渔", "农民", "牧民", "渔民", "女")
#: GB/T 4761-2008's kin relations as registers write them in words (配偶, 长子, 之女, 儿媳, 外孙女, 岳母 ...),
#: with a head's words (户主之子) or a rank (长, 次, 三 ...) before them; not 非亲属, 女士, 先生.
KIN: Final = re.compile(
    r"(?:户主|本人|申请人)?的?之?(?:长|次|三|四|五|六|大|二|小|养|继|独生|亲生|外|堂|表|曾|外曾|其他)?"
    r"(?:配偶|妻子?|丈夫|夫|爱人|老伴|儿子|女儿|子女?|女|儿|孙子女?|孙女|孙|父母|父亲?|母亲?|爸爸|妈妈|祖父母?|"
    r"祖母|爷爷|奶奶|外公|外婆|公公|婆婆|岳父母?|岳母|兄弟姐妹|兄弟|姐妹|兄|弟弟?|姐姐?|妹妹?|哥哥?|嫂子?|弟媳|"
    r"儿媳妇?|媳妇|女婿|孙媳妇?|孙女婿|叔叔?|叔父|婶婶?|婶母|伯父|伯母|伯伯|舅舅?|舅父|舅母|姨妈?|姨母|姨父|姑姑?|"
    r"姑母|姑父|侄子|侄女|外甥女?|亲属|家属|亲戚|老婆|老公|侄儿|侄孙女?|重孙女?|曾孙女?|舅妈|婶子|伯娘|姨夫|姑丈|姐夫|妹夫|嫂嫂|继父|继母|养父|养母|公婆|亲家|其它亲属|其他亲属|儿媳妇|女儿女婿)"
    r"|spouse|wife|husband|son|daughter|child|children|father|mother|grandson|granddaughter|brother|sister")
#: Kin words naming a spouse: one in a family (two in each key are a flag's 1s, not spouses).
_SPOUSES: Final = frozenset({"配偶", "妻", "妻子", "丈夫", "夫", "爱人", "老伴", "10", "11", "12"})
#: Kin words naming one person of a family: two 父亲 under a key are two students' fathers (与学生关系).
_ONCE: Final = _SPOUSES | {"父亲", "母亲", "爸爸", "妈妈", "岳父", "岳母", "公公", "婆婆"}
#: Headings of a column saying how each member is related (与户主关系, 家庭关系代码, 称谓, 成员类型, 人员身份,
#: 亲属, 家庭角色), lower case; not a column of sexes (成员性别: 女 is also a daughter's word).
_RELATION_HEADINGS: Final = ("关系", "称谓", "成员", "身份", "亲属", "家属", "角色", "relation", "yhzgx", "jtgx")
_NOT_RELATIONS: Final = ("性别", "sex", "gender")
#: Headings of a relation of each row's own person to someone else (与学生关系, 紧急联系人关系, 涉案人员身份,
#: 驾驶员身份): each names that person's kin, not one head's (R15v-4).
_OWN_RELATIONS: Final = ("学生", "联系人", "紧急", "监护", "涉案", "案件", "当事", "驾驶", "信访", "嫌疑", "患者",
                         "病人", "student", "contact", "guardian")
#: Kin words too vague to make a family alone (家属 of a 涉案人员, 亲属 of a 营业户's staff: R15v-4).
_VAGUE: Final = frozenset({"亲属", "家属", "亲戚"})
#: The share of a column's values a code set must hold: one 00 or 98 among 300 is a dirty cell (R15v-1).
_CODE_SHARE: Final = 0.8
#: Relation headings of codes of other sets (劳动关系, 隶属关系代码, 合同关系: R15p-2), unless of a relation
#: to a person (与服务对象关系, R15s-5): their digits are not GB/T 4761's.
_OTHER_RELATIONS: Final = ("劳动", "隶属", "合同", "工作", "组织", "业务", "管理", "上下级", "行政", "财务", "代理",
                           "委托", "债权", "债务", "担保", "经济", "投资", "股权", "控股", "所属", "服务",
                           "供应", "合作")
#: GB/T 4761-2008 家庭关系代码 (01 本人, 02 户主, 10-12 配偶, 20-39 子女, 40-49 孙, 50-59 父母, 60-69 祖父母,
#: 70-79 兄弟姐妹, 80-97 其他亲属, 99 非亲属) and the census form's one digit (0 户主, 1 配偶, 2 子女 ... 8 兄弟姐妹,
#: 9 其他: 第七次全国人口普查表): the code set -> (its codes, its heads' codes, its kin codes).
RELATION_CODES: Final = (
    (frozenset({"01", "02", "10", "11", "12", *(f"{c}" for c in range(20, 98)), "99"}), frozenset({"01", "02"}),
     frozenset({"10", "11", "12", *(f"{c}" for c in range(20, 98))})),
    (frozenset("0123456789"), frozenset({"0"}), frozenset("12345678")))
#: Strangers share a surname under fewer than one key in this many: two of three random names share one
#: under 3 keys in 100, under 8 in a village of 王 (F15a's table); a register where one family in four is
#: of one surname and the rest of three (head, spouse, the head's mother or a stepchild) or a daughter's
#: line (户主/配偶/女儿/女婿/外孙: 张 2 of 5, 赵 2 of 5) is families (R15v-3).
_SHARED: Final = 6
#: Tibetan name words (a name is one or two of them, 扎西, 扎西次仁): a first character that is a Han
#: surname (白, 罗, 索, 平) is none here, and a family's names share none (R15v-3).
_TIBETAN: Final = frozenset({
    "扎西", "次仁", "卓玛", "白玛", "罗布", "索朗", "平措", "普布", "强巴", "巴桑", "欧珠", "米玛", "阿旺", "桑吉",
    "曲珍", "玉珍", "普琼", "德吉", "拉姆", "尼玛", "达瓦", "格桑", "旦增", "边巴", "多吉", "央金", "措姆", "顿珠",
    "益西", "洛桑", "丹增", "央宗", "次旦", "旺堆", "琼达", "贡嘎", "仁增", "群培", "拉巴", "普赤", "德庆", "曲宗",
    "次珍", "白珍", "卓嘎", "旺姆", "仓决", "巴珠", "土登", "晋美", "嘎玛", "加措", "才让", "拉毛", "卓玛吉"})
#: A name: a surname (compound or single) and one or two given-name characters.
_NAME: Final = re.compile(r"[\u4e00-\u9fff]{2,4}")


def household(field: str, kind: str, columns: Sequence[ColumnSample], rows: Sequence[Sequence[str] | None],
              repeated: Sequence[Sequence[int]], least: int) -> bool:
    """Whether the key headed ``field`` (lower case; ``kind``: what it numbers, 建档立卡户 of
    建档立卡户编号, link_keys._record_kind), repeated over the row places ``repeated``, is a household's
    (module docstring): its heading says so, or its rows show a family in ``least`` of the repeated
    values and half of them at least."""
    named = _named(field, kind)
    if named:
        return True

    def enough(found: int) -> bool:
        return found >= least and found * 2 >= len(repeated)

    evidence = False
    for column, cells in zip(columns, rows, strict=True):
        if cells is None:
            continue
        heading = column.field.strip().lower()
        found = _families(heading, cells, repeated)
        if enough(found):
            return True
        evidence = evidence or (found > 0 and _relation(heading))
    if evidence:  # a relation column of kin words wins over the surnames (R15v-3)
        return named is None
    # a …户 the heading leaves open is a household's unless its names say otherwise: three people and
    # more under most of its keys, no two of them of one surname (a family's head and children share
    # theirs); without such names it is linked, as the lesser error (R15r-1)
    return named is None and not any(cells is not None and _strangers(cells, repeated, least) for cells in rows)


def _named(field: str, kind: str) -> bool | None:
    """True when the heading numbers households (HOUSEHOLD_KEYS, a household's word, …家庭, a household
    category's …户), None for another …户 (住户, 承租户, 经营户: the data decides), False else."""
    if field in HOUSEHOLD_KEYS or kind in _HOUSEHOLD_WORDS or kind.endswith("家庭"):
        return True
    if not kind.endswith("户") or kind.endswith(_NO_HOUSEHOLD_ENDS):
        return False
    before = kind.removesuffix("户")
    return True if before.endswith(_CATEGORY_ENDS) or any(w in before for w in CATEGORY_WORDS) else None


def _families(heading: str, cells: Sequence[str], repeated: Sequence[Sequence[int]]) -> int:
    """The repeated keys whose rows a column headed ``heading`` shows to be a family's: a 户主 once
    (under any heading), or under a relation heading kin words (配偶, 长子) or GB/T 4761 codes of kin
    beside one head's code (02 户主 with 10 配偶, 20 子), a spouse at most once, no head twice."""
    relation = _relation(heading)
    values = [_code(v) for v in cells if v.strip()]
    codes, pad = (_code_set(heading, values) if relation else None), False
    if relation and codes is None and any(len(v) == 2 and v.isdigit() for v in values):
        # Excel's 2/10/20: one digit beside GB/T 4761's two (R15v-6)
        codes, pad = _code_set(heading, [_code(v, True) for v in cells if v.strip()]), True
        codes = codes if codes is RELATION_CODES[0] else None
    kin = relation and codes is None and any(KIN.fullmatch(v) and v not in _VAGUE for v in set(values))
    found = 0
    for places in repeated:
        group = [_code(cells[p], pad) if codes is not None else cells[p].strip() for p in places]
        if sum(1 for v in group if v in _HEADS_ANYWHERE) == 1:
            found += 1
        elif relation and _family(group, codes, kin):
            found += 1
    return found


def _relation(heading: str) -> bool:
    """Whether a heading names each member's relation to the household's head (not 与学生关系)."""
    return (any(w in heading for w in _RELATION_HEADINGS) and not any(w in heading for w in _NOT_RELATIONS)
            and not any(w in heading for w in _OWN_RELATIONS))


def _code(value: str, pad: bool = False) -> str:
    """A relation value as a code: 02 of 02户主 and, with ``pad``, of Excel's 2 (R15v-6)."""
    v = value.strip()
    m = re.fullmatch(r"(\d{1,2})[^\d].*", v)
    if m is not None:
        return m.group(1).zfill(2)
    return v.zfill(2) if pad and v.isdigit() and len(v) == 1 else v


def _code_set(heading: str, values: list[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """The GB/T 4761 code set most of a column's values are codes of (a stray 00 or 98 allowed)."""
    if len(set(values)) < 2 or not (heading.startswith("与") or not any(w in heading for w in _OTHER_RELATIONS)):
        return None
    return next((c for c in RELATION_CODES if sum(v in c[0] for v in values) >= _CODE_SHARE * len(values)), None)


def _family(group: list[str], codes: tuple[frozenset[str], frozenset[str], frozenset[str]] | None,
            kin_column: bool = False) -> bool:
    """Whether one key's relation values are a family's: one head (户主, 本人, a head's code) with kin,
    in a column holding kin words; or, without a head, kin words only, a spouse at most once, each
    head and each parent at most once (a relation to an applicant, R15s-7), none of them vague."""
    if codes is not None:
        _, heads, kin = codes
        one_head = any(v in heads for v in group) and all(group.count(h) <= 1 for h in heads)
        return one_head and any(v in kin for v in group) and sum(1 for v in group if v in _SPOUSES | {"1"}) <= 1
    if sum(1 for v in group if v in HEADS) == 1 and kin_column and len(group) >= 2:
        return sum(1 for v in group if v in _SPOUSES) <= 1  # 本人 beside 老婆, 侄儿, spouse (R15v-2)
    if not any(KIN.fullmatch(v) and v not in _VAGUE for v in group):
        return False
    return sum(1 for v in group if v in _SPOUSES) <= 1 and all(group.count(w) <= 1 for w in HEADS | _ONCE)


def _strangers(cells: Sequence[str], repeated: Sequence[Sequence[int]], least: int) -> bool:
    """Whether a column of names (nearly all its values a surname and given name) shows strangers
    under the keys: of the keys over three different names and more (``least`` of them at least,
    half the repeated keys), fewer than a third hold a surname shared by half their names, two at
    least (head and children; not two of ten employees, as strangers share one by chance the more
    the more they are; a third, as a register of the old holds couples beside families)."""
    values = [v.strip() for v in cells if v.strip()]
    if not values or sum(1 for v in values if _surname(v)) * 10 < len(values) * 9:
        return False
    big = shared = 0
    for places in repeated:
        names = {cells[p].strip() for p in places} - {""}  # different people only
        if len(names) < 3:
            continue
        seen = [s for s in map(_surname, names) if s]
        big += 1
        shared += len(set(seen)) < len(seen)
    return big >= least and big * 2 >= len(repeated) and shared * _SHARED < big


def _surname(value: str) -> str:
    """The surname of a name (欧阳 of 欧阳明, 王 of 王芳), or "" for a value that is none or a Tibetan
    name (白玛, 扎西次仁: no surname, R15v-3)."""
    if not _NAME.fullmatch(value) or value[:2] in _TIBETAN and value[2:] in _TIBETAN | {""}:
        return ""
    if value[:2] in COMPOUND_SURNAMES and len(value) >= 3:
        return value[:2]
    return value[0] if value[0] in SINGLE_SURNAMES and len(value) <= 3 else ""
