"""Person names inside the names of things: JSON keys, column headings, sheets, tables, files and
folders (stage: classification; reference §8, issue 15: masking "never reveals more than the rule
says").

Per-person exports name things after their person: a phone book dumped as ``{name: phone}``, a
workbook of one 登记表 per sheet named 孙芳军, folders 个人档案/张三丰/, files 王五.csv and
赵六家庭成员.csv, a SQLite table 王小明 (R15e-8, R15e-10, R15e-11). Such a name is data and is shown
as values are, by the ``name`` rule (张**). Headings are words, though, and many open with a
surname character: 修改人, 母亲, 车牌号, 花名册, 明细 (R15e-19): a token is a person's name only when
the name recognizer validates it (a listed surname, not a common word: cn_codes.NOT_NAMES) and it
is no field word (FIELD_WORDS, a recognizer's own context word, or a word ending in a character
given names do not end in: FIELD_ENDINGS). A place is no name either: a run ending in an
administrative unit (萧山区, 李庄镇, 王家村, 张家港: PLACE_ENDINGS, GB/T 2260 naming) or a known place
written without one (江北, 沈阳, 常熟: PLACES), nor is an ordinary word (原始, 封面, 司法: WORDS); the
inventory showed folders of 各乡镇 as 江**, 李** (R15f-23) and read a map keyed by villages as a map of
people (R15f-29). Inside a longer run a name is found at any position that a file name puts one
(R15f-9): at the run's start or after a year, a date, 关于, 第三组, 给予 (LEADS), a kin or role word
(低保户, 户主, 被执行人, 长子, 特困人员, 残疾人, 老伴, 侄子: ROLE_LEADS and the name recognizer's
headings, themselves no names), a place (龙游县王小明, 萧山王小明: UNIT_LEADS, PLACES; R15h-17; no name
opens at a unit: 柯城区低保 is a place and a word, R15g-25) or another name, and
before a word of a per-person document (家庭成员, 档案, 的, 身份证, 简历, 申请, 同志 ...: FOLLOWS), the
run's end, 户/家 ending it (张建国家, 第三组王小明户: RUN_ENDS) or another name (王小明李四; R15g-5);
after a role word (ROLE_LEADS, role_titles: 护林员, 村长, 会计) whatever follows it (护林员彭丽巡护日志,
村长王建国讲话: R15k-2), unless a word opens there (网格员周报, 当事人权利义务).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import govsoc.classification.recognizers  # noqa: F401  (the registry, filled)
from govsoc.classification.cn_codes import COMPOUND_SURNAMES
from govsoc.classification.gapped_names import masked, masked_across_gaps
from govsoc.classification.han import GAP, HAN
from govsoc.classification.household_categories import ends_in_category
from govsoc.classification.kin_given_names import KIN_AFTER, KIN_NAMED, ZI_GIVEN
from govsoc.classification.minority_names import is_minority_name
from govsoc.classification.recognizer import recognizers
from govsoc.classification.recognizers.person import PersonNameRecognizer
from govsoc.classification.remark_words import opens_remark
from govsoc.classification.role_titles import ROLE_SHAPES, ROLE_TITLES
from govsoc.classification.titled_names import (
    APPOINTMENT_DOCUMENTS,
    APPOINTS,
    FORMS,
    document_word_at,
    name_before_title,
)

__all__ = ["FIELD_WORDS", "FIELD_ENDINGS", "TAILS", "FOLLOWS", "LEADS", "ROLE_LEADS", "ROLE_SHAPES", "ROLE_TITLES",
           "UNIT_LEADS",
           "RUN_ENDS",
           "PLACES", "PLACE_ENDINGS", "WORDS",
           "is_field_word", "is_person_name", "is_place", "mask_person_names"]

#: Headings and file words that open with a surname character and are no one's name: kin and
#: roles a roster has a column for (R15e-19), and the words of registers' file and sheet names.
FIELD_WORDS: Final = frozenset({
    "母亲", "父亲", "配偶", "子女", "儿子", "女儿", "妻子", "丈夫", "祖父", "祖母", "外公", "外婆", "兄弟", "姐妹",
    "花名册", "明细", "党员", "党费", "党建", "宗教", "民族", "籍贯", "车牌", "房屋", "房产", "卫生", "应急",
    "安置", "计生", "国土", "农户", "农业", "贫困户", "低保", "汇总", "统计", "名单", "清单", "台账", "常住",
    "户籍", "人口", "成员", "居民", "职工", "干部", "学生", "教师", "学籍", "邮箱", "备注", "简历", "政审",
    "关系", "国籍", "原因", "原籍", "文化", "党派", "宗教信仰", "华侨",
    # a grid's and a village's duties (网格员包联户, 上访户包保责任: R15j-8)
    "包联", "包保", "包片",
    # the criminal-record recognizer's own headings, which hold its value shape (…罪…): R15f-28
    "罪名", "涉嫌罪名", "罪行", "案由",
})
#: Last characters of headings (修改人, 操作员, 申请者, 车牌号, 房号, 学历, 类别 ...) that end no given
#: name in common use: a token ending in one is a word, not a name; and the last characters of
#: institutions a place names before them (高新区文联, 城关镇文化馆, 龙游县边检站, 公墓: R15h-17).
FIELD_ENDINGS: Final = frozenset("人员者号码牌址型类别期额数率况注称部局委办所处院校表册单库录簿档案料历证态龄"
                                 "联社馆站墓厂店场队")
#: Words that follow a person's name in a per-person file, folder or sheet name (赵六家庭成员.csv,
#: 张三丰档案, 王五的材料): the name before them is masked.
TAILS: Final = ("家庭成员", "家庭", "家属", "一家", "档案", "材料", "资料", "信息", "个人", "户籍", "的")
#: Words that follow a person's name in a per-person document's file name (王小明身份证复印件.csv,
#: 张三申请表.xlsx, 关于王小明同志的考察材料.csv, R15f-9): TAILS and these.
FOLLOWS: Final = TAILS + (
    "同志", "先生", "女士", "身份证", "户口", "复印件", "申请", "简历", "履历", "工资", "考察", "登记", "述职", "病历",
    "体检", "社保", "医保", "劳动", "合同", "结婚", "离婚", "照片", "银行", "流水", "来访", "投诉", "请假", "处分",
    "证明", "任免", "审批", "入党", "考核", "奖惩", "学历", "毕业", "死亡", "出生", "护照", "驾驶证", "房产证",
    "不动产", "征信", "缴费", "报销", "借款", "欠款", "起诉", "判决", "笔录", "询问", "举报", "信访", "和", "与", "及",
    "名下", "案件", "事迹", "情况",
    # 王小明等3人低保审批: 等 (and others) after the first name of a list (R15i-16)
    "等",
    # what 民政 and 残联 files are about a person for (王小明低保申请.csv, 李四救助审批表: R15h-17)
    "低保", "特困", "五保", "救助", "补助", "补贴", "慰问", "帮扶", "扶贫", "抚恤", "优抚", "残疾", "困难", "养老",
    "临时", "走访", "入户", "核查", "家访",
    # a form's sign-off after the name of who signs it (经办人李建国审核意见, 本人王小明承诺: R15i-10, a
    # label of a 审批表 kept as a field name)
    "审核", "审查", "意见", "签字", "签名", "签章", "盖章", "承诺", "确认", "核实", "批准", "同意", "填报", "填写",
    "声明", "授权", "委托",
    # what a 民政 file lists for a benefit or a duty (临时救助金发放, 岳父母赡养: R15j-8)
    "发放", "赡养",
    # a duty's or an office's record, after a role or a name (驾驶员周检, 护理员周排班, 公职人员廉政档案,
    # 主任信箱, 书记员金句, 讲解员李娜解说词): words that open with a surname, no name (R15k-1)
    "廉政", "周检", "周记", "周转", "周排班", "周例会", "金句", "范围", "严查", "胡同", "任务", "信箱", "宣言",
    "安全帽", "黄标车", "解说词", "周考核",
    # what a worker's or a case's own file is after the name (护林员彭丽巡护日志, 村长王建国讲话,
    # 司机张强出车记录, 信访人黄国平诉求: R15k-2); the name before one masked to its end
    "巡查", "巡护", "工作", "讲话", "讲解", "排班", "调解", "收入", "出车", "记账", "月报", "周报", "负责", "经手",
    "诉求", "日志", "记录",
    # what an appointment's file holds after the name (任命书王建国谈话记录, 聘书李明公示: R15r-6)
    "谈话", "公示", "备案")
#: What precedes a person's name inside a file name: a year or date (2024年王小明…), 关于, a group,
#: a decision's verb (关于给予王小明同志…处分的决定), a kin or role word (ROLE_LEADS).
LEADS: Final = ("年", "月", "日", "度", "关于", "组", "班", "队", "第", "的", "和", "与", "及", "致", "给", "给予",
                "授予", "对")
#: Kin and role words that a file, sheet or table name puts right before a person's name
#: (低保户王小明.csv, 户主王小明家庭.csv, 被执行人王五.xlsx; R15g-5), beside the name recognizer's
#: own headings (申请人, 户主, 监护人 ...: PersonNameRecognizer.CONTEXT).
ROLE_LEADS: Final = (
    "妻子", "丈夫", "儿子", "女儿", "父亲", "母亲", "配偶", "爱人", "之子", "之女", "孙子", "孙女", "儿媳", "女婿",
    "长子", "长女", "次子", "次女", "三子", "三女", "幼子", "幼女", "养子", "养女", "继子", "继女", "其父", "其母",
    "其妻", "其夫", "其子", "其女", "岳父", "岳母", "公公", "婆婆", "哥哥", "姐姐", "弟弟", "妹妹", "前妻", "前夫",
    "低保户", "五保户", "特困户", "贫困户", "困难户", "边缘户", "监测户", "脱贫户", "优抚对象", "被执行人",
    "被申请人", "被监护人", "被告人", "被告", "原告", "第三人", "嫌疑人", "罪犯", "死者", "村民", "居民", "党员",
    "本人", "经办人", "审核人", "审批人", "填表人", "签字人",
    # kin of 《民法典》 第1045条 (近亲属: 祖父母, 外祖父母, 孙子女, 外孙子女), 第1072条 (继父母, 继子女),
    # 第1111条 (养父母), 第1128条 (a sibling's children: 侄, 甥), 第1129条 (丧偶儿媳, 女婿), as people
    # write them (老伴, 爷爷, 姥姥): a file names a member of a household so (R15h-17)
    "老伴", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆", "姥姥", "姥爷", "外孙", "外孙女",
    "外孙子", "孙子女", "外孙子女", "曾孙", "侄子", "侄女", "外甥", "外甥女", "继父", "继母", "养父", "养母",
    "兄长", "胞兄", "胞弟",
    "胞姐", "胞妹", "堂兄", "堂弟", "堂姐", "堂妹", "表兄", "表弟", "表姐", "表妹", "叔叔", "伯父", "伯母", "婶婶",
    "舅舅", "舅妈", "姑姑", "姑父", "姨妈", "姨父", "嫂子", "弟媳", "姐夫", "妹夫", "未婚妻", "未婚夫", "亡夫",
    "亡妻", "遗孀", "丈人",
    # the people 民政, 残联, 退役军人事务 and 乡村振兴 registers are kept for (社会救助暂行办法: 低保,
    # 特困人员, 临时救助; 残疾人保障法; 军人抚恤优待条例: 优抚对象; 建档立卡 and 监测 households):
    # a file names one so (特困人员王小明.csv, 残疾人李建国档案.xlsx: R15h-17)
    "低保对象", "低保边缘户", "特困人员", "特困供养人员", "供养人员", "孤儿", "困境儿童", "留守儿童", "留守老人",
    "空巢老人", "独居老人", "高龄老人", "失能老人", "残疾人", "重度残疾人", "残疾儿童", "退役军人", "复员军人",
    "转业军人", "伤残军人", "军属", "烈属", "烈士家属", "精准扶贫户", "建档立卡户", "扶贫户", "困难职工",
    "困难群众", "困难家庭", "失独家庭", "失独老人", "零就业家庭", "单亲家庭", "救助对象", "帮扶对象",
    "慰问对象", "受助人员", "流浪乞讨人员", "刑满释放人员", "社区矫正对象",
    # the rest of 社会救助暂行办法 (医疗, 临时 ... 救助; 低收入人口 of 2023's 低收入人口动态监测), 民政's
    # children and elders (事实无人抚养儿童, 孤寡老人), 计生 特别扶助, 信访条例's 信访人, 禁毒法's
    # 吸毒人员, a village's and a grid's workers, tenants and landlords (R15i-2: 13 of 31 in clear)
    "临时救助", "医疗救助", "教育救助", "住房救助", "就业救助", "受灾救助", "低收入人口", "低收入户",
    "事实无人抚养儿童", "孤寡老人", "五保老人", "计生特扶户", "特扶对象", "独生子女户", "信访人", "信访户",
    "上访户", "上访人", "上访人员", "吸毒人员", "戒毒人员", "涉毒人员", "重点人员", "精神障碍患者", "患者", "病人",
    "服刑人员", "安置帮教对象", "志愿者", "村干部", "网格员", "租户", "承租人", "出租人", "房东", "房主",
    "流动人口", "外来人员", "务工人员", "农民工",
    # 防止返贫监测 (脱贫人口, 监测对象), a birth's and a pension's registers (新生儿, 退休职工: R15p-5)
    "脱贫人口", "易返贫致贫人口", "监测对象", "新生儿", "退休职工", "在职职工", "下岗职工")
#: Units of GB/T 2260 and of villages that end a place's name: a person's name may follow one in a
#: file name (龙游县王小明低保申请.csv, 城关镇李四.csv; R15h-17): the place does not hide it.
UNIT_LEADS: Final = ("省", "市", "区", "县", "旗", "盟", "州", "镇", "乡", "村", "街道", "社区", "嘎查", "苏木")
#: Single characters that end a run right after a person's name: his household or family
#: (第三组王小明户.csv, 张建国家.csv; R15g-5).
RUN_ENDS: Final = ("户", "家")
#: Last characters (and words) of administrative units, GB/T 2260 naming down to villages: a run
#: ending in one is a place (萧山区, 李庄镇, 王家村, 马家湾, 张家港), never a name (R15f-23).
PLACE_ENDINGS: Final = ("省", "市", "区", "县", "镇", "乡", "村", "庄", "屯", "港", "湾", "旗", "盟", "州", "坝", "桥",
                        "寨", "堡", "营", "沟", "街道", "社区", "嘎查", "苏木")
#: Places written without their unit that open with a surname character: provinces, cities,
#: districts and counties as folders of 各区县/各乡镇 name them (江北, 沈阳, 常熟, 萧山).
PLACES: Final = frozenset("""
    江北 江宁 江门 江阴 江津 江都 江夏 江汉 江岸 江干 江油 江山 沈阳 沈河 常熟 常德 常州 秦淮 秦皇岛 吴江 吴中 吴兴
    萧山 余杭 余姚 海淀 海口 海宁 海门 海安 海盐 海珠 海曙 海沧 海城 海陵 郑州 周口 周至 黄山 黄石 黄冈 黄埔 黄浦 黄陂
    黄岩 金华 金山 金昌 金牛 金水 金平 金湾 马鞍山 石家庄 石景山 石嘴山 石狮 张家港 张家口 张家界 张掖 徐家汇 徐州
    徐汇 徐闻 南京 南昌 南宁 南通 南充 南阳 南平 南山 南岸 南沙 南海 南开 南湖 南浔 昆明 昆山 包头 鞍山 抚顺 本溪
    丹东 锦州 营口 阜新 阜阳 辽阳 辽宁 盘锦 铁岭 朝阳 长春 长沙 长治 长宁 长寿 长安 吉林 吉安 四平 辽源 通化 白山
    松原 白城 延吉 延安 延庆 哈尔滨 齐齐哈尔 鸡西 鹤岗 鹤壁 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 连云港
    淮安 淮南 淮北 盐城 扬州 镇江 泰州 泰安 宿迁 宿州 宁波 宁德 宁夏 嘉兴 湖州 绍兴 衢州 舟山 台州 丽水 丽江 合肥
    芜湖 蚌埠 铜陵 铜川 铜仁 安庆 安阳 安顺 安康 安徽 滁州 六安 亳州 池州 宣城 福州 福田 厦门 莆田 三明 泉州 漳州
    龙岩 龙岗 龙华 龙湾 龙泉驿 景德镇 萍乡 九江 新余 鹰潭 赣州 宜春 宜昌 宜宾 宜兴 抚州 上饶 济南 济宁 青岛 淄博
    枣庄 东营 烟台 潍坊 威海 日照 临沂 德州 德阳 聊城 滨州 菏泽 开封 洛阳 平顶山 平凉 平谷 新乡 焦作 濮阳 许昌 漯河
    三门峡 商丘 商洛 信阳 驻马店 武汉 武威 武侯 十堰 襄阳 鄂州 荆门 荆州 孝感 咸宁 咸阳 随州 恩施 株洲 湘潭 衡阳
    衡水 邵阳 岳阳 益阳 郴州 永州 永川 永康 怀化 怀柔 娄底 广州 广元 广安 韶关 深圳 珠海 汕头 汕尾 佛山 湛江 茂名
    肇庆 惠州 梅州 河源 阳江 阳泉 清远 东莞 中山 潮州 揭阳 云浮 柳州 桂林 梧州 北海 防城港 钦州 贵港 贵阳 玉林 玉溪
    百色 贺州 河池 来宾 崇左 崇明 三亚 儋州 成都 成华 自贡 攀枝花 泸州 绵阳 遂宁 内江 乐山 乐清 眉山 达州 雅安 巴中
    巴南 资阳 六盘水 遵义 毕节 曲靖 保山 保定 昭通 普洱 临沧 拉萨 西安 宝鸡 宝安 宝山 渭南 汉中 榆林 兰州 嘉峪关
    白银 白云 天水 酒泉 庆阳 定西 陇南 西宁 银川 吴忠 固原 中卫 乌鲁木齐 克拉玛依 吐鲁番 哈密 太原 大同 晋城 晋中
    朔州 运城 忻州 临汾 吕梁 呼和浩特 乌海 赤峰 通辽 通州 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 唐山 邯郸 邢台 承德
    沧州 廊坊 北京 上海 天津 重庆 河北 山西 江苏 浙江 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西
    甘肃 青海 台湾 内蒙古 广西 西藏 新疆 香港 澳门 丰台 东城 西城 顺义 昌平 大兴 房山 密云 门头沟 浦东 静安 普陀
    虹口 杨浦 闵行 嘉定 松江 青浦 奉贤 鼓楼 玄武 建邺 栖霞 雨花台 六合 溧水 高淳 相城 姑苏 太仓 上城 拱墅 西湖
    滨江 临平 钱塘 富阳 临安 桐庐 淳安 建德 义乌 东阳 慈溪 诸暨 柯桥 上虞 温岭 临海 瑞安 鹿城 瓯海 渝中 合川 沙坪坝
    九龙坡 北碚 万州 涪陵 黔江 綦江 锦江 青羊 双流 郫都 温江 新都 天河 越秀 荔湾 番禺 花都 从化 增城 罗湖 坪山 盐田
    高新 经开 城关 城厢 城中 城东 城西 城南 城北 石门 石桥 高港 华龙 沙湾 秀英 兴山 锡山 龙潭 滨城 东丽 高坪 西夏
    """.split())
#: Ordinary words that open with a surname character, as file, sheet and folder names hold them:
#: never a name (原始数据, 封面, 司法 ..., R15f-23).
WORDS: Final = frozenset("""
    原始 原件 原表 原稿 原版 封面 封底 封存 封闭 司法 严重 严格 陆地 陆续 钱款 钱粮 黄页 蓝图 蓝皮书 白皮书 白名单
    高中 高校 高龄 高层 全体 全员 全年 全部 常用 常住 常见 初稿 初审 初始 初中 初级 修订 修改 修缮 公示 公告 公共 公众
    公务 公积金 公用 公路 宣传 武装 危房 危险 危化 冷链 冷库 银行 银联 查询 查验 查处 查封 商务 商业 商铺 门禁 门户
    门诊 门牌 施工 支出 支付 支部 支援 信访 信贷 信函 智慧 智能 幸福 居家 居住 居委 明细 备份 副本 普查 普通 台账
    汇总 万元 金库 钱包 雷达 雷电 龙头 海洋 海域 云端 景点 向导 花卉 沙盘 齐全 申诉 申领 国有 国资 国库 相关 相片
    容量 敬老 来访 来电 宿舍 印章 印发 战略 战备 玉米 利润 利息 利率 干线 元数据 展示 展览 富民 安居 康复 康养
    卫计 成绩 成果 路线 路灯 管网 管线 党政 党委 党员 农村 农户 水利 文旅 文明 易燃 吉祥 包干 晋升 计生 和谐 宁静
    单价 单元 单号 方向 方式 海拔 高程 来源 支行 支队 白班 时长 时段 时效 周次 应发 应扣 应缴 应税 平时 平方 计量
    曾用名 班次 班组 毕业 费用 费率 区域 区划 楼栋 楼层 房间 房源 季度 车位 车次 车速 余量 付款 和值 和约 安检 边检
    边界 宗族 宗地 解除 解决 解释 解析 童装 雷击 向量 祖籍 祖先 伍长 龙舟 谷物 盛装 曲目 苗木 路段 游客 辛苦 管道
    柴油 蒙文 鲍鱼 喻义 蒲公英 屈光 饶恕 牟利 艾滋 尤其 阳性 穆斯林 农药 卓越 古籍 吉日 简介 项次 连续 芦苇 麦种
    景观 宫颈 冷却 席位 卫星 米价 柏油 桂花 商标 沙土 荣誉 仲裁 巩固 池塘 麻醉 迟到 官职 谈话 惠民 乐器 南北 储量
    原价 燕麦 劳务 劳动 皮革 盘点 满意度 位置 花费 权属 强度 屠宰 盖章 练习 廉洁 巴士 丰收 索引 宣誓 晋级 初始值
    门店 云盘 容积 敬语 薄厚 羊群 阿姨 母婴 修理 鲜度 印刷 玉器 银两 哈希 宾馆 勾选 呼叫 干预 冶炼 元素 衣服 展位
    阴影 智力 幸运 植物 衡器 富余 闭环 由来 来信 来函 周报 农民 单亲 文学 雷锋 边缘 关爱 关怀 管控 班级 易地
    管委会 居委会 村委会 农商行 国投 权限 石材
    # before a FOLLOWS word or after a category, no name (宣传片解说词, 支付宝周转, 居住地周边)
    宣传片 支付宝 周边 公寓
    # after a role word, where a name is read whatever follows it (R15k-2): 当事人权利义务, 人员高峰时段
    权利 义务 何时 明年 高质量 常态化 管护 管辖 查房
    # a document's name after 居民 (台湾居民来往大陆通行证, 港澳居民来往内地通行证: a 证件类型 column read
    # as the name 来往大, F15f)
    来往
    """.split())

#: Endings of places that are no administrative unit: lakes and old towns (艾比湖, 洪泽湖, 罗布泊, 丽江古城;
#: R15i-8). A name may follow one (艾比湖王芳); a run ending in one is a place only when it is a known one
#: (_LANDMARKS): given names end in 湖 and 泊 too (刘镜湖, 王小湖, 李泊: R15k-11).
_FEATURE_ENDINGS: Final = ("湖", "泊", "古城")
#: Lakes, 泊 and old towns whose names open with a surname character and read as a surname and a given
#: name (艾比湖: 艾 + 比湖, 罗布泊, 洪泽湖; 古城 after 丽江): places wherever they stand. A lake not
#: listed that so reads is masked as a name would be (a name in clear is the worse error).
_LANDMARKS: Final = frozenset("""
    艾比湖 洪泽湖 高邮湖 骆马湖 呼伦湖 查干湖 罗布泊 梁山泊 衡水湖 南四湖 莫愁湖 金鸡湖 阳澄湖 石臼湖 梁子湖 汤逊湖
    洪湖 龙感湖 武昌湖 万峰湖 白马湖 邵伯湖 古城
    """.split())
#: Prefectures, leagues and their parts written without their unit whose names the minority-name
#: reader takes for a person's (巴音郭楞 of 巴音郭楞蒙古自治州 read as 巴音 + 郭楞: R15i-8); no one
#: is named so.
_REGIONS: Final = frozenset({"巴音郭楞", "巴音布鲁克", "阿拉善", "阿勒泰", "阿克苏", "伊犁", "甘孜", "甘南"})

#: A run of Han characters (生僻字 of Extension A and later too: 王䶮, 马𬌗), gaps inside it (王　芳; R15n-11)
_HAN_RUN: Final = re.compile(f"{HAN}+(?:{GAP.pattern}{HAN}+)*")
_HAN_WORD: Final = re.compile(f"{HAN}+")
_ROLE_WORDS: Final = frozenset((*ROLE_LEADS, *ROLE_TITLES))
_NAMES: Final = PersonNameRecognizer()


@cache
def _context_words() -> frozenset[str]:
    """The Chinese context words of every recognizer (申请人, 联系电话, 出生 ...): headings."""
    kinds = (recognizers.get(i) for i in recognizers.ids())
    return frozenset(w for rec in kinds for w in (*rec.CONTEXT, *rec.WEAK_CONTEXT) if not w.isascii() and len(w) > 1)


def is_field_word(token: str) -> bool:
    """Whether ``token`` (Chinese characters) reads as a heading or file word, never a name."""
    words = _context_words()
    # token[-1:]: a JSON key may be "" (R15f-2), which is no word. Opening or ending with a context
    # word (each of 2 characters or more) is asked of the token's own heads and tails, a set lookup
    # each: asking it of every word took 51 million calls on 1,000 remarks of 340 characters, where
    # every role word tries names of 2..8 characters (R15k-19: 30 s against 2.6 s before cell_names).
    return (token in FIELD_WORDS or token in words or token[-1:] in FIELD_ENDINGS
            or any(token[:n] in words or token[-n:] in words for n in range(2, len(token) + 1)))


def is_place(token: str) -> bool:
    """Whether ``token`` (Chinese characters) names a place: a known one, or a run ending in an
    administrative unit."""
    return token in PLACES or (len(token) > 1 and token.endswith(PLACE_ENDINGS)) or _is_landmark(token)


def _is_landmark(token: str) -> bool:
    """Whether ``token`` names a place that is no administrative unit, or one written without it
    that reads as a minority name (_LANDMARKS, _REGIONS)."""
    return token in _REGIONS or token in _LANDMARKS


def is_person_name(token: str) -> bool:
    """Whether ``token`` is a person's name (2-4 Chinese characters with a listed surname, or 2-8
    of Tibetan, Uyghur, Kazakh or Mongolian name words: 扎西次仁, 阿不都热合曼; not a common or field word,
    not a place, not a kin or role word: 孙子, 孙女 and 边缘 open with a surname; nor one opening with
    a role word: 房东曹 of 房东曹国强, R15i-2)."""
    return ((2 <= len(token) <= 4 or is_minority_name(token)) and _HAN_WORD.fullmatch(token) is not None
            and not is_field_word(token) and token not in _ROLE_WORDS
            and token[:2] not in _ROLE_WORDS and token[:3] not in _ROLE_WORDS
            and token not in WORDS and not is_place(token) and not _opens_as_words(token)
            and _NAMES.validate(token) is not None)


#: FOLLOWS words of two characters and more: a surname character before one is no name (金申请).
_LONG_FOLLOWS: Final = tuple(w for w in FOLLOWS if len(w) > 1)
#: FOLLOWS words that are given names in use: 劳动, an era name of the 1950s and 60s (as 建国, 抗美),
#: common among the elderly that 低保, 特困 and 养老 registers are about (低保户王劳动.csv: R15k-15).
_GIVEN_NAMES: Final = frozenset({"劳动"})


def _opens_as_words(token: str) -> bool:
    """Whether ``token`` (three characters and more) reads as words, not as a name: it opens with a
    file word (安置点, 干部黄 of 驻村干部黄晓东, 包联户), or its given name is a word that follows
    a name (金申请, 金发放 of 临时救助金发放, 母赡养 of 岳父母赡养: R15j-8) and no given name in use
    (_GIVEN_NAMES: 王劳动)."""
    if token in _LONG_FOLLOWS:  # 任免 of 驻村干部任免, 考核 of 护林员考核: a word after a role word
        return True
    if len(token) < 3 or is_minority_name(token):
        return False
    given = token[2:] if token[:2] in COMPOUND_SURNAMES else token[1:]
    return token[:2] in FIELD_WORDS or (given.startswith(_LONG_FOLLOWS) and given not in _GIVEN_NAMES)


@cache
def _leads() -> tuple[str, ...]:
    """LEADS, ROLE_LEADS, UNIT_LEADS, PLACES (萧山王小明.csv: a place written without its unit shields
    no name either, R15h-17) and the name recognizer's Chinese headings: what a name may follow."""
    return (*LEADS, *APPOINTS, *FORMS, *ROLE_LEADS, *UNIT_LEADS, *sorted(PLACES), *_FEATURE_ENDINGS, *sorted(_REGIONS),
            *(w for w in PersonNameRecognizer.CONTEXT if not w.isascii()))


