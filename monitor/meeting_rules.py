"""The rules of :mod:`monitor.meetings`, in one readable place.

Tables of who can hold a meeting, what a meeting is called, which words mean it
was not held or not a government meeting, and how dates, chairs and attendee
lists are written in Chinese official reports. Adding a body, a meeting word
or a title is one more entry here; :mod:`monitor.meetings` holds only logic.
"""

from __future__ import annotations

import re
from typing import Final

H: Final = "\u4e00-\u9fff"
# Reports put the trigger in the lead; scanning further only finds meetings quoted later.
LEAD_PARAGRAPHS: Final = 3
# Province-level divisions by level; an ethnic name follows the stem (广西壮族 -> 广西).
PROVINCE_TABLE: Final = """
市 北京 天津 上海 重庆
省 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
省 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾
自治区 内蒙古 广西壮族 西藏 宁夏回族 新疆维吾尔
特别行政区 香港 澳门
"""
# stem -> (full name, level word used before 委/政府)
ETHNIC: Final = re.compile("壮族|回族|维吾尔")
PROVINCES: Final = {
    ETHNIC.sub("", name): (name + level, level)
    for level, *names in map(str.split, PROVINCE_TABLE.strip().splitlines())
    for name in names
}
PROV: Final = "|".join(sorted(PROVINCES, key=len, reverse=True))
LEVEL: Final = "自治区|省|市|区|县|州"

# Who can hold a meeting: (pattern, canonical convener, short form put before a bare
# meeting noun, "" for the convener itself). {place} is the full name of the place at
# level <lvl>, from the text when the report leaves it implicit (市委 -> 中共上海市委).
# Order matters: the first pattern that matches wins.
P: Final = rf"(?P<place>[{H}]{{2,8}}?)?"
L: Final = rf"(?P<lvl>{LEVEL})"
GROUP: Final = "(?P<suffix>领导小组|指挥部)"
# A body's term sits inside its full name (上海市第十六届人民代表大会, 市十六届人大常委会);
# ORDINAL strips it before a kind is built, but a lead must still be recognised with it.
TERM: Final = "(?:第?[一二三四五六七八九十百]+届)?"
# The party's full name opens plenum reports (中国共产党上海市第十二届委员会).
PARTY: Final = "(?:中国共产党|中共)"
BODIES: Final[tuple[tuple[str, str, str], ...]] = (
    ("(?:中共)?中央政治局常(?:务委员会|委会)", "中共中央政治局常务委员会", ""),
    ("(?:中共)?中央政治局", "中共中央政治局", ""),
    # The Central Committee meets in plenum under its own name; it is 中共中央.
    (f"{PARTY}?{TERM}中央委员会", "中共中央", "中央委员会"),
    ("中共中央|党中央", "中共中央", ""),
    (rf"中央[{H}]{{2,12}}?委员会", "{text}", ""),
    ("国务院", "国务院", ""),
    ("全国人大常委会|全国人民代表大会常务委员会", "全国人大常委会", ""),
    ("全国人大|全国人民代表大会", "全国人民代表大会", "全国人大"),
    ("全国政协", "全国政协", ""),
    (f"(?:中共)?{P}{L}(?:党)?委常委会", "中共{place}委", "{lvl}委常委会"),
    # A government's party group meets as itself (市政府党组会议), not as the government.
    (f"{P}{L}(?:人民)?政府党组", "中共{place}人民政府党组", "{lvl}政府党组"),
    (f"{P}{L}(?:人民)?政府", "{place}人民政府", "{lvl}政府"),
    (
        f"{P}{L}{TERM}(?:人大常委会|人民代表大会常务委员会)",
        "{place}人民代表大会常务委员会",
        "{lvl}人大常委会",
    ),
    # A people's congress in session (上海市第十六届人民代表大会第三次会议).
    (f"{P}{L}{TERM}(?:人民代表大会|人大)", "{place}人民代表大会", "{lvl}人大"),
    # The CPPCC's full name puts 政协 first (政协上海市第十四届委员会).
    (f"政协{P}{L}{TERM}委员会", "政协{place}委员会", "{lvl}政协"),
    (f"{P}{L}政协", "政协{place}委员会", "{lvl}政协"),
    # 委员会 is the full name a plenum report uses; the committee is still 中共X委.
    (f"{PARTY}?{P}{L}{TERM}(?:党)?委(?:员会)?", "中共{place}委", "{lvl}委"),
    # A leading group keeps its full name; "市…领导小组" gets its place prefixed.
    (rf"(?P<lvl>[省市区县])?(?P<rest>[{H}]{{1,24}}?{GROUP})", "{place}{rest}", "{suffix}"),
)
GROUP_NAME: Final = re.compile(r"\(\?P<(\w+)>")
RENAMED: Final = r"(?P<\g<1>{}>"
# One alternation, branch i named b<i> and its fields suffixed with i: one match per call.
BODY_RX: Final = re.compile(
    "|".join(
        f"(?P<b{i}>{GROUP_NAME.sub(RENAMED.format(i), pattern)})"
        for i, (pattern, _, _) in enumerate(BODIES)
    )
)
BODY_ALT: Final = "|".join(GROUP_NAME.sub("(?:", p) for p, _, _ in BODIES)

