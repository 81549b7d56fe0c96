"""Ordinary words of offices' file names that open with a surname character, and the record words a
worker's file puts after a name (stage: classification; issue 15 reviews R15k-2, R15n-3): for
identifier_names, which masks the person's names inside file, sheet and table names.

11ceece made a worker's record words (工作, 排班, 记录, 日志, 记账 ...) end a name wherever they
stand, and read a name after a role word whatever follows it: the words of a finance, 纪检 or
village office before them were read as names (国庆排班 -> 国**排班, 纪检工作, 银行日记账 -> 银**记账,
村长田间管理 -> 村长田**理; R15n-3)."""

from __future__ import annotations

from typing import Final

__all__ = ["NAMES_AS_WORDS", "OFFICE_WORDS", "OPENING_WORDS", "RECORD_WORDS"]

#: What a worker's or a case's own file is after the name (护林员彭丽巡护日志, 村长王建国讲话,
#: 司机张强出车记录, 信访人黄国平诉求: R15k-2); identifier_names.FOLLOWS holds them.
RECORD_WORDS: Final = ("巡查", "巡护", "工作", "讲话", "讲解", "排班", "调解", "收入", "出车", "记账", "月报", "周报",
                       "负责", "经手", "诉求", "日志", "记录")
#: Ordinary words that open with a surname character and name no one: an office's work and seasons
#: (普法, 纪检, 商贸, 车间, 农忙; 国庆排班, 纪检工作: R15n-3), and what a village's, a school's and a
#: finance office's files are about after a role word (田间管理, 任命文件, 林下经济, 公章使用, 简报,
#: 钟点工, 严管, 白菜, 黄豆 ...: the role probe of R15n-3). identifier_names.WORDS holds them.
OFFICE_WORDS: Final = frozenset("""
    普法 纪检 商贸 车间 农忙 农闲 田间 任命 林下 童年 公章 简报 钟点 严管 白菜 黄豆 黄瓜 黄酒 白酒 花生 甘蔗
    桑蚕 兰花 柳树 杨树 牛羊 公司 机房 机关
    """.split())
#: Words that open a longer word, never a name before a record word (银行日记账, 现金日记账: 银行日 read
#: as a name before 记账, R15n-3).
OPENING_WORDS: Final = frozenset({"银行", "现金"})
#: Words that are names too (高峰, 杨梅; 国庆, 夏季, 高温): a name at a run's end or before a FOLLOWS
#: word (户主高峰.csv), a word before words no list holds (人员高峰时段, 监督员杨梅采摘, 户主杨梅种植:
#: R15k-1, R15k-6), and before a record word a name only after a role word (网格员高峰巡查; 国庆排班,
#: 夏季工作计划, 高峰排班: R15n-3).
NAMES_AS_WORDS: Final = frozenset({"高峰", "杨梅", "国庆", "夏季", "高温"})