def _name_at(run: str, start: int, depth: int = 0, *, role: bool = False) -> int:
    """The length of the person's name at ``start`` of ``run`` (0 for none): the shortest that a
    FOLLOWS word, the run's end or a RUN_ENDS character ending the run follows (王五的材料: 王五,
    not 王五的), else the longest that another name follows (王小明李四). None opens at a unit
    inside the run: the unit ends the place before it (柯城区低保, 万州区低保: 区 is a surname, and
    柯城 + 区低保 was read as two names, R15g-25)."""
    if start and run.startswith(UNIT_LEADS, start) or _opens_with_lead(run, start) or _region_at(run, start):
        return 0
    names = [n for n in range(2, 9) if start + n <= len(run) and is_person_name(run[start:start + n])]
    kin = 0 if names else _kin_named_at(run, start, depth)
    names = names or [kin] * bool(kin)
    for length in names:
        rest = run[start + length:]
        if not rest or rest.startswith(FOLLOWS) or rest in RUN_ENDS:
            return length
    if length := name_before_title(run, start, names):  # 李明局长讲话, 任命王建国为 (R15n-10)
        return length
    if role and (length := _name_after_role(run, start) or kin):
        return length
    # names run together: the longest first (王小明李四: 王小明, not 王小 + 明李四), none opening
    # with a word (公务用 + 车登记 of 公务用车登记, R15i-17)
    if _opens_with_word(run, start):
        return 0
    return next((n for n in reversed(names) if depth < 3 and _name_at(run, start + n, depth + 1)), 0)