# A meeting noun ends in one of these; 发布会, 说明会, 运动会 … are not meetings.
MEETING_WORDS: Final = (
    "会议|大会|全会|座谈会|推进会|部署会|调度会|协调会|专题会|联席会|务虚会|动员会|"
    "汇报会|交流会|现场会|分析会|例会|常委会|民主生活会"
)
# A bare noun leaves the body implicit, so kind gets the body's short form in front.
BARE_NOUN: Final = re.compile(
    "(?:常委会|常委|常务|全体|专题|扩大|工作|电视电话|视频|务虚|调度|推进|部署|座谈|"
    "联席|协调|动员|党组|全)*(?:会议|会)"
)
# Session and sitting numbers identify one instance, not the kind of meeting. Only the
# numerals go: "市政协十四届三次会议" is 市政协会议, its body kept.
ORDINAL: Final = re.compile(
    r"第?[一二三四五六七八九十百]+届|第?[一二三四五六七八九十百零〇两\d]+次"
)
LEADING_PROVINCE: Final = re.compile(rf"^(?:{PROV})(?:省|市|自治区)?")
# Companies and markets hold meetings too, and scholars and trade fairs hold conferences;
# none of them is a government meeting. 年会 but not "2024年会议".
NOT_GOVERNMENT: Final = re.compile(
    "董事|股东|监事|业绩|说明会|发布会|公司|集团|股份|投资者|基金|"
    "学术|论坛|峰会|博览会|展览会|交易会|研讨会|年会(?!议)"
)
# Announced, planned or denied meetings were not held (yet).
NOT_HELD: Final = re.compile("将|拟|定于|预计|计划|准备|筹备|未|没有")
# Future tense anywhere in a host's who-and-when clause ("李强将于12月10日上午"); narrower
# than NOT_HELD, whose 计划/筹备 can be part of a title. 上将/将军 are ranks, not tense.
NOT_YET: Final = re.compile("(?<![上中少大])将(?!军)|拟|定于|预计")

TIME_UNIT: Final = (
    r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}[日号](?:至(?:\d{1,2}月)?\d{1,2}日)?|今[天日晚晨早]|昨[天日晚]|前天"
    r"|当[天日]"
    r"|[本上这]?(?:周|星期)[一二三四五六日天]|上午|下午|晚上|晚间|早上|中午|凌晨|傍晚|晚"
    r"|[（(][^）)\n]{1,20}[）)]"
)
TIME: Final = f"(?:{TIME_UNIT})*"
VENUE: Final = r"(?:在[^，。；\n]{1,15}?)?"
# 、 may join the groups a meeting is with ("专家、企业家和…代表座谈会"); the noun must
# still end in a meeting word within reach, so a list of non-meetings never matches.
NOUN: Final = (
    rf"(?P<noun>(?!的)[^，。；：！？\s（）()]{{0,40}}?(?:{MEETING_WORDS}))(?!会议|议|精神)"
)

