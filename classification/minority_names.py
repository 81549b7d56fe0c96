"""Names without a Han surname: Tibetan, Uyghur and Mongolian names written in Chinese characters
(stage: classification; reference §5.7 person names; GB/T 35273-2020 Annex A 个人基本资料; issue 15
review R15g-6).

A Tibetan name is one or two name words (扎西, 次仁, 卓玛: 扎西次仁, 次仁卓玛), an Uyghur name the
person's name and the father's, written with a middle dot or, as most databases store them,
without one (买买提艾力, 阿不都热合曼), a Mongolian name one word or two (其其格, 斯琴高娃). None of
them opens with a listed surname, so the person-name recognizer's surname rule reads none of them:
a 西藏/新疆 roster under 姓名 was "no names", its ID numbers 3级 instead of 4级, and its names shown
in clear in file names and map keys. Such a name is read here as a run made wholly of common name
words (ELEMENTS, two characters or more each), two to eight characters long. A word of one
character (江, 汗) is too common in Chinese text to count alone: 江 (-jan) and 别克/拜克 (-bek)
count only glued to a Uyghur or Kazakh name word (买买提江, 努尔别克; 长江, 浙江 are no one:
ENDINGS). Kazakh names (叶尔兰, 努尔兰, 阿斯哈尔) are read so too (R15h-18).
"""

from __future__ import annotations

from functools import cache
from typing import Final

__all__ = ["ELEMENTS", "ENDINGS", "KAZAKH", "MONGOLIAN", "TIBETAN", "UYGHUR", "is_minority_name"]

#: Common name words (romanised: Tashi, Tsering, Drolma; Memet, Eli, Abdu, Rehman, Gul; Chichig,
#: Bater ...), as 公安 and 民政 registers write them in Chinese characters: Tibetan, Uyghur, Kazakh
#: and Mongolian (ELEMENTS, all of them).
TIBETAN: Final = frozenset("""
    扎西 次仁 卓玛 格桑 达瓦 达娃 尼玛 多吉 多杰 顿珠 旺堆 平措 索朗 索南 央金 拉姆 曲珍 德吉
    普布 边巴 巴桑 白玛 洛桑 丹增 旦增 益西 强巴 贡布 米玛 拉巴 欧珠 琼达 仓决 次旦 群培 罗布
    桑珠 嘉措 加措 措姆 玉珍 卓嘎 次珍 白珍 仁增 土登 才让 才旦 拉毛 东智 更登 尕藏 久美 晋美
    央宗 旺姆 次央 阿旺 朗杰 赤列 赤烈 加央 坚参 坚赞 顿堆 伦珠 仁青 嘎玛 噶玛 拉珍 巴珠 次吉
    旦巴 拉措 曲措 央吉 拉宗 边久 普赤 白央 桑布 德央 次拉 洛桑 卓玛吉 仁钦
    """.split())
UYGHUR: Final = frozenset("""
    买买提 麦麦提 艾力 阿力 阿不都 阿布都 阿卜杜 阿卜都 热合曼 古丽 阿依 艾买提 艾合买提 吐尔逊
    吐尔洪 图尔荪 努尔 阿力木 阿里木 依明 玉素甫 玉苏甫 尼亚孜 肉孜 艾则孜 热依拉 帕提 帕提曼
    再努尔 米娜瓦尔 阿尔祖 迪丽 热巴 古力 巴哈尔 阿迪力 亚森 亚生 牙生 伊力 哈力克 克里木 卡德尔
    吾斯曼 托合提 库尔班 色买提 斯迪克 塔依尔 吾买尔 沙吾提 达吾提 阿卜拉 阿巴斯 加帕尔 买合木提
    排尔哈提 祖丽 阿米娜 海力且木 布再娜甫 热孜万 阿娜尔 阿孜 萨迪克 伊斯拉木 艾尼 赛买提 如克亚
    热娜 苏力坦 居马 哈斯木 木拉提 阿合买提 艾山 艾尔肯 艾克拜尔 买合苏提 热汗 古丽娜 阿依夏 帕夏
    阿依努尔 巴图尔 凯赛尔 穆罕默德 穆塔里甫 米热 麦尔丹 吾守尔 尤努斯 热西提 吐送 买吐送 阿卜力孜
    阿不都拉 热合木 努尔古丽 阿不来提 阿布来提 依力哈木 艾克热木 吐逊 乃比 居来提 热依汗 迪丽拉
    迪丽努尔 再娜甫 阿依仙木 阿瓦 玛依拉 木合塔尔 阿布力克木 吐尔地 米吉提 艾海提 阿布拉
    """.split()) | frozenset((
        # R15h-18: Enwer, Perhat (艾尼瓦尔江, 帕尔哈提江 with their -jan), and the Chinese spellings
        # of Memet, Abdu and Rehim that records of one person vary between (买买提/麦麦提/玛玛提,
        # 阿卜杜/阿不都/阿布杜, 热依木/热衣木): common transliterations, the reviewer's list extended
        "艾尼瓦尔", "安尼瓦尔", "帕尔哈提", "帕尔哈特", "玛玛提", "阿布杜", "热依木", "热衣木", "买买提明", "麦麦提敏",
        # R15i-14: Gulmira (古丽米拉) and Halmurat (哈力木拉提), 米拉 and 哈力 with the words they go with
        "米拉", "哈力"))