def _kin_named_at(run: str, start: int, depth: int) -> int:
    """3 where a child named 孙子X stands at ``start`` (孙 a surname, 子X the given name), else 0: X is
    no word after the kin word (孙子女, 孙子们, 孙子的作业: _ROLE_WORDS, KIN_AFTER, FOLLOWS), the three
    are a name but for the kin word (is_person_name's other tests), and no name follows the kin word
    (孙子王小明 is 孙子 + 王小明, R15h-17)."""
    token = run[start:start + 3]
    if not token.startswith(KIN_NAMED) or len(token) < 3 or token in _ROLE_WORDS or token[2] in KIN_AFTER \
            or run.startswith(FOLLOWS, start + 2) or token[2] not in ZI_GIVEN and start + 3 < len(run):
        return 0
    named = not is_field_word(token) and token not in WORDS and not is_place(token) \
        and not _opens_as_words(token) and _NAMES.validate(token) is not None
    return 3 if named and not _name_at(run, start + 2, depth + 1) else 0


#: LEADS of two characters and more (关于, 给予, 授予): they open no name (关于李** read 关**, R15i-16).
_LONG_LEADS: Final = (*(w for w in LEADS if len(w) > 1), *APPOINTS)
#: WORDS of two characters, the start of a run that is no name run on into another (公务用车登记).
_TWO_CHARACTER_WORDS: Final = frozenset(w for w in WORDS if len(w) == 2)


