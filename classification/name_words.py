"""The word tables that tell a person's name from the words around it inside the names of things
(stage: classification): headings and file words that open with a surname character
(FIELD_WORDS, FIELD_ENDINGS), the words a per-person file name puts before and after a name
(LEADS, ROLE_LEADS, UNIT_LEADS, TAILS, FOLLOWS, RUN_ENDS), and places and ordinary words that read
as names (PLACE_ENDINGS, PLACES, WORDS, FEATURE_ENDINGS, LANDMARKS, REGIONS). Moved out of
identifier_names, which reads them (STYLE: modules of ~400 lines); each table's comment says
which finding it answers.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FIELD_WORDS", "FIELD_ENDINGS", "TAILS", "FOLLOWS", "LEADS", "ROLE_LEADS", "UNIT_LEADS", "RUN_ENDS",
           "PLACE_ENDINGS", "PLACES", "WORDS", "FEATURE_ENDINGS", "LANDMARKS", "REGIONS", "ILLNESS"]

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
#: (LANDMARKS): given names end in 湖 and 泊 too (刘镜湖, 王小湖, 李泊: R15k-11).
FEATURE_ENDINGS: Final = ("湖", "泊", "古城")
#: Lakes, 泊 and old towns whose names open with a surname character and read as a surname and a given
#: name (艾比湖: 艾 + 比湖, 罗布泊, 洪泽湖; 古城 after 丽江): places wherever they stand. A lake not
#: listed that so reads is masked as a name would be (a name in clear is the worse error).
LANDMARKS: Final = frozenset("""
    艾比湖 洪泽湖 高邮湖 骆马湖 呼伦湖 查干湖 罗布泊 梁山泊 衡水湖 南四湖 莫愁湖 金鸡湖 阳澄湖 石臼湖 梁子湖 汤逊湖
    洪湖 龙感湖 武昌湖 万峰湖 白马湖 邵伯湖 古城
    """.split())
#: Prefectures, leagues and their parts written without their unit whose names the minority-name
#: reader takes for a person's (巴音郭楞 of 巴音郭楞蒙古自治州 read as 巴音 + 郭楞: R15i-8); no one
#: is named so.
REGIONS: Final = frozenset({"巴音郭楞", "巴音布鲁克", "阿拉善", "阿勒泰", "阿克苏", "伊犁", "甘孜", "甘南"})
#: Characters of illness (the 疒 radical, Kangxi 104: 病, 疫, 症, 癌, 疗) that open the word after a person's name in
#: a file name (王建国病休.csv, 赵丽疫苗接种记录.docx): the name before one ends there, as before a FOLLOWS word
#: (RR15aj-1: shown whole when such names were read only by accident, 2,580 of 8,400 masked). A surname character
#: before one is masked the same (高血压病 -> 高**病, RR15ak-2: over-masking, the lesser error). Not a test of the
#: given name (黄疸 as 黄 + 疸): that dropped the readings that masked names of gapped file names (RR15ak-1).
#: Listed by hand: unicodedata has no radicals, and the Unihan tables are no dependency of the project.
ILLNESS: Final = frozenset("疔疖疗疙疚疝疟疠疡疣疤疥疫疮疯疱疲疳疴疵疸疹疼疽疾痂痃病症痈痉痍痒痔痘痛痞痢痣痤痦痧痨痪"
                           "痫痰痱痴痹痼痿瘀瘁瘃瘅瘊瘌瘐瘕瘗瘙瘛瘟瘠瘢瘤瘥瘩瘪瘫瘭瘰瘳瘴瘵瘸瘼瘾瘿癀癃癌癍癔癖癜癞癣癫")