#: Kazakh name words (R15h-18), in their common Chinese transliterations: Erlan, Nurlan, Erzhan,
#: Erken, Erbolat, Bolat, Askhar, Askar, Halim, Zhanar, Aidana, Serik, Kanat, Hanat, Daulet, Ersin,
#: Nurzhan, Zhazira, Bakhyt (努尔 of Nurbek is a Uyghur word too).
KAZAKH: Final = frozenset("""
    叶尔兰 努尔兰 叶尔江 叶尔肯 叶尔波拉提 波拉提 阿斯哈尔 阿斯卡尔 哈力木 加娜尔 阿依达娜 赛力克 卡那提 哈那提
    达吾列提 叶尔森 努尔江 加孜拉 巴合提
    """.split())
MONGOLIAN: Final = frozenset("""
    其其格 巴特尔 乌力吉 额尔敦 宝音 图雅 苏和 那仁 斯琴 高娃 朝鲁 孟和 巴雅尔 额尔德尼 格日勒
    萨仁 阿拉坦 敖其尔 布和 吉日嘎拉 娜仁 毕力格 特木尔 巴图 达来 那顺 哈斯 满都拉 德力格尔 其木格
    萨日娜 阿拉腾 巴根 陶克陶 乌日娜 塔娜 敖登 额尔登 宝力道 苏日娜 朝克图 乌云 图力古尔 格根
    阿日斯楞 吉雅 萨如拉 其勒木格 托娅 策登 呼斯楞 赛音 吉木斯 那木吉拉 额尔德木图 图门 乌兰
    """.split())
ELEMENTS: Final = TIBETAN | UYGHUR | KAZAKH | MONGOLIAN
#: What Uyghur and Kazakh names put after a name word, glued on: -jan/-zhan, a term of endearment
#: (艾力江, 买买提江, 叶尔江), and the Kazakh -bek (努尔别克, 吐尔逊拜克). Only after a Uyghur or Kazakh
#: name word: alone or after any other word 江 ends rivers and places (长江, 浙江, 丽江, 九江).
ENDINGS: Final = ("江", "别克", "拜克")
_TURKIC: Final = UYGHUR | KAZAKH
#: The longest element, in characters: how far a split looks ahead.
_LONGEST: Final = max(len(e) for e in ELEMENTS)


def is_minority_name(token: str) -> bool:
    """Whether ``token`` (2-8 Chinese characters, no middle dot) is made wholly of name words of
    ELEMENTS (扎西次仁 = 扎西 + 次仁, 阿依古丽 = 阿依 + 古丽, 其其格), a Uyghur or Kazakh one with an
    ending of ENDINGS glued on (买买提江艾力 = 买买提 + 江 + 艾力)."""
    return 2 <= len(token) <= 8 and _splits(token)


@cache
def _splits(token: str) -> bool:
    """Whether ``token`` is a sequence of ELEMENTS, each Uyghur or Kazakh one with an ending or not
    (memoised: a name is short, the split shallow)."""
    if not token:
        return True
    for n in range(2, min(_LONGEST, len(token)) + 1):
        word = token[:n]
        if word in ELEMENTS and _splits(token[n:]):
            return True
        if word in _TURKIC and any(token.startswith(e, n) and _splits(token[n + len(e):]) for e in ENDINGS):
            return True
    return False