def _opens_with_lead(run: str, start: int) -> bool:
    """Whether a LEADS word of two characters and more opens ``run`` at ``start`` (关于李建国同志)."""
    return run.startswith(_LONG_LEADS, start)


def _opens_with_word(run: str, start: int) -> bool:
    """Whether an ordinary word (WORDS: 公务, 高龄, 原始) opens ``run`` at ``start``: a name read there
    would run into a word, not into another name (公务用车登记 is no 公务用 + 车登记, R15i-17)."""
    return run[start:start + 2] in _TWO_CHARACTER_WORDS


def _region_at(run: str, start: int) -> bool:
    """Whether a region that reads as names run together opens at ``start`` (巴音郭楞: _REGIONS)."""
    return any(run.startswith(region, start) for region in _REGIONS)


def _after_role_shape(before: str) -> bool:
    """Whether ``before`` (the run up to a position) ends in a word shaped as a role (ROLE_SHAPES),
    of two characters and more."""
    return len(before) >= 2 and before.endswith(ROLE_SHAPES)


@cache
def _role_words() -> tuple[str, ...]:
    """ROLE_LEADS, ROLE_TITLES and the name recognizer's Chinese headings (申请人, 户主, 监护人 ...)."""
    return (*ROLE_LEADS, *ROLE_TITLES, *(w for w in PersonNameRecognizer.CONTEXT if not w.isascii() and len(w) > 1))