# Every trigger turns on one of these verbs; the shapes around it are matched only
# at its occurrences, which keeps articles without one nearly free.
VERB: Final = re.compile("召开|举行|开幕|闭幕")
NOUN_AFTER: Final = re.compile(f"了?{NOUN}")
# The three shapes of a clause before the verb, each anchored at the verb.
SUBJECT_BEFORE: Final = re.compile(  # 市委常委会今晚（3月23日）|举行会议; 政治局于12月26日
    rf"(?<![{H}])(?:{TIME})(?P<subj>(?:{BODY_ALT})(?:[、和](?:{BODY_ALT}))*)于?{TIME}{VENUE}\Z"
)
HOST_BEFORE: Final = "主持"  # 龚正今天主持|召开市政府常务会议
NOUN_BEFORE: Final = re.compile(  # 中央财经委员会第一次会议5月5日下午|召开
    rf"(?<![{H}])(?P<noun>(?:[{H}]{{1,3}}届)?(?:{BODY_ALT}|中央|全国|全省|全市)"
    rf"[^，。；：！？、\s（）()]{{0,30}}?(?:{MEETING_WORDS}))(?!会议|议)于?{TIME}{VENUE}(?:隆重)?\Z"
)
# Plenum reports detach the when and where: "…全体会议，于7月15日至18日在北京|举行". Such a
# clause names no one, so the clause before it is the subject.
DETACHED_TIME: Final = re.compile(f"于?(?:{TIME_UNIT})+{VENUE}(?:隆重)?")
NOT_SELF_HELD_AFTER: Final = ("的", "会议")
SUBJECT_SPLIT: Final = re.compile("[、和]")

# Place-name stems are the Han characters before 市/区 … once lead-in words are cut off.
PLACE_NEAR_BODY: Final = re.compile(f"(?:{LEVEL})(?=党?委|(?:人民)?政府)")
HAN_TAIL: Final = re.compile(rf"[{H}]{{2,6}}\Z")
PROVINCE_NAME: Final = re.compile(PROV)
# A wire dateline ("新华社重庆4月25日电") places the story as firmly as the title does.
DATELINE: Final = re.compile(rf"({PROV})(?:\d{{1,2}}月)?\d{{1,2}}日电")
# A 新区 keeps its 区 in its name (浦东新区, 滨海新区): 区 there is no level word.
NEW_AREA: Final = "新区"
STEM_STOP: Final = (
    "中共|召开|举行|主持|出席|据悉|获悉|消息|今天|昨天|[省市区县各全本我该在和及与、]"
)
STEM: Final = re.compile(
    rf"(?:.*(?:(?:{PROV})(?:省|市|自治区)?|{STEM_STOP}))?([{H}]{{2,3}}{NEW_AREA}|[{H}]{{2,4}})"
)
STEM_REJECT: Final = re.compile(f"^[省市区县各全本我该其此]|{STEM_STOP}")
# The meeting a report is about is named in its title or its first sentence; one named
# only later is news the report passes on (a market wrap's "消息面上，…召开会议").
SENTENCE_END: Final = re.compile("[。！？!?\n]")
# Searching further back for a sentence's start only costs time.
LONGEST_SENTENCE: Final = 400
CLAUSE_MARKS: Final = "，,。；！？!?：\n"
# Who-and-when before a verb fits in this; longer clauses are not meeting leads.
LONGEST_CLAUSE: Final = 100
# Longer list items are sentences, not "titles + name"; skipping them saves time.
LONGEST_TITLED_NAME: Final = 40

