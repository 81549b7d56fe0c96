"""Code tables the Chinese recognizers validate against (stage: classification).

Tables, not if-chains (STYLE.md): region prefixes (GB/T 2260 first two digits), mobile number
segments (MIIT allocation as listed in shared/reference/classification.md §5.4), card issuer
prefixes (ISO/IEC 7812 IINs), licence-plate province characters (GA 36-2018), and the surname
list the name recognizer starts from. The reference marks some of these [U]; each table says
what it was built from so that a reviewer can correct one row without reading code.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "PROVINCE_CODES", "MOBILE_PREFIXES", "CARD_ISSUERS", "PLATE_PROVINCES", "SINGLE_SURNAMES",
    "COMPOUND_SURNAMES", "ADDRESS_UNITS", "ADDRESS_REGIONS", "NOT_NAMES", "TRADITIONAL_SURNAMES", "card_issuer",
]

#: First two digits of a GB/T 2260 region code (§5.1): provinces, 71 Taiwan, 81/82/83 the
#: residence permits of Hong Kong, Macau and Taiwan residents. The 6-digit code itself is not
#: required to exist today: abolished counties keep their codes on people's cards.
PROVINCE_CODES: Final = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})

#: Three-digit mobile segments in use (China Mobile, Unicom, Telecom, Broadnet 192, MVNO 162/165/
#: 167/170/171, data-only 145/146/147/149). Not used for 11-digit voice numbers: 140-144, 148,
#: 154, 160, 161, 163, 164, 168, 169, 179, 194 (IoT numbers there are 13 digits long).
MOBILE_PREFIXES: Final = frozenset(
    {f"13{d}" for d in range(10)}
    | {"145", "146", "147", "149"}
    | {"150", "151", "152", "153", "155", "156", "157", "158", "159"}
    | {"162", "165", "166", "167"}
    | {"170", "171", "172", "173", "175", "176", "177", "178"}
    | {f"18{d}" for d in range(10)}
    | {"190", "191", "192", "193", "195", "196", "197", "198", "199"}
)

#: Card issuers by IIN prefix range: (low, high, lengths, scheme). Ranges compare the first
#: len(low) digits. UnionPay 62 and 60 are the domestic BINs (16-19 digits); 9 is the legacy
#: domestic range (19 digits, e.g. 9558 ICBC, 9559 ABC).
CARD_ISSUERS: Final[tuple[tuple[str, str, frozenset[int], str], ...]] = (
    ("62", "62", frozenset({16, 17, 18, 19}), "UnionPay"),
    ("60", "60", frozenset({16, 19}), "UnionPay/Discover"),
    ("65", "65", frozenset({16, 19}), "Discover"),
    ("4", "4", frozenset({13, 16, 19}), "Visa"),
    ("51", "55", frozenset({16}), "Mastercard"),
    ("2221", "2720", frozenset({16}), "Mastercard"),
    ("34", "34", frozenset({15}), "American Express"),
    ("37", "37", frozenset({15}), "American Express"),
    ("3528", "3589", frozenset({16, 17, 18, 19}), "JCB"),
    ("300", "305", frozenset({14}), "Diners Club"),
    ("36", "36", frozenset({14}), "Diners Club"),
    ("9", "9", frozenset({19}), "domestic (legacy)"),
)


#: The rows of CARD_ISSUERS by first digit (every range's ends share theirs), in table order.
_ISSUERS_BY_DIGIT: Final = {d: tuple(row for row in CARD_ISSUERS if row[0][0] == d) for d in "0123456789"}


def card_issuer(number: str) -> str | None:
    """The scheme whose IIN range and lengths fit ``number`` (digits only), or None."""
    for low, high, lengths, scheme in _ISSUERS_BY_DIGIT.get(number[:1], ()):
        if len(number) in lengths and low <= number[:len(low)] <= high:
            return scheme
    return None


#: Licence-plate province abbreviations (GA 36-2018).
PLATE_PROVINCES: Final = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

#: The most common single-character surnames (about 85 % of the population) and the compound
#: ones the reference lists (§5.7).
SINGLE_SURNAMES: Final = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆"
    "朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫"
    "杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
    "闭由傅洪赖萧阎禤宓綦钮"
)
COMPOUND_SURNAMES: Final = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "令狐", "端木", "独孤", "南宫", "西门", "万俟", "闻人", "赫连", "澹台", "公冶", "宗政", "濮阳", "太叔",
    "申屠", "轩辕", "呼延", "钟离", "百里", "东郭", "拓跋", "完颜", "司空", "第五",
})

#: The traditional forms (繁体, as Big5 and 港澳台 records write them) of the characters of the
#: surnames above whose simplified form differs (通用规范汉字表 2013, its 繁简对照): traditional ->
#: simplified. The same surnames, not more: a name is folded through it before the surname test.
TRADITIONAL_SURNAMES: Final = {ord(pair[0]): pair[1] for pair in (
    "張张 劉刘 陳陈 楊杨 黃黄 趙赵 吳吴 孫孙 馬马 羅罗 鄭郑 謝谢 許许 韓韩 馮冯 鄧邓 葉叶 蘇苏 "
    "盧卢 蔣蒋 呂吕 鍾钟 譚谭 陸陆 賈贾 韋韦 鄒邹 閆闫 龍龙 賀贺 顧顾 龔龚 萬万 錢钱 嚴严 湯汤 "
    "溫温 齊齐 喬乔 龐庞 顏颜 莊庄 聶聂 魯鲁 歐欧 關关 蘭兰 寧宁 紀纪 畢毕 單单 駱骆 藍蓝 鮑鲍 "
    "華华 饒饶 陽阳 時时 農农 繆缪 簡简 車车 項项 連连 蘆芦 麥麦 婁娄 竇窦 黨党 費费 衛卫 應应 "
    "閔闵 鄔邬 邊边 師师 欒栾 榮荣 叢丛 鞏巩 遲迟 鄺邝 談谈 荊荆 樂乐 儲储 勞劳 諶谌 藺蔺 樓楼 "
    "盤盘 滿满 聞闻 厲厉 區区 闞阚 權权 強强 帥帅 蓋盖 練练 豐丰 國国 計计 晉晋 門门 雲云 來来 "
    "闕阙 烏乌 況况 鮮鲜 諸诸 戰战 銀银 賓宾 陰阴 堯尧 閉闭 賴赖 蕭萧 閻阎 宮宫 "
    # characters of the compound surnames only (東方, 長孫, 鍾離, 軒轅, 獨孤, 澹臺)
    "東东 長长 離离 軒轩 轅辕 獨独 臺台").split()}

#: Words that start with a surname but are not names (Presidio issue #889's traps and others
#: met in column values): a cell equal to one of these is never a name.
NOT_NAMES: Final = frozenset({
    "一万", "万一", "李子", "王者", "王者荣耀", "高度", "黄金", "周末", "于是", "高兴", "高级", "周期", "方法",
    "方便", "方面", "文件", "文化", "明天", "明白", "安全", "安装", "安排", "金额", "金融", "石油", "林业",
    "马上", "白色", "黄色", "江河", "常规", "常用", "平安", "平台", "平均", "国家", "国际", "计划", "计算",
    "管理", "管理员", "信息", "信用", "成功", "成本", "全部", "全国", "和平", "时间", "时代", "应用", "连接",
    "都市", "元旦", "宁波", "海关", "海南", "云南", "华为", "江苏", "山东", "温度", "左侧", "车辆", "车主",
    "通过", "正常", "未知", "男", "女", "公司", "公安", "公开", "董事", "董事长", "程序", "程序员", "宋体",
    "项目", "商品", "商户", "曲线", "路由", "路径", "关闭", "关于", "师傅", "开发", "司机", "单位", "包装",
    "甘肃", "吉林", "贵州", "湖南", "广西", "宁夏", "苏州", "杭州", "常州", "温州", "余额", "申请", "申报",
})

#: Administrative units of an address, province down to village (GB/T 2260 naming).
ADDRESS_REGIONS: Final = ("省", "自治区", "市", "自治州", "盟", "地区", "区", "县", "旗", "镇", "乡", "街道", "村")
#: Street-level and building-level units: an address names at least one of these.
ADDRESS_UNITS: Final = ("路", "街", "巷", "弄", "道", "号", "栋", "幢", "单元", "室", "楼", "座", "组", "社区", "小区",
                         "大厦")