def _role_word_at(run: str, start: int) -> int:
    """The length of a listed role word of three characters and more opening at ``start`` of ``run``
    (班主任, 护林员, 网格员), else 0: no name opens inside it."""
    return next((len(w) for w in _long_role_words().get(run[start:start + 1], ()) if run.startswith(w, start)), 0)


@cache
def _long_role_words() -> dict[str, tuple[str, ...]]:
    """The role words of three characters and more by their first character, the longest first: a position
    tries the few that open with its character, not all (a run of 业主任 paid 180 startswith a position)."""
    words = sorted({w for w in _role_words() if len(w) >= 3}, key=len, reverse=True)
    return {first: tuple(w for w in words if w[0] == first) for first in {w[0] for w in words}}


def _after_role(before: str) -> bool:
    """Whether ``before`` ends in a role or kin word, listed or shaped as one (R15k-2), or in a
    household's or people's category (易地搬迁户, 残疾人家庭, 失地农民: ends_in_category, R15n-17)."""
    return _after_role_shape(before) or before.endswith(_role_words()) or ends_in_category(before) \
        or before.endswith(APPOINTMENT_DOCUMENTS)


#: Words that are names too (高峰, 杨梅): a name at a run's end or before a FOLLOWS word (户主高峰.csv),
#: a word before words no list holds (人员高峰时段, 监督员杨梅采摘, 户主杨梅种植: R15k-1, R15k-6).
_NAMES_AS_WORDS: Final = frozenset({"高峰", "杨梅"})