# Titles come before a name in reports ("市委书记李强"), rarely after ("赵乐际委员长").
TITLE_TEXT: Final = (
    "总书记 副书记 书记 副总理 总理 委员长 副主席 主席 副主任 主任 副省长 省长 副市长 市长 "
    "副区长 区长 副县长 县长 州长 副组长 组长 常委 委员 秘书长 部长 厅长 局长 院长 检察长 "
    "总指挥 指挥长 负责人 领导 主委 会长 行长 政委 司令员 专员 成员 议员"
)
TITLE_WORDS: Final = frozenset(TITLE_TEXT.split())  # all two or three characters
# Last characters of titles not in TITLE_WORDS (研究员, 总经理, 理事长): a fallback split
# point, taken only when the name after it starts with a surname.
TITLE_END: Final = "长员任席记理委导人官监事"
SHORTEST_TITLE: Final = 2  # one character before a name is a word's end, not a title
HAN_NAME: Final = re.compile(f"[{H}]{{2,4}}")
# A "name" ending in an organ (国务院, 市政府) or starting with a national or party word
# (国家主席) is a title standing alone in a list; a title ending is checked in code.
NOT_A_NAME: Final = re.compile(
    "会议|同志|领导|负责|部门|单位|代表|有关|相关|政府|委员|人大|政协|市委|省委|区委|全体|"
    "各级|其他|成员|集团|公司|大学|医院|街道|办公|[会府厅局办室处委部院署]$|"
    "^(?:国家|国务|中央|全国|中共|党中央)"
)
# An untitled list item is a person only if it starts with a surname.
SURNAMES: Final = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀"
    "郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰"
    "支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧习"
)

COMPOUND_TEXT: Final = (
    "诸葛 欧阳 司马 上官 东方 令狐 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 端木 独孤 南宫 "
    "呼延 万俟 申屠 轩辕 钟离 闻人 澹台 公冶 太史 濮阳 淳于 赫连 拓跋"
)
COMPOUND: Final = frozenset(COMPOUND_TEXT.split())
# 主持 the meeting itself, named or not: 主持会议, 主持座谈会并讲话, 主持全体会议, and its
# opening or closing sitting (主持开幕会), which are no meetings of their own.
CHAIR_VERB: Final = re.compile(
    rf"主持(?=召开|(?:[{H}]{{0,12}}?(?:{MEETING_WORDS}|[开闭]幕会))?(?:并|。|，|；|$))",
    re.MULTILINE,
)
# "将于"/"于" join a host to his date ("李强将于12月10日上午"), never his name; a wire
# dateline ("新华社北京2月17日电 ") comes before his titles, and is none of them.
CHAIR_CLAUSE: Final = re.compile(
    rf"(?:.*(?:由|日电\s*))?(?P<pre>.+?)(?:即将|将|拟|定)?于?{TIME}{VENUE}"
)
# A deputy's title (副书记, 副市长) heads no body; a host convenes under a full post first.
DEPUTY: Final = re.compile("副[^、]{0,3}$")
# 出席/列席 only when the meeting is what is attended (not 出席开幕式); 参加 only 参加会议.
ATTEND: Final = re.compile("出席会议的还有|出席会议的有|出席|列席|参加")
ATTEND_WORDS: Final = ("出席", "列席", "参加")  # one of them starts every ATTEND match
ATTEND_NEXT: Final = {
    "出席": ("会议", "座谈会", "全会", "大会", "并", "。", "，", "；", "\n"),
    "参加": ("会议", "座谈会"),
}
ITEM_SPLIT: Final = re.compile(r"[、，,；;]|以及|和|及|与")
ITEM_NOISE: Final = re.compile(r"\s|\d+月\d+日|\d+日|[（(][^）)]*[）)]")
# List items end in these as often as in names: "陈金山等", "龚正今天".
TRAILERS: Final = ("等", "同志", "分别", "也", "还", "均", "今天", "今日", "昨天", "上午", "下午")
TRAILER: Final = re.compile(f"(?:{'|'.join(TRAILERS)})+$")
