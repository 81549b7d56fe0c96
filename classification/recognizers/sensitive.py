"""PIPL art. 28 sensitive categories known by their column's name (stage: classification;
shared/reference/classification.md §4.1, §4.3, §5.7).

宗教信仰, 健康状况, 残疾类别, 犯罪记录, 行踪轨迹, 人脸照片: the values of such columns have no shape a
pattern could find alone (佛教, 高血压, 视力残疾, free text, images), so the column's name is what
says what they are. Each row of :data:`CATEGORIES` is one recognizer: the words (Chinese, pinyin
initials as government schemas write them: zjxy 宗教信仰, jkzk 健康状况, English) that name the
category, and a vocabulary of values that are plausibly of it. Both are context only:

- the name and plausible values (half the sampled values at least, as for every context-only
  recognizer) tag the column;
- the name alone (values of no expected form: codes, other words) makes it ``suspected`` for a
  person to review (:attr:`Recognizer.BY_NAME`, ColumnClassifier), never tagged: a name alone is
  weaker evidence than a name with values that fit it.

Categories are PIPL art. 28's (:data:`govsoc.classification.grading.PIPL_SENSITIVE`). A criminal
record is sensitive PI by GB/T 35273-2020 Annex B (未公开的违法犯罪记录); art. 28's list has no
word of its own for it and the TC260 guide (2024) files identities unsuitable for disclosure as
特定身份, so it is graded under that one. 婚姻状况 (marriage history, Annex B "其他") is not an art.
28 category and is not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Final, NamedTuple

from govsoc.classification.recognizer import Pattern, Recognizer, register

__all__ = ["CATEGORIES", "SensitiveCategory", "PERSON_KINDS", "about_people"]

_HAN: Final = "\u4e00-\u9fa5"


class SensitiveCategory(NamedTuple):
    """One row: recognizer id, PIPL art. 28 category, entity text, naming words, value vocabulary."""

    ident: str
    category: str
    entity: str
    context: tuple[str, ...]
    values: str
    #: column words that hold a naming word but name something else (故障诊断: an asset's fault)
    except_: tuple[str, ...] = ()


#: id, category, entity, words naming the column, an expression of plausible values (why per row).
CATEGORIES: Final = (
    # closed list of religions (reference §5.7), whole words only: 请教, 教育 are no religion
    SensitiveCategory("cn_religion", "宗教信仰", "宗教信仰 religious belief",
                      ("宗教", "信仰", "zjxy", "zongjiao", "religion", "religious", "faith"),
                      f"(?<![{_HAN}])(?:不信教|藏传佛教|汉传佛教|佛教|道教|伊斯兰教|天主教|基督教|"
                      f"东正教|新教|犹太教|印度教|萨满教)(?![{_HAN}])",
                      # a register of temples or of religious bodies is no one's belief (R15e-24)
                      (f"宗教[{_HAN}]{{0,4}}?(?:场所|团体|机构|院校|学校|事务|部门|协会|组织|局|办)",)),
    # diagnoses and states of health: ICD-10 codes, words of illness, test results, 健康/良好.
    # 诊断 names the 病案首页's 主要诊断/其他诊断 and every 出院/入院/门诊诊断 (R15e-16); jbmc is 疾病名称,
    # icd a code of ICD-10 (never zd alone: 诊断 or 字段, reference §7). 故障诊断 and its like are an
    # asset's, and the date, time or doctor of a diagnosis is not one.
    SensitiveCategory("cn_health", "医疗健康", "健康状况/病史 health or medical condition",
                      ("健康状况", "健康情况", "病史", "既往史", "过敏史", "疾病", "诊断", "病情", "病种", "传染病",
                       "jkzk", "jbmc", "icd", "health", "diagnosis", "diagnoses", "disease", "illness",
                       "medical_history"),
                      f"(?<![A-Za-z0-9])[A-TV-Z][0-9]{{2}}(?:\\.[0-9]{{1,2}})?(?![A-Za-z0-9])|"
                      f"[{_HAN}A-Za-z]*(?:病|症|炎|癌|瘤|阳性|阴性|血压|血糖|血脂|艾滋|HIV|抑郁|焦虑|残疾|损伤|骨折|"
                      # diagnoses named without 病/症/炎 (肺结核, 脑梗死, 哮喘 ...: 病案首页 主要诊断 values)
                      f"结核|梗死|梗塞|脑梗|心梗|中风|卒中|哮喘|痛风|痴呆|贫血|结石|囊肿|息肉|溃疡|感染|疝|疹|流感|"
                      f"出血|衰竭|硬化|休克|中毒|烧伤|烫伤|瘫痪|失明|失聪|不孕|流产|早产|梅毒|乙肝|丙肝|携带|"
                      f"怀孕|妊娠|过敏|健康|良好|较差|一般)[{_HAN}]*",
                      ("故障诊断", "网络诊断", "系统诊断", "设备诊断", "自诊断", "远程诊断", "诊断日志", "诊断工具",
                       "诊断日期", "诊断时间", "诊断医生", "诊断医师")),
    # disability categories and grades (GB/T 26341: 视力 听力 言语 肢体 智力 精神 多重; 一级..四级)
    SensitiveCategory("cn_disability", "特定身份", "残疾类别/等级 disability category or grade",
                      ("残疾类别", "残疾类型", "残疾等级", "残疾情况", "残疾状况", "cjlb", "cjdj", "disability"),
                      f"(?:视力|听力|言语|语言|肢体|智力|精神|多重)残疾|(?<![{_HAN}0-9])[一二三四1-4]级(?![{_HAN}0-9])"),
    # a conviction, sentence or penalty in words (未公开的违法犯罪记录, GB/T 35273-2020 Annex B)
    SensitiveCategory("cn_criminal_record", "特定身份", "违法犯罪记录 criminal record",
                      ("犯罪记录", "违法犯罪", "犯罪", "前科", "刑事处罚", "服刑", "fzjl", "criminal"),
                      f"[{_HAN}0-9]*(?:罪|刑|判处|拘役|缓刑|管制|劳教|前科|服刑|释放|拘留)[{_HAN}0-9]*"),
    # a place and a time, or a coordinate pair: continuous precise points (TC260 guide 2024)
    SensitiveCategory("cn_whereabouts", "行踪轨迹", "行踪轨迹 whereabouts",
                      # not 轨迹 or 行程 alone: 操作轨迹 is an audit trail, 行程单号 an itinerary's number
                      ("行踪", "行动轨迹", "活动轨迹", "出行轨迹", "行程轨迹", "行程记录", "出行记录", "xzgj",
                       "住宿记录", "住宿信息", "入住记录", "开房记录", "trajectory", "whereabouts"),
                      r"(?<![0-9.])[0-9]{1,3}\.[0-9]{2,}\s*[,，]\s*[0-9]{1,3}\.[0-9]{2,}(?![0-9.])|"
                      r"(?<![0-9])(?:19|20)[0-9]{2}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?[ T]?[0-9]{1,2}[:时][0-9]{2}|"
                      # lodging (GB/T 35273 Annex A 个人位置信息: 住宿信息): a hotel stayed at
                      f"[{_HAN}A-Za-z0-9()（）]*(?:酒店|宾馆|旅馆|饭店|客栈|民宿|招待所|旅社)[{_HAN}A-Za-z0-9()（）]*"),
    # images (data: URIs, long Base64, image files) and feature vectors, under a biometric name
    SensitiveCategory("cn_biometric", "生物识别", "人脸/指纹等生物识别 biometric data",
                      ("人脸", "面部", "指纹", "虹膜", "声纹", "掌纹", "步态", "rlzp", "renlian", "zhiwen", "face",
                       "fingerprint", "iris", "voiceprint", "biometric"),
                      r"data:image/[a-z]+;base64,|(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{64,}={0,2}|"
                      r"[A-Za-z0-9_/.-]+\.(?:jpe?g|png|bmp|webp|wav|wsq)(?![A-Za-z0-9])|"
                      r"-?[0-9]\.[0-9]+(?:\s*,\s*-?[0-9]\.[0-9]+){15,}",
                      # a device that reads faces or fingerprints is no one's face (门禁 device lists, R15e-24)
                      (f"(?:人脸|面部|指纹|虹膜|声纹|掌纹|步态)[{_HAN}]{{0,4}}?"
                       f"(?:设备|锁|型号|机|仪|终端|闸|门禁|摄像|相机|系统|模块|算法|厂商|品牌|器|装置)",)),
    # genes (GB/T 35273 Annex A 个人生物识别信息: 基因): sequences, SNP ids, STR genotypes, results in words
    SensitiveCategory("cn_genetic", "生物识别", "基因 genetic data",
                      ("基因", "dna", "gene", "genetic", "genome", "genotype"),
                      r"(?<![A-Za-z])[ACGT]{20,}(?![A-Za-z])|(?<![A-Za-z0-9])rs[0-9]{3,}(?![0-9])|"
                      r"[A-Z][0-9A-Z]{2,}[:：]\s*[0-9]{1,2}(?:\.[0-9])?\s*[,/]\s*[0-9]{1,2}(?:\.[0-9])?|"
                      f"[{_HAN}A-Za-z0-9]*(?:突变|变异|阳性|阴性|未检出|检出|携带|野生型|杂合|纯合)[{_HAN}]*",
                      (f"基因[{_HAN}]{{0,4}}?(?:设备|仪|试剂|公司|机构|实验室)",)),
    # 个人财产: deposits, balances, income, property values (GB/T 35273 Annex B 个人财产信息; the TC260
    # guide files 存款信息, 房产信息 under 金融账户; reference §5.3 "收入、余额" G4): amounts as values.
    # A revenue of a government or a company (财政收入, 营业收入) is no one's income.
    SensitiveCategory("cn_property", "金融账户", "个人财产(存款/余额/收入) personal property or income",
                      ("存款", "余额", "收入", "工资", "薪资", "薪酬", "薪金", "房产价值", "房产估值", "财产状况",
                       "income", "salary", "deposit", "wage", "account_balance"),
                      r"(?<![0-9A-Za-z.,])[¥￥$]?-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?"
                      r"(?:\s*(?:元|万元|万|CNY|RMB))?(?![0-9A-Za-z.,])",
                      ("财政收入", "税收收入", "营业收入", "业务收入", "经营收入", "销售收入", "非税收入", "预算收入",
                       "库存余额", "预算余额", "短信余额", "流量余额", "余额宝",
                       # an organisation's 会计科目 and 统计 figures (R15f-26)
                       "工资总额", "应付工资", "应付职工薪酬", "科目余额", "单位存款", "企业存款", "对公存款")),
    # 征信, credit and loan records (GB/T 35273 Annex B: 信贷记录, 征信信息; 金融账户 in the TC260 guide)
    SensitiveCategory("cn_credit_record", "金融账户", "征信/信贷记录 credit or loan record",
                      ("征信", "信用记录", "信用报告", "信贷记录", "贷款记录", "贷款逾期", "逾期记录", "逾期情况",
                       "credit_record", "credit_report", "credit_history"),
                      f"[{_HAN}0-9]*(?:逾期|正常|良好|不良|关注|次级|可疑|损失|呆账|结清|欠款|失信|白户)[{_HAN}0-9]*"),
    # communication and browsing records (GB/T 35273 Annex B 其他: 通信记录和内容, 网页浏览记录): a
    # time, a number, a duration or an address visited
    SensitiveCategory("cn_communication_record", "通信记录", "通信/上网记录 communication or browsing record",
                      ("通话记录", "通话详单", "通信记录", "短信记录", "聊天记录", "上网记录", "浏览记录", "call_log",
                       "call_record", "browsing_history"),
                      r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])|(?<![0-9])(?:19|20)[0-9]{2}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}"
                      r"日?[ T]?[0-9]{1,2}[:时][0-9]{2}|[0-9]+\s*(?:秒|分钟|分|s)(?![A-Za-z])|https?://[^\s]+"),
    # sexual orientation (GB/T 35273 Annex B 其他)
    SensitiveCategory("cn_sexual_orientation", "性取向", "性取向 sexual orientation",
                      ("性取向", "性倾向", "sexual_orientation"),
                      f"(?<![{_HAN}])(?:异性恋|同性恋|双性恋|无性恋|泛性恋|男同|女同|LGBT)(?![{_HAN}])"),
)


#: Kinds by their categories that say whose a row is: a name, an ID number, a phone, an address (R15f-26).
PERSON_KINDS: Final = frozenset({"个人基本资料", "个人身份信息"})
#: Kinds that are a person's only in a table about people: 工资, 存款, 收入 of a unit's books are its own.
PEOPLE_ONLY: Final = frozenset({"cn_property"})
#: Words of a table name whose rows are people (职工工资表, 人员花名册, 个人存款明细).
_PEOPLE_TABLES: Final = ("个人", "人员", "职工", "员工", "居民", "花名册", "名单", "名册", "person", "people", "staff",
                         "employee", "resident")


def about_people(table: str, kinds: Iterable[tuple[str, str]]) -> bool:
    """Whether a table is about people: a column of ``kinds`` ((recognizer id, category) of its
    columns tagged or suspected) identifies a person, or its name says its rows are people. The
    kinds of PEOPLE_ONLY count in such a table only: 工资总额, 银行存款 and 应付工资 of a 单位 table
    are an organisation's accounts, no one's property (R15f-26)."""
    return any(category in PERSON_KINDS for _, category in kinds) or any(w in table.lower() for w in _PEOPLE_TABLES)


class _SensitiveByName(Recognizer):
    """A category of :data:`CATEGORIES`: context only, the name alone enough to suspect it."""

    pi_class = "sensitive"
    level = "G4"
    BY_NAME: ClassVar[bool] = True
    FLAGS = 0
    STRIP = ""
    TRIGGER = r"."

    def validate(self, candidate: str) -> str | None:
        """Any value of the vocabulary counts (it is the column's name that says what it is), but
        a naming word itself: 健康状况 and 犯罪记录 are column names, not a health state or a record.
        What is left of a value without its naming words must still be of the vocabulary:
        诊断为抑郁症 is a diagnosis, 疾病诊断 a heading."""
        rest = candidate
        for word in self.CONTEXT:
            if not word.isascii():
                rest = rest.replace(word, " ")
        if rest != candidate and not any(regex.search(rest) for _, regex in self._compiled):
            return None
        return f"{self.category} value under a column named so (no shape of its own)"


def _recognizer(row: SensitiveCategory) -> type[Recognizer]:
    attributes = {"__doc__": f"{row.entity}: {row.category} (PIPL art. 28), known by the column's name.",
                  "entity": row.entity, "category": row.category, "CONTEXT": row.context,
                  "CONTEXT_EXCEPT": row.except_,
                  "PATTERNS": (Pattern(f"{row.category} value", row.values, 0.4, context_only=True),)}
    cls = type(f"{row.ident.removeprefix('cn_').title().replace('_', '')}Recognizer", (_SensitiveByName,), attributes)
    return register(row.ident)(cls)


for _row in CATEGORIES:
    _recognizer(_row)