def _opens_with_file_word(run: str, start: int) -> bool:
    """Whether a file, heading or ordinary word opens ``run`` at ``start`` (花名册, 满意度, 权利), not a
    name and a heading word after it (范杰 + 手机号, 秦玲 + 住址, 刘敏 + 联系方式: R15n-1)."""
    if any(_name_then_word(run[start:start + n], run[start + n:]) for n in (2, 3)):
        return False
    return any(is_field_word(w) or w in WORDS for w in (run[start:start + n] for n in range(2, 5)))


#: Words of a person's own record that open with no surname's word (医生曹婷处方, 村长潘欣怡录音,
#: 护士潘芳任期审计, 教师马磊课表: R15n-1): a name before one is read whatever its last character.
RECORD_HEADS: Final = ("处方", "录音", "录像", "课表", "教案", "推荐", "任期", "手机", "住址", "电话", "联系", "通讯",
                       "家庭", "档案")


def _word_at(rest: str) -> bool:
    """Whether a heading or record word opens ``rest`` (手机号, 住址, 联系方式, 处方 ...)."""
    return rest.startswith(RECORD_HEADS) or rest[:2] in _context_words() or rest[:2] in FIELD_WORDS


def _name_then_word(name: str, rest: str) -> bool:
    """Whether ``name`` is a person's name and a heading or record word opens ``rest`` after it
    (范杰 + 手机号 of 护林员范杰手机号, 秦玲 + 住址, 潘欣怡 + 录音): is_field_word reads a token's tail
    or last character (范杰手机, 潘欣怡录), which says nothing of the name before it."""
    return _word_at(rest) and is_person_name(name)


def _name_after_role(run: str, start: int) -> int:
    """The length of the name opening ``run`` at ``start`` right after a role word, whatever follows
    it (护林员彭丽巡护日志, 村长王建国讲话: R15k-2): a person's file names what it is after the name, in
    words no list holds. Minority name words longest first, else a surname and a given name of two
    characters, then of one, each shorter part a name too (彭丽巡: 彭丽 and 彭丽巡); none opening
    with a word (网格员周报), nor a word that is a name too (_NAMES_AS_WORDS) before words."""
    if _opens_with_word(run, start) or run.startswith(FOLLOWS, start) or _opens_with_file_word(run, start) \
            or (run.startswith(_LONG_FOLLOWS, start + 1) and run[start + 1:start + 3] not in _GIVEN_NAMES) \
            or run[start:start + 2] in _NAMES_AS_WORDS:  # 周 + 考核 (讲解员周考核): no given name
        return 0
    minority = [n for n in range(8, 2, -1) if start + n <= len(run) and is_minority_name(run[start:start + n])]
    han = [n for n in (4, 3, 2) if start + n <= len(run) and (n < 4 or run[start:start + 2] in COMPOUND_SURNAMES)
           and all(is_person_name(run[start:start + k]) for k in range(2, n + 1))]
    found = [n for n in (*minority, *han) if is_person_name(run[start:start + n])]
    # the name a heading word follows (范杰 + 手机号, not 范杰手 + 机号: R15n-1), else the longest
    return next((n for n in found if _word_at(run[start + n:])), found[0] if found else 0)


def _category_at(run: str, start: int) -> int:
    """The length of a category at ``start`` that a name follows (0 for none): an ordinary word and
    one character (危房户, 计生户, 文明户, 信访件, 公务车) before a name (危房户李建国.csv). The word opens
    no name (_opens_with_word, 公务用车登记), but the name after the category is one (R15k-12)."""
    if not _opens_with_word(run, start) or start + 3 >= len(run):
        return 0
    return 3 if _name_at(run, start + 3) else 0


def _name_spans(run: str) -> list[tuple[int, int]]:
    """The (start, end) of each person's name in ``run`` (Han characters, no gap)."""
    spans: list[tuple[int, int]] = []
    start, after_name = 0, False
    while start < len(run):
        completes, read = _completes_role(run, start) if start > 0 and _after_role(run[:start]) else (True, None)
        role = not completes
        lead = start == 0 or after_name or role or run[:start].endswith(_leads())
        # 班主任王建国: no name 班主 + 任王建 (R15q-1); 任前谈话, 鉴定表范文: none 任前, 范文, one may follow (R15ah-4)
        word = _role_word_at(run, start) if lead else 0
        step = document_word_at(run, start) if lead and not word else 0
        if word or step:
            start, after_name = start + word + step, bool(step)
            continue
        # a remark's opening after a role word (学生应该遵守校规, 学生任何时候: remark_words, R15ah-4) is no name
        remark = role and opens_remark(run, start, start + 2)
        length = ((_name_at(run, start, role=role) if read is None else read) if lead and not remark else 0)
        category = _category_at(run, start) if lead and not length else 0
        if length:
            spans.append((start, start + length))
        start, after_name = start + (length or category or 1), bool(length or category)
    return spans


def _completes_role(run: str, start: int) -> tuple[bool, int | None]:
    """Whether the character at ``start`` completes a longer role word (交警 + 官 = 警官: 交警官王建国, R15n-2)
    that a name follows, so no name opens at it. When none follows the longer word and one opens at
    ``start``, the character is that name's surname (业主 + 任丽, not 业主任 + 丽; 车主任伟: R15q-2). With it,
    the length of the name read at ``start`` after the role word where it was read (None where not), so that
    _name_spans reads it once: reading it twice made a run of 业主任 2-3 times slower (R15ah-5)."""
    if not _after_role(run[:start + 1]):
        return False, None
    if _name_at(run, start + 1, role=True):
        return True, None
    length = _name_at(run, start, role=True)
    return (False, length) if length else (True, None)


def _opens_name(run: str, start: int) -> bool:
    """Whether a name may open at ``start`` of ``run`` by what stands before it, no name counted."""
    return start == 0 or _after_role(run[:start]) or run[:start].endswith(_leads())


def _name_opening(run: str) -> int:
    """The length of the name opening ``run`` (0 for none), as at the start of _name_spans: none where a role
    word opens it (班主任)."""
    return 0 if _role_word_at(run, 0) else _name_at(run, 0)


def _masked_run(run: str) -> str:
    if GAP.search(run):  # 护林员彭 丽巡护日志: a padded name (R15n-11)
        return masked_across_gaps(run, _name_spans, _opens_name, _name_opening)
    return masked(run, _name_spans(run))


def mask_person_names(text: str) -> str:
    """``text`` (a key, heading, sheet, table, file or folder name, or a path) with each run of
    Chinese characters that is a person's name (or one before a TAILS word) masked by the name rule."""
    return _HAN_RUN.sub(lambda m: _masked_run(m.group()), text) if not text.isascii() else text
