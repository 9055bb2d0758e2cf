"""Realistic Chinese catalogue data: CNMARC records, their copies, and the demo step that stores them.

Two users: ``ils demo`` shelves a few thousand titles so a librarian can try the
cataloguing desk at once, and the scale benchmark (issue 7) needs 600,000 records and
1,000,000 items of the same kind. Hence a pure generator over one ``random.Random``
(deterministic for a seed), cheap per record (tens of microseconds), and iterators
rather than lists.

Why a vocabulary instead of random characters: search speed and ranking depend on how
often each character occurs. Titles built from real title words and patterns, names
from the common surnames weighted as the census counts them, real publishers with their
ISBN prefixes and 中图法 classes spread as on a public library's shelves (about a third
literature) give a catalogue whose character and word frequencies look like a real one.
Famous titles (红楼梦, 三体, 活着 ...) come first with their real authors and classes, so
a librarian searching the demo finds what they expect.

Records follow CNMARC as Chinese libraries fill it in (DOMAIN.md §3): 001, 010 $a ISBN-13
$d price, 100 $a general processing data (UTF-8: '50' at 26-27), 101, 102, 200 $a $f $g,
205, 210 $a $c $d, 215, 225, 606, 690 $a $v 5, 701/702/711 with $4 roles. Copies are
written into 905 like a supplier's file ($a branch, $b barcode, $c location, $d class,
$e 种次号, $f volume), so storing a record through ``records.prepare`` gives it its call
number, and the same records can be written out as an import benchmark file.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, islice

from pymarc import Field, Indicators, Record, Subfield

from db.models import BookNumber, Branch, Location
from ils import presets
from ils.branches import list_branches
from ils.catalogue import items, records
from ils.catalogue.locations import add_location, list_locations
from ils.catalogue.marc_fields import CNMARC
from ils.permissions import Permission
from ils.session import Session

# Where a title is shelved; the demo maps each to rooms and branches.
GENERAL = "general"  # 图书外借部 and the branches
CHILDREN = "children"  # 少儿阅览室
LOCAL = "local"  # 地方文献室: 醴陵, its porcelain and its people
ANCIENT = "ancient"  # 古籍室: classics in old-style and facsimile editions
CERAMICS = "ceramics"  # 陶瓷资料室
AUDIO = "audio"  # 盲人阅览室: audiobooks
DEVICE = "device"  # 盲人阅览室: listening devices (听书机) lent like books

DEMO_TITLES = 3000
BARCODE_WIDTH = 10  # the digits of item barcodes drawn from ranges (book_numbers' default)
_BATCH = 1000

# --- people ------------------------------------------------------------------------------

# Census frequency (per 10,000 people, rounded) of the commonest surnames.
_SURNAMES = re.findall(r"(\D+)(\d+)", (
    "王710李700张630刘530陈450杨310黄220赵200吴190周190徐130孙120马120朱110胡110郭110何100林97高96"
    "罗88郑80梁79谢70宋66唐64许63韩62冯60邓59曹57彭54曾52肖51田51董50袁48潘47于46蒋46蔡45余45杜43叶43"
    "程42苏40魏40吕39丁38任37沈36姚35卢35姜34崔33钟32谭32陆31汪30范29金29石28廖28贾27夏26韦26付25方25"
    "白24邹24孟23熊23秦22邱22江22尹21薛21闫20段20雷20侯19龙19史19陶18黎18贺18顾17毛17郝16龚16邵16万15"
    "钱15严15覃14武14戴14莫13孔13向13汤13易12欧阳5"
))
SURNAMES = tuple(name for name, _ in _SURNAMES)
_SURNAME_WEIGHTS = tuple(accumulate(int(weight) for _, weight in _SURNAMES))
# Given-name characters; the commonest appear twice so they come up twice as often.
GIVEN = ("伟伟芳芳娜敏敏静静丽丽强强磊军军洋勇艳杰娟涛明明超兰霞平刚桂华华建建国国红梅玲志志文文斌辉婷雪琴云飞鹏"
         "宇浩晨欣怡佳琪子涵思远德清海波春林新宏光荣昌永振东晓晓小慧颖琳倩萍燕凤英秀兵亮峰俊凯博轩嘉泽航宁安")
_WESTERN_GIVEN = ("约翰 詹姆斯 罗伯特 迈克尔 威廉 大卫 理查德 约瑟夫 托马斯 查尔斯 玛丽 琳达 伊丽莎白 苏珊 莎拉 安娜 "
                  "露西 艾米丽 丹尼尔 马修 安德鲁 乔治 亨利 彼得 保罗 弗兰克 凯瑟琳 朱莉娅").split()
_WESTERN_SURNAMES = ("史密斯 琼斯 布朗 米勒 戴维斯 威尔逊 泰勒 安德森 杰克逊 怀特 哈里斯 汤普森 罗宾逊 克拉克 刘易斯 "
                     "沃克 霍尔 艾伦 赖特 斯科特 格林 贝克 亚当斯 卡特 米切尔 罗伯茨 坎贝尔 帕克 埃文斯 柯林斯").split()
_FRENCH = ("让 皮埃尔 米歇尔 玛丽 索菲 卡特琳".split(), "马丁 贝尔纳 杜邦 杜兰 勒菲弗 莫罗 西蒙 洛朗 勒布朗".split())
_RUSSIAN = ("伊万 亚历山大 谢尔盖 安德烈 娜塔莎 塔季扬娜".split(), "伊万诺夫 彼得罗夫 斯米尔诺夫 库兹涅佐夫 波波夫 沃尔科夫".split())
_JAPANESE_GIVEN = "春树 健一 直子 洋子 美雪 翔太 大辅 阳菜 结衣 一郎 和也 真理子 由美 浩二".split()
_JAPANESE_SURNAMES = "佐藤 铃木 高桥 田中 渡边 伊藤 山本 中村 小林 加藤 吉田 山田 松本 井上 木村 清水 山口 池田".split()


def person_name(rng: random.Random) -> str:
    """A Chinese name: a surname as common as in the census, then one or (mostly) two characters."""
    surname = rng.choices(SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
    given = rng.choice(GIVEN) if rng.random() < 0.25 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return surname + given


def _foreign_author(rng: random.Random, country: str) -> tuple[str, str]:
    """(name as the title page prints it, the name access point) in Chinese transliteration:
    a Western author is entered under the surname, a Japanese one under the whole name."""
    if country == "日":
        name = rng.choice(_JAPANESE_SURNAMES) + rng.choice(_JAPANESE_GIVEN)
        return name, name
    given, surnames = {"法": _FRENCH, "俄": _RUSSIAN}.get(country, (_WESTERN_GIVEN, _WESTERN_SURNAMES))
    surname = rng.choice(surnames)
    return f"{rng.choice(given)}·{surname}", surname


# --- publishers --------------------------------------------------------------------------

# ISBN publisher prefix (after 978-7-), name, city. Real prefixes of real publishers.
PUBLISHERS: dict[str, tuple[str, str]] = {
    prefix: (name, city) for prefix, name, city in (line.split() for line in """
        01 人民出版社 北京
        02 人民文学出版社 北京
        03 科学出版社 北京
        04 高等教育出版社 北京
        100 商务印书馆 北京
        101 中华书局 北京
        102 人民美术出版社 北京
        107 人民教育出版社 北京
        108 生活·读书·新知三联书店 北京
        109 中国农业出版社 北京
        111 机械工业出版社 北京
        112 中国建筑工业出版社 北京
        115 人民邮电出版社 北京
        117 人民卫生出版社 北京
        121 电子工业出版社 北京
        122 化学工业出版社 北京
        208 上海人民出版社 上海
        302 清华大学出版社 北京
        5010 文物出版社 北京
        5063 作家出版社 北京
        5086 中信出版社 北京
        5118 法律出版社 北京
        5302 北京十月文艺出版社 北京
        5321 上海文艺出版社 上海
        5324 少年儿童出版社 上海
        5325 上海古籍出版社 上海
        5327 上海译文出版社 上海
        5339 浙江文艺出版社 杭州
        5354 长江文艺出版社 武汉
        5356 湖南美术出版社 长沙
        5357 湖南科学技术出版社 长沙
        5366 重庆出版社 重庆
        5404 湖南文艺出版社 长沙
        5438 湖南人民出版社 长沙
        5442 南海出版公司 海口
        5447 译林出版社 南京
        5448 接力出版社 南宁
        5502 北京联合出版公司 北京
        5562 湖南少年儿童出版社 长沙
        80520 岳麓书社 长沙
    """.strip().splitlines())
}
_PROVINCE = {"北京": "110000", "上海": "310000", "长沙": "430000", "武汉": "420000", "南京": "320000",
             "杭州": "330000", "海口": "460000", "重庆": "500000", "南宁": "450000"}
# Numbers within a publisher's block are handed out in this stride (prime to 10, so
# every number of the block comes up once) from a random start, digits reversed: unique,
# and not visibly one after another.
_ISBN_STRIDE = 7919
_BIG_PUBLISHERS = ("02", "01", "03", "04")  # where a title goes when its publisher's block is used up


def isbn13(prefix: str, number: int) -> str:
    """978-7-prefix-number-check, hyphenated as printed; the number fills the nine digits after 978-7."""
    body = f"9787{prefix}{number:0{8 - len(prefix)}d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return f"978-7-{prefix}-{body[4 + len(prefix):]}-{check}"


# --- title vocabulary ----------------------------------------------------------------------

_WORDS = {
    "w": "春天 秋天 月光 星空 大海 山河 花园 森林 雨季 岁月 时光 记忆 远方 故乡 村庄 小镇 老街 河流 灯火 长夜 黎明 "
         "黄昏 白夜 青山 江湖 归途 人间 烟火 少年 父亲 母亲 姐姐 兄弟 女儿 城 家 门 路 桥 船 树 鸟 马 梦 歌 海 江 山 "
         "火 月 夜 星 雾 雪 雨 风 草原 戈壁 平原 码头 车站 站台 工厂 南方 北方 湘西 江南 麦田 稻田 渡口 灯塔 春风 "
         "往事 流年 尘埃 光阴 天涯 彼岸 山谷 荒原 雪山 牧场",
    "p": "中国 湖南 湘江 长沙 株洲 醴陵 江南 岭南 西部 东方 北方 南方 乡村 城市 长江 黄河 洞庭 湘东 渌江 世界 "
         "西藏 新疆 云南 丝绸之路 敦煌 故宫 西湖 黄山",
    "h": "孔子 孟子 老子 庄子 屈原 司马迁 诸葛亮 曹操 李白 杜甫 白居易 苏轼 李清照 辛弃疾 岳飞 王阳明 郑和 "
         "林则徐 曾国藩 左宗棠 谭嗣同 毛泽东 周恩来 刘少奇 彭德怀 鲁迅 胡适 沈从文 齐白石 袁隆平 钱学森 邓稼先 "
         "武则天 康熙 乾隆 张骞 玄奘 李时珍",
    "d": "先秦 秦汉 魏晋 南北朝 隋唐 唐代 宋代 元代 明代 清代 明清 民国 近代 晚清 大唐 两宋",
    "n": "100 50 30 20 12 10 365 1000 九 十 十二 一百 二十四",
    "j": "1 2 3 4 5 6 7 8 9 10 11 12 14 16 18 20 22 25",
    "a": "兔子 小熊 狐狸 老鼠 小猫 小狗 刺猬 松鼠 企鹅 恐龙 小鸭 青蛙 蚂蚁 大象 狮子 猴子 熊猫 乌龟 小猪 蜗牛 "
         "长颈鹿 小鸡 小鱼 萤火虫",
    "c": "森林 月亮 星星 彩虹 魔法书 南瓜 雨伞 城堡 树洞 云朵 糖果屋 火车 风筝 红气球 蛋糕 种子 小河 雪人",
    "k": "长沙窑 景德镇窑 龙泉窑 钧窑 汝窑 定窑 磁州窑 耀州窑 建窑 醴陵窑 越窑 德化窑",
    "r": "左权 李立三 程潜 陈明仁 宁调元 傅熊湘 刘揆一 袁昌英 蔡锷 黄兴",
}
_WORDS = {key: tuple(text.split()) for key, text in _WORDS.items()}

_PATTERNS = {
    "novel": "{w} {w}{v} {w}的{v} {w}往事 最后的{w} 回到{w} {w}之{v} {w}与{v} 我的{w} 那年{w} {w}深处 "
             "{w}纪事 遥远的{w} {w}上的{v} {p}{w} {w}{w2}",
    "short": "{w} {w}的{v} {w}及其他 {w}：小说集 {w}{v}",
    "essay": "{w}集 {w}随笔 {w}手记 {p}散记 {w}与{v} 在{w}里 {w}笔记 听{w} {w}絮语 {w}的味道 {p}记忆 {w}书简",
    "poem": "{w}诗选 {w}之歌 {w}集 致{w} {w}抒情诗 {p}诗草",
    "verse": "{d}诗词鉴赏 {h}诗词选读 {d}诗词名篇赏析 古诗词里的{w} {h}诗传 {d}词选",
    "bio": "{h}传 {h}评传 {h}的故事 {h}画传 {h}年谱 {h}的一生 走近{h}",
    "history": "中国{t}史 {d}{t} {d}史话 话说{d} {d}{t}研究 {p}{t}史 {d}的{t} 图说{d}",
    "world": "世界{t}史 {t}的历史 全球{t}史 文明的{t} {t}简史 {t}与文明",
    "travel": "{p}游记 行走{p} {p}旅行 {p}自驾游 {p}风物志 {p}旅游指南 寻访{p}",
    "code": "{t}程序设计 {t}编程从入门到精通 {t}核心技术 零基础学{t} {t}基础教程 {t}编程实战 {t}数据分析",
    "tech": "{t}原理与实践 深入理解{t} {t}实战 {t}基础教程 {t}入门 {t}技术与应用 图解{t} {t}从入门到精通",
    "generic": "{t}研究 {t}概论 {t}基础 {t}实用手册 {t}与{u} {p}{t}研究 {t}十讲 图解{t} {t}入门 {t}简史 "
               "{t}的{u} 现代{t} {t}理论与实践 中国{t} {t}案例分析 新编{t} {t}知识问答 {t}百问 一本书读懂{t} "
               "{t}学习指南 {t}{n}讲 {t}通识",
    "popular": "{t}指南 {t}一本通 {t}大全 {t}百科 图解{t} 轻松学{t} {t}入门 家庭{t} {t}{n}例 {t}小窍门 {t}全书",
    "kids": "小{a}{c} {a}的{c} {a}和{a2} {c}里的{a} 会飞的{c} {n}只{a} 勇敢的小{a} {a}历险记 {a}找{c} "
            "{a}的{n}个好朋友 爱哭的{a} 晚安，{a}",
    "kidsfact": "十万个为什么：{t} 写给孩子的{t} 我的第一本{t}书 {t}大百科 {t}小百科 {t}绘本 少儿{t}知识 "
                "给孩子讲{t} {t}的秘密 {t}里的科学",
    "school": "{t}同步练习 {t}阅读训练 {t}学习方法 {t}提分训练 {t}知识大全 {t}一本通 {t}基础训练 {t}考点精讲",
    "local": "醴陵{t} 醴陵{t}志 醴陵{t}史 醴陵{t}研究 醴陵文史资料：第{j}辑 醴陵{t}概览 渌江{t}",
    "localman": "{r}传 {r}年谱 {r}研究 {r}纪念文集 醴陵名人{t}",
    "ceramic": "陶瓷{t} 日用陶瓷{t} 陶瓷{t}技术 {t}工艺 陶瓷{t}基础 陶瓷{t}学 现代陶瓷{t}",
    "ceramicart": "中国陶瓷{t} {p}陶瓷艺术 陶艺{t} 釉下彩{t} 陶瓷{t}图录 瓷上{t}",
    "ceramicold": "中国古陶瓷{t} {d}瓷器 {k}瓷器 {k}研究 {d}{k} 古瓷{t}",
}
_PATTERNS = {key: tuple(text.split()) for key, text in _PATTERNS.items()}
# A second word of the same kind in one title: {w}与{v}, {a}和{a2}, {t}的{u}; t is the subject's own words.
_SAME_KIND = {"v": "w", "w2": "w", "a2": "a", "u": "t"}


@dataclass(frozen=True)
class _Subject:
    """One shelf of the library: its class, share of titles, how its titles are made."""

    clc: str
    weight: int  # per mille of generated titles
    collection: str
    headings: tuple[str, ...]  # 606: "$a" then "$x/$y/$z" subdivisions, written as in MARC
    patterns: str
    words: tuple[str, ...]
    publishers: tuple[str, ...]
    pages: tuple[int, int]
    country: str = ""  # a translated work's country: (美), (日) ...


def _s(clc: str, weight: int, collection: str, headings: str, patterns: str, words: str, publishers: str,
       pages: str = "180-420", country: str = "") -> _Subject:
    low, high = pages.split("-")
    return _Subject(clc, weight, collection, tuple(headings.split()), patterns, tuple(words.split()),
                    tuple(publishers.split()), (int(low), int(high)), country)


_LIT = "02 5063 5321 5404 5354 5339 5302 5502 5366 5447"
_FOREIGN = "5327 5447 5442 208 02 5302 5404"
_KIDS = "5562 5448 5324 02"

SUBJECTS: tuple[_Subject, ...] = (
    # I literature (with the children's shelves below: about a third of the titles)
    _s("I247.5", 52, GENERAL, "长篇小说$y中国$z当代", "novel", "", _LIT, "220-640"),
    _s("I247.53", 12, GENERAL, "历史小说$y中国$z当代", "novel", "", _LIT, "260-560"),
    _s("I247.55", 8, GENERAL, "科学幻想小说$y中国$z当代", "novel", "", _LIT, "220-480"),
    _s("I247.57", 14, GENERAL, "中篇小说$y中国$z当代", "novel", "", _LIT, "160-320"),
    _s("I247.7", 12, GENERAL, "短篇小说$x小说集$y中国$z当代", "short", "", _LIT, "180-360"),
    _s("I266", 30, GENERAL, "散文集$y中国$z当代", "essay", "", _LIT + " 108", "160-320"),
    _s("I227", 8, GENERAL, "诗集$y中国$z当代", "poem", "", _LIT, "100-240"),
    _s("I207.22", 8, GENERAL, "古典诗歌$x诗歌研究$y中国", "verse", "", "101 5325 80520 02", "200-420"),
    _s("I712.45", 12, GENERAL, "长篇小说$y美国$z现代", "novel", "", _FOREIGN, "260-560", "美"),
    _s("I561.45", 8, GENERAL, "长篇小说$y英国$z现代", "novel", "", _FOREIGN, "260-560", "英"),
    _s("I565.45", 4, GENERAL, "长篇小说$y法国$z现代", "novel", "", _FOREIGN, "220-480", "法"),
    _s("I313.45", 10, GENERAL, "长篇小说$y日本$z现代", "novel", "", _FOREIGN, "220-420", "日"),
    _s("I512.45", 3, GENERAL, "长篇小说$y俄罗斯$z现代", "novel", "", _FOREIGN, "300-600", "俄"),
    # children's room
    _s("I287", 35, CHILDREN, "儿童小说$y中国$z当代 儿童文学$y中国$z当代", "kids", "", _KIDS, "96-220"),
    _s("I287.8", 25, CHILDREN, "图画故事$y中国$z当代", "kids", "", _KIDS, "24-48"),
    _s("I712.85", 6, CHILDREN, "儿童故事$y美国$z现代", "kids", "", _KIDS + " 5442", "32-160", "美"),
    _s("I313.85", 4, CHILDREN, "儿童故事$y日本$z现代", "kids", "", _KIDS + " 5442", "32-160", "日"),
    _s("Z228.1", 15, CHILDREN, "科学知识$x儿童读物", "kidsfact",
       "恐龙 宇宙 人体 海洋 动物 植物 昆虫 地球 天气 交通工具 机器人 火山 汽车 身体 数学 中国历史", _KIDS, "48-160"),
    _s("G624.2", 5, CHILDREN, "语文课$x小学$x教学参考资料", "school", "小学语文 小学作文 小学生阅读 小学古诗词 识字", "107 5562", "80-200"),
    _s("G624.5", 3, CHILDREN, "数学课$x小学$x教学参考资料", "school", "小学数学 小学奥数 口算 应用题", "107 5562", "80-200"),
    _s("Q95-49", 4, CHILDREN, "动物$x少儿读物", "kidsfact", "动物 鸟类 昆虫 恐龙 海洋动物", _KIDS, "48-120"),
    # K history and geography
    _s("K20", 10, GENERAL, "中国历史$x通俗读物", "history", "文化 制度 经济 科技 社会 服饰 饮食 战争 外交", "101 108 01 5086 5438"),
    _s("K248", 4, GENERAL, "中国历史$z明代", "history", "宫廷 王朝 内阁 海防 商帮", "101 108 5086 5438"),
    _s("K249", 4, GENERAL, "中国历史$z清代", "history", "宫廷 王朝 军机处 洋务 湘军", "101 108 5086 5438 80520"),
    _s("K25", 4, GENERAL, "中国历史$z近代", "history", "变革 思潮 革命 外交 教育", "101 01 108 5438"),
    _s("K27", 3, GENERAL, "中国历史$z现代", "history", "建设 改革 发展", "01 5438"),
    _s("K820.7", 12, GENERAL, "人物$x传记$y中国$z现代", "bio", "", "01 5438 02 5063 108"),
    _s("K825.6", 5, GENERAL, "作家$x传记$y中国", "bio", "", "02 5404 108 101"),
    _s("K928.9", 8, GENERAL, "游记$y中国", "travel", "", "108 5404 5438 5086", "160-320"),
    _s("K892", 4, GENERAL, "风俗习惯$y中国", "generic", "民俗 节日 礼俗 饮食文化 婚俗 传统节日", "101 5438 80520"),
    _s("K87", 3, GENERAL, "考古$y中国", "generic", "考古 文物 青铜器 古墓 遗址", "5010 03"),
    _s("K1", 6, GENERAL, "世界史$x通俗读物", "world", "文明 帝国 战争 贸易 宗教", "5086 108 208 5447"),
    # TP computing
    _s("TP311.561", 8, GENERAL, "软件工具$x程序设计", "code", "Python", "115 111 302 121", "240-600"),
    _s("TP312", 5, GENERAL, "程序语言$x程序设计", "code", "C语言 C++ Java JavaScript Go语言", "115 111 302 121", "240-600"),
    _s("TP311.13", 4, GENERAL, "关系数据库系统", "tech", "数据库 SQL MySQL", "115 111 302 121", "220-520"),
    _s("TP18", 8, GENERAL, "人工智能", "tech", "人工智能 机器学习 深度学习 大模型 神经网络 计算机视觉", "115 111 302 121 5086"),
    _s("TP393", 5, GENERAL, "计算机网络", "tech", "计算机网络 网络安全 云计算 物联网 互联网", "115 111 302 121"),
    _s("TP317.1", 6, GENERAL, "办公自动化$x应用软件", "tech", "Excel Word PPT WPS Office", "115 121 302", "200-400"),
    _s("TP391.41", 4, GENERAL, "图象处理软件", "tech", "Photoshop 图像处理 平面设计 短视频剪辑", "115 121 302", "200-400"),
    _s("TP3", 5, GENERAL, "电子计算机$x基本知识", "generic", "计算机 电脑 智能手机 大数据 信息技术", "115 121 302 04"),
    # G culture, education, sport
    _s("G78", 15, GENERAL, "家庭教育", "generic", "家庭教育 亲子沟通 好习惯 情商 专注力 青春期 学习力", "5086 5562 5442 107 5502"),
    _s("G634", 10, GENERAL, "课程$x初中$x教学参考资料", "school", "初中语文 初中数学 中考英语 初中物理 初中化学 中考历史 中考作文", "107 04 5562"),
    _s("G12", 8, GENERAL, "文化史$y中国", "generic", "传统文化 国学 礼仪 家风 茶文化 汉字 中华文明", "101 108 5438 80520"),
    _s("G40", 6, GENERAL, "教育理论", "generic", "教育 教学 课堂 教师 学习科学", "107 04 5086"),
    _s("G852", 3, GENERAL, "武术$y中国", "popular", "太极拳 武术 八段锦 五禽戏", "117 5357"),
    _s("G84", 3, GENERAL, "球类运动", "popular", "篮球 足球 乒乓球 羽毛球", "117 5357 5086"),
    # F economics
    _s("F127", 6, GENERAL, "地区经济$x经济发展$y中国", "generic", "县域经济 区域经济 城乡发展 产业发展", "01 5438 5086 03"),
    _s("F272", 12, GENERAL, "企业管理", "generic", "企业管理 团队管理 领导力 执行力 战略 绩效管理", "5086 111 121 302"),
    _s("F830.59", 8, GENERAL, "投资$x基本知识", "popular", "理财 投资 股票 基金 家庭理财", "5086 111 121"),
    _s("F713.36", 6, GENERAL, "电子商务", "generic", "电子商务 直播带货 网店运营 新媒体营销 短视频营销", "115 121 111"),
    _s("F323", 8, GENERAL, "农业经济$x研究$y中国", "generic", "乡村振兴 农村经济 合作社 家庭农场 农村电商", "109 01 5438"),
    _s("F23", 8, GENERAL, "会计", "generic", "会计 财务管理 成本会计 审计 税务", "04 111 302 121"),
    _s("F12", 8, GENERAL, "中国经济$x研究", "generic", "中国经济 经济改革 宏观经济 共同富裕 数字经济", "01 5086 108 208"),
    # R medicine and health
    _s("R161", 10, GENERAL, "养生(中医)$x基本知识", "popular", "养生 健康 睡眠 长寿 四季养生", "117 5357 5086"),
    _s("R212", 8, GENERAL, "养生(中医)", "popular", "中医养生 经络 艾灸 按摩 节气养生", "117 5357"),
    _s("R247.1", 6, GENERAL, "食物疗法", "popular", "食疗 药膳 汤膳 粥", "117 5357"),
    _s("R174", 6, GENERAL, "婴幼儿$x哺育", "popular", "育儿 婴儿护理 辅食 儿童保健", "117 5357 5086"),
    _s("R5", 5, GENERAL, "内科$x疾病$x防治", "generic", "高血压 糖尿病 心脏病 慢性病 老年病", "117 03"),
    _s("R2", 5, GENERAL, "中国医药学", "generic", "中医 中药 方剂 针灸 本草", "117 5357"),
    # J art
    _s("J212", 6, GENERAL, "中国画$x绘画技法", "popular", "国画 山水画 花鸟画 写意 工笔", "102 5356"),
    _s("J292.1", 8, GENERAL, "汉字$x书法", "popular", "书法 楷书 行书 隶书 毛笔字 钢笔字", "102 5356 101"),
    _s("J41", 4, GENERAL, "摄影技术", "popular", "摄影 手机摄影 人像摄影 风光摄影", "115 102 5356"),
    _s("J6", 3, GENERAL, "音乐$x基本知识", "popular", "音乐 钢琴 古筝 合唱 乐理", "102 5404"),
    _s("J90", 4, GENERAL, "电影艺术", "generic", "电影 纪录片 编剧 导演", "108 5086 5404"),
    # B philosophy and psychology
    _s("B222.2", 5, GENERAL, "儒家", "generic", "论语 儒家思想 孔子 心学", "101 5325 80520 108"),
    _s("B223.1", 4, GENERAL, "道家", "generic", "道德经 老子 庄子 道家思想", "101 5325 80520"),
    _s("B821", 10, GENERAL, "人生哲学$x通俗读物", "generic", "人生 幸福 智慧 自我 成长", "5086 5442 5502 5404"),
    _s("B848.4", 8, GENERAL, "成功心理$x通俗读物", "popular", "成功 习惯 自律 高效能 情绪管理", "5086 5442 5502"),
    _s("B84", 8, GENERAL, "心理学$x通俗读物", "generic", "心理学 社会心理 情绪 认知 人格", "5086 108 111 5502"),
    # D politics and law
    _s("D61", 6, GENERAL, "政治$x研究$y中国", "generic", "国家治理 基层治理 民主政治 政府改革", "01 208 5438"),
    _s("D920.5", 8, GENERAL, "法律$y中国$x普及读物", "popular", "法律 普法 维权 劳动法 婚姻家庭法", "5118 01"),
    _s("D923", 6, GENERAL, "民法$y中国$x法律解释", "generic", "民法典 合同 物权 侵权责任 继承", "5118 01 302"),
    _s("D669.6", 5, GENERAL, "老年人问题$y中国", "generic", "养老 老龄化 社区养老 老年教育", "01 5438"),
    _s("D26", 6, GENERAL, "中国共产党$x党的建设", "generic", "党建 党史 基层党建 党员教育", "01 5438"),
    # H languages
    _s("H163", 4, GENERAL, "汉语$x字典", "popular", "字典 成语词典 汉语词典 同义词词典", "100 107"),
    _s("H319.4", 10, GENERAL, "英语$x语言读物", "popular", "英语阅读 双语读物 英语美文 英语故事", "5447 115 04 5327"),
    _s("H31", 6, GENERAL, "英语$x自学参考资料", "generic", "英语 英语口语 英语语法 英语词汇 英语写作", "04 5447 115"),
    _s("H152.3", 5, GENERAL, "汉语$x应用文$x写作", "generic", "应用文写作 公文写作 写作 演讲与口才", "04 01 5438"),
    # N O P Q S T U V X sciences, Z general, E military, C society, A classics of Marxism
    _s("N49", 6, GENERAL, "科学知识$x普及读物", "generic", "科学 科普 科学史 科学家 发明", "03 5357 5086"),
    _s("O1-49", 4, GENERAL, "数学$x普及读物", "generic", "数学 几何 概率 数学思维 数学史", "03 5357 115"),
    _s("O4-49", 4, GENERAL, "物理学$x普及读物", "generic", "物理 量子力学 相对论 力学 光学", "03 5357"),
    _s("P1-49", 3, GENERAL, "天文学$x普及读物", "generic", "宇宙 星空 黑洞 太阳系 天文", "03 5357"),
    _s("Q94", 3, GENERAL, "植物学", "generic", "植物 野花 树木 药用植物", "03 109 5357"),
    _s("S63", 5, GENERAL, "蔬菜园艺", "popular", "蔬菜栽培 大棚蔬菜 阳台种菜 有机蔬菜", "109 5357 122"),
    _s("S511", 3, GENERAL, "水稻$x栽培技术", "popular", "水稻 杂交水稻 双季稻 稻田养殖", "109 5357"),
    _s("S828", 3, GENERAL, "猪$x饲养管理", "popular", "养猪 生猪 猪病防治", "109 5357 122"),
    _s("S43", 3, GENERAL, "病虫害防治", "popular", "病虫害 农药使用 果树病虫害", "109 5357 122"),
    _s("TS972.1", 10, GENERAL, "菜谱", "popular", "家常菜 湘菜 川菜 粤菜 面点 烘焙 汤煲", "122 5357 5086 109"),
    _s("TU241", 4, GENERAL, "住宅$x室内装饰设计", "popular", "家装 室内设计 装修 收纳", "112 122 5356"),
    _s("TM", 3, GENERAL, "电工技术", "popular", "电工 家庭电路 电机维修", "111 122 121"),
    _s("U47", 3, GENERAL, "汽车$x驾驶术", "popular", "汽车驾驶 汽车保养 新能源汽车", "111 122"),
    _s("V4-49", 3, GENERAL, "航天$x普及读物", "generic", "航天 火箭 空间站 探月", "03 5357"),
    _s("X2", 3, GENERAL, "环境保护", "generic", "环境保护 垃圾分类 生态文明 节能减排", "122 03 01"),
    _s("Z227", 4, GENERAL, "百科全书$y中国", "popular", "百科 知识 常识 国学常识", "100 101 5086"),
    _s("E29", 4, GENERAL, "军事史$y中国", "history", "战争 军事 兵器 战役", "01 108 5086"),
    _s("C912.1", 6, GENERAL, "人际关系$x通俗读物", "popular", "沟通 说话 人际关系 社交 情商", "5086 5442 5502"),
    _s("C913", 4, GENERAL, "社会生活$y中国", "generic", "社会 城市生活 家庭 消费", "108 01 5086"),
    _s("A81", 3, GENERAL, "马克思主义$x学习参考资料", "generic", "马克思主义 共产党宣言 哲学思想", "01 208"),
    # 地方文献: 醴陵, its porcelain, its people
    _s("K296.44", 10, LOCAL, "地方史$y醴陵 地方志$y醴陵", "local",
       "交通 教育 卫生 文化 金融 农业 水利 地名 人物 陶瓷 花炮 烟花 方言 老街 状元洲 渌江书院", "5438 80520 5357"),
    _s("K820.864", 6, LOCAL, "历史人物$x传记$y醴陵", "localman", "录 传略 故事", "5438 80520 01"),
    _s("TQ174", 6, LOCAL, "陶瓷工业$x工业史$y醴陵", "local", "瓷业 陶瓷 釉下五彩瓷 醴陵窑 电瓷 日用瓷 瓷厂", "5438 5357 122"),
    _s("J527", 4, LOCAL, "陶瓷$x工艺美术$y醴陵", "local", "釉下五彩 瓷艺 陶瓷艺术 瓷器图录 名家瓷画", "5356 5438"),
    _s("F127.64", 3, LOCAL, "地区经济$x经济发展$y醴陵", "local", "经济 产业 烟花爆竹业 陶瓷产业 县域经济", "5438 01"),
    _s("I266", 3, LOCAL, "散文集$y中国$z当代", "local", "散文 诗文 诗词 乡愁 故事", "5404 5438"),
    # 陶瓷资料室
    _s("TQ174", 10, CERAMICS, "陶瓷工业$x生产工艺", "ceramic",
       "工艺学 原料 釉料 窑炉 成型 烧成 装饰 彩绘 色釉 坯料 检测 化学 设计 釉下彩 电瓷", "122 5357 03 5356"),
    _s("J527", 6, CERAMICS, "陶瓷$x工艺美术$y中国", "ceramicart", "艺术 装饰 绘画 纹饰 设计 雕塑 青花 粉彩", "5356 102 5010"),
    _s("K876.3", 4, CERAMICS, "瓷器(考古)$x鉴定$y中国", "ceramicold", "鉴定 图录 鉴赏 收藏 纹饰", "5010 101 5325 5356"),
)

# 古籍室: (title, responsibility, class, facsimile publishers); editions vary, the works do not.
CLASSICS = tuple(line.split("|") for line in """
周易||B221|101 5325 80520
诗经||I222.2|101 5325 80520
楚辞|(战国)屈原等著|I222.3|101 5325 80520
论语集注|(宋)朱熹撰|B222.2|101 5325
孟子|(战国)孟轲著|B222.5|101 80520
庄子|(战国)庄周著|B223.5|101 5325
史记|(汉)司马迁撰|K204.2|101 80520
汉书|(汉)班固撰|K204.2|101 5325
三国志|(晋)陈寿撰|K204.2|101 80520
资治通鉴|(宋)司马光编著|K204.3|101 5325 80520
说文解字|(汉)许慎撰|H161|101 5325
康熙字典|(清)张玉书等编|H162|101 5325
文心雕龙|(南朝梁)刘勰著|I206.2|101 5325
世说新语|(南朝宋)刘义庆撰|I242.1|101 5325 80520
聊斋志异|(清)蒲松龄著|I242.1|101 5325 80520
本草纲目|(明)李时珍著|R281.3|117 5325
天工开物|(明)宋应星著|N092|5325 80520
陶说|(清)朱琰著|TQ174-092|5325 5010
景德镇陶录|(清)蓝浦著|TQ174-092|5325 5010
徐霞客游记|(明)徐霞客著|K928.9|5325 80520
水经注|(北魏)郦道元著|K928.4|5325 101
宋词三百首|(清)上彊村民编|I222.844|101 5325
孙子兵法|(春秋)孙武著|E892.25|101 80520
颜氏家训|(北齐)颜之推著|B823.1|101 80520
传习录|(明)王阳明著|B248.2|5325 80520
曾国藩家书|(清)曾国藩著|K827=52|80520 101
醴陵县志|(清)徐淦修|K296.44|5438 80520
""".strip().splitlines())


@dataclass(frozen=True)
class _Famous:
    title: str
    responsibility: str
    people: str  # "曹雪芹/著 高鹗/著": name access points with their roles (translators go to 702)
    prefix: str
    year: int
    clc: str
    pages: int
    price: str
    volumes: int = 1
    collection: str = GENERAL
    heading: str = "长篇小说$y中国$z当代"


def _f(line: str) -> _Famous:
    title, responsibility, people, prefix, year, clc, pages, price, volumes, collection, heading = (
        line.split("|") + [""] * 11)[:11]
    return _Famous(title, responsibility, people, prefix, int(year), clc, int(pages), price, int(volumes or 1),
                   collection or GENERAL, heading or "长篇小说$y中国$z当代")


FAMOUS = tuple(_f(line.strip()) for line in """
    红楼梦|(清)曹雪芹, 高鹗著|曹雪芹/著 高鹗/著|02|2008|I242.4|1606|59.70|2||章回小说$y中国$z清代
    三国演义|(明)罗贯中著|罗贯中/著|02|1998|I242.4|1028|39.50|2||章回小说$y中国$z明代
    西游记|(明)吴承恩著|吴承恩/著|02|2010|I242.4|1205|47.20|2||章回小说$y中国$z明代
    水浒传|(明)施耐庵, 罗贯中著|施耐庵/著 罗贯中/著|02|1997|I242.4|1184|43.80|2||章回小说$y中国$z明代
    三体|刘慈欣著|刘慈欣/著|5366|2008|I247.55|302|23.00|||科学幻想小说$y中国$z当代
    平凡的世界|路遥著|路遥/著|5302|2012|I247.5|1264|108.00|3
    活着|余华著|余华/著|5063|2012|I247.57|191|20.00|||中篇小说$y中国$z当代
    许三观卖血记|余华著|余华/著|5063|2012|I247.57|254|24.00|||中篇小说$y中国$z当代
    围城|钱锺书著|钱锺书/著|02|1991|I246.5|359|19.00|||长篇小说$y中国$z现代
    边城|沈从文著|沈从文/著|02|2017|I246.5|155|26.00|||中篇小说$y中国$z现代
    骆驼祥子|老舍著|老舍/著|02|2000|I246.5|232|16.00|||长篇小说$y中国$z现代
    家|巴金著|巴金/著|02|2013|I246.5|378|29.00|||长篇小说$y中国$z现代
    朝花夕拾|鲁迅著|鲁迅/著|02|2006|I210.4|104|12.00|||散文集$y中国$z现代
    白鹿原|陈忠实著|陈忠实/著|02|2012|I247.5|679|39.00
    长安的荔枝|马伯庸著|马伯庸/著|5404|2022|I247.53|200|45.00|||历史小说$y中国$z当代
    曾国藩|唐浩明著|唐浩明/著|5404|2012|I247.53|1596|98.00|3||历史小说$y中国$z当代
    繁花|金宇澄著|金宇澄/著|5321|2013|I247.5|443|48.00
    额尔古纳河右岸|迟子建著|迟子建/著|5302|2013|I247.5|268|28.00
    人生|路遥著|路遥/著|02|2012|I247.57|196|22.00|||中篇小说$y中国$z当代
    百年孤独|(哥伦比亚)加西亚·马尔克斯著 ; 范晔译|马尔克斯/著 范晔/译|5442|2011|I775.45|360|39.50|||长篇小说$y哥伦比亚$z现代
    老人与海|(美)海明威著 ; 吴劳译|海明威/著 吴劳/译|5327|2006|I712.45|120|16.00|||中篇小说$y美国$z现代
    追风筝的人|(美)卡勒德·胡赛尼著 ; 李继宏译|胡赛尼/著 李继宏/译|208|2006|I712.45|362|29.00|||长篇小说$y美国$z现代
    解忧杂货店|(日)东野圭吾著 ; 李盈春译|东野圭吾/著 李盈春/译|5442|2014|I313.45|291|39.50|||长篇小说$y日本$z现代
    钢铁是怎样炼成的|(苏)奥斯特洛夫斯基著 ; 梅益译|奥斯特洛夫斯基/著 梅益/译|02|2005|I512.45|464|25.00|||长篇小说$y苏联
    简·爱|(英)夏洛蒂·勃朗特著 ; 祝庆英译|勃朗特/著 祝庆英/译|5327|2006|I561.44|510|26.00|||长篇小说$y英国$z近代
    时间简史|(英)史蒂芬·霍金著 ; 许明贤, 吴忠超译|霍金/著 许明贤/译 吴忠超/译|5357|2010|P159-49|235|45.00|||宇宙学$x普及读物
    人类简史：从动物到上帝|(以色列)尤瓦尔·赫拉利著 ; 林俊宏译|赫拉利/著 林俊宏/译|5086|2014|K02-49|440|68.00|||世界史$x通俗读物
    万历十五年|(美)黄仁宇著|黄仁宇/著|108|2015|K248.3|326|36.00|||中国历史$z明代
    乡土中国|费孝通著|费孝通/著|01|2008|C912.82|151|25.00|||农村社会学$y中国
    苏东坡传|林语堂著 ; 张振玉译|林语堂/著 张振玉/译|5404|2018|K825.6|416|45.00|||苏轼$x传记
    论语译注|杨伯峻译注|杨伯峻/译注|101|2006|B222.2|301|18.00|||儒家
    唐诗三百首|(清)蘅塘退士编|蘅塘退士/编|101|2016|I222.742|456|34.00|||唐诗$x诗集
    小王子|(法)圣埃克苏佩里著 ; 马振骋译|圣埃克苏佩里/著 马振骋/译|02|2003|I565.88|98|18.00||children|童话$y法国$z现代
    窗边的小豆豆|(日)黑柳彻子著 ; 赵玉皎译|黑柳彻子/著 赵玉皎/译|5442|2018|I313.8|272|39.50||children|儿童文学$y日本$z现代
    昆虫记|(法)法布尔著 ; 陈筱卿译|法布尔/著 陈筱卿/译|5448|2016|Q96-49|312|32.00||children|昆虫$x少儿读物
    十万个为什么|少年儿童出版社编|少年儿童出版社/编|5324|2013|Z228.1|320|35.00|4|children|科学知识$x儿童读物
    醴陵市志|醴陵市地方志编纂委员会编|醴陵市地方志编纂委员会/编|5438|2018|K296.44|1560|380.00|2|local|地方志$y醴陵
    醴陵釉下五彩瓷|醴陵市陶瓷行业协会编|醴陵市陶瓷行业协会/编|5356|2016|TQ174|228|168.00||local|釉下彩$x陶瓷$y醴陵
""".strip().splitlines())
_AUDIO_OF = ("平凡的世界", "活着", "三体", "白鹿原", "围城", "骆驼祥子", "红楼梦", "苏东坡传", "朝花夕拾", "边城")
_NARRATORS = "李野墨 王明军 艾宝良 关山 张震 纪涵邦 徐涛".split()
# The devices of the 盲人数字阅读推广工程 and the DAISY players before them.
DEVICES = (("智能听书机", 2017, "680.00", 12), ("DAISY有声读物播放器", 2014, "1200.00", 4))

_SERIES = {
    "I247.5": "当代中国长篇小说丛书", "I266": "中国当代散文名家丛书", "I287": "中国儿童文学名家名作",
    "I287.8": "绘本中国", "I712.45": "外国当代小说译丛", "K820.7": "中国现代名人传记丛书",
    "TP311.561": "图灵程序设计丛书", "TP18": "人工智能技术丛书", "Z228.1": "少儿百科全书",
    "K296.44": "醴陵文史丛书", "TQ174": "陶瓷工艺技术丛书", "R161": "健康中国丛书", "F323": "乡村振兴丛书",
}
# 101$c, the original language of a translation, by the country the title page names.
_LANGUAGES = {"日": "jpn", "法": "fre", "俄": "rus", "苏": "rus", "德": "ger", "哥伦比亚": "spa", "以色列": "heb"}
_EDITIONS = ("第2版", "第2版", "第3版", "修订版", "新1版", "增订本")
_SIZES = ("21cm", "23cm", "23cm", "24cm", "26cm")
_KIND_NAMES = ("著", "著", "著", "著", "主编", "编著", "编")
_AUTHORED = {"novel", "short", "essay", "poem", "kids", "bio"}  # written by one author, never "编"


# --- the generator ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Title:
    """One generated title: its CNMARC record (no holdings yet) and how a library holds it."""

    record: Record
    clc_class: str | None
    collection: str
    year: int
    volumes: int  # a set shelved as one call number with :1, :2 ...
    copies: int  # copies of the whole set a county library would buy
    item_type: str = "book"


class _Words(dict):
    """Fills one title pattern, drawing each placeholder only when the pattern uses it."""

    def __init__(self, rng: random.Random, words: tuple[str, ...]) -> None:
        super().__init__()
        self.rng = rng
        self.words = words

    def __missing__(self, key: str) -> str:
        kind = _SAME_KIND.get(key, key)
        pool = self.words if kind == "t" else _WORDS[kind]
        value = self.rng.choice(pool)
        if value in self.values() and len(pool) > 1:  # 月光月光, 刺猬和刺猬
            value = self.rng.choice(pool)
        self[key] = value
        return value


class CatalogueGenerator:
    """Makes titles one after another; keeps the state that must not repeat (record numbers, ISBNs)."""

    def __init__(self, rng: random.Random, *, latest_year: int = 2025, first_number: int = 1) -> None:
        self.rng = rng
        self.latest_year = latest_year
        self.number = first_number
        self._isbn_used: dict[str, int] = {}
        self._isbn_start: dict[str, int] = {}
        self._cum_weights = tuple(accumulate(s.weight for s in SUBJECTS))

    def titles(self, count: int) -> Iterator[Title]:
        """``count`` titles: the famous ones and the listening devices first, then a realistic mix."""
        famous = (self._famous(f) for f in FAMOUS)
        devices = (self._device(*d) for d in DEVICES)
        return islice(chain(famous, devices, self._mix()), count)

    def _mix(self) -> Iterator[Title]:
        """Endless titles: 2% classics for the 古籍室, 1% audiobooks, the rest by subject weight."""
        while True:
            roll = self.rng.random()
            if roll < 0.02:
                yield self._classic()
            elif roll < 0.03:
                yield self._audiobook()
            else:
                yield self._subject(self.rng.choices(SUBJECTS, cum_weights=self._cum_weights)[0])

    # -- the kinds of title

    def _subject(self, subject: _Subject) -> Title:
        rng = self.rng
        title = rng.choice(_PATTERNS[subject.patterns]).format_map(_Words(rng, subject.words))
        people: list[tuple[str, str, str]] = []
        if subject.country:
            shown, surname = _foreign_author(rng, subject.country)
            translator = person_name(rng)
            responsibility = f"({subject.country}){shown}著 ; {translator}译"
            people += [("701", surname, "著"), ("702", translator, "译")]
        elif subject.collection == LOCAL and rng.random() < 0.3:
            body = rng.choice(("醴陵市政协文史学习委员会", "醴陵市地方志编纂委员会", "醴陵市文化旅游广电体育局",
                               "醴陵市陶瓷行业协会"))
            responsibility = f"{body}编"
            people.append(("711", body, "编"))
        elif subject.patterns in _AUTHORED:
            name = person_name(rng)
            responsibility = f"{name}著"
            people.append(("701", name, "著"))
        else:
            role = rng.choice(_KIND_NAMES)
            names = [person_name(rng) for _ in range(1 if rng.random() < 0.8 else 2)]
            responsibility = ", ".join(names) + role
            people += [("701", name, role) for name in names]
        year = self._year()
        low, high = subject.pages
        volumes = 1 if rng.random() < 0.97 else rng.randint(2, 4)
        copies = rng.choices((1, 2, 3, 4, 5), (60, 25, 9, 4, 2))[0]
        if subject.collection in (LOCAL, CERAMICS):
            copies = min(copies, 2)
        record = self._record(
            title=title, responsibility=responsibility, people=people,
            prefix=rng.choice(subject.publishers), year=year, clc=subject.clc,
            pages=rng.randint(low, high) * volumes, volumes=volumes,
            headings=subject.headings[:1 + (rng.random() < 0.3)],
            series=_SERIES.get(subject.clc) if rng.random() < 0.15 else None,
            edition=rng.choice(_EDITIONS) if rng.random() < 0.08 else None,
            audience="c  " if subject.collection == CHILDREN else "m  ",
            original_language=subject.country,
        )
        return Title(record, subject.clc, subject.collection, year, volumes, copies)

    def _famous(self, famous: _Famous) -> Title:
        people = []
        for part in famous.people.split():
            name, role = part.split("/")
            people.append(("702" if role == "译" else "711" if name.endswith(("会", "社")) else "701", name, role))
        country = ""
        if famous.responsibility.endswith("译"):  # (美)海明威著 ; 吴劳译; 林语堂 wrote 苏东坡传 in English
            country = re.match(r"\(([^)]*)\)|", famous.responsibility)[1] or "英"
        year = min(famous.year, self.latest_year)
        record = self._record(
            title=famous.title, responsibility=famous.responsibility, people=people, prefix=famous.prefix,
            year=year, clc=famous.clc, pages=famous.pages, price=famous.price,
            volumes=famous.volumes, headings=(famous.heading,), series=None, edition=None,
            audience="c  " if famous.collection == CHILDREN else "m  ", original_language=country,
        )
        return Title(record, famous.clc, famous.collection, year, famous.volumes, self.rng.randint(3, 6))

    def _classic(self) -> Title:
        rng = self.rng
        title, responsibility, clc, publishers = rng.choice(CLASSICS)
        volumes = rng.choice((1, 1, 2, 2, 4, 6))
        year = rng.randint(1982, min(2016, self.latest_year))
        people = [("701", _bare_name(responsibility), "著")] if responsibility else []
        record = self._record(
            title=title, responsibility=responsibility, people=people,
            prefix=rng.choice(publishers.split()), year=year, clc=clc,
            pages=rng.randint(200, 400) * volumes, volumes=volumes, headings=("古籍$y中国",), series=None,
            edition=rng.choice(("影印本", "线装本", "点校本")), audience="k  ", original_language="",
        )
        return Title(record, clc, ANCIENT, year, volumes, 1)

    def _audiobook(self) -> Title:
        rng = self.rng
        if rng.random() < 0.5:
            title = rng.choice(_AUDIO_OF)
            famous = next(f for f in FAMOUS if f.title == title)
            author, clc = famous.responsibility, famous.clc
        else:
            title = rng.choice(_PATTERNS["novel"]).format_map(_Words(rng, ()))
            author, clc = person_name(rng) + "著", "I247.5"
        narrator = rng.choice(_NARRATORS)
        year = self._year()
        record = self._base(leader_type="i", year=year, audience="m  ", original_language="")
        title_field = _title_field(title, author)
        title_field.add_subfield("b", "录音制品", pos=1)
        title_field.add_subfield("g", f"{narrator}演播")
        record.add_field(
            _field("010", d=f"CNY{rng.choice((30, 45, 60, 80))}.00"),
            title_field,
            _field("210", a="北京", c="中国盲文出版社", d=str(year)),
            _field("215", a="1张存储卡", c=f"数字(约{rng.randint(6, 40)}小时)"),
            _field("606", "0 ", a="有声读物"),
            _field("690", a=clc, v="5"),
            _field("701", " 0", a=_bare_name(author), **{"4": "著"}),
            _field("702", " 0", a=narrator, **{"4": "演播"}),
        )
        return Title(record, clc, AUDIO, year, 1, rng.choice((1, 1, 2)), "audiobook")

    def _device(self, name: str, year: int, price: str, count: int) -> Title:
        year = min(year, self.latest_year)
        record = self._base(leader_type="r", year=year, audience="m  ", original_language="")
        record.add_field(
            _field("010", d=f"CNY{price}"),
            _field("200", "1 ", a=name, b="实物", f="中国盲文出版社监制"),
            _field("210", a="北京", c="中国盲文出版社", d=str(year)),
            _field("215", a="1台", c="附充电器、耳机"),
            _heading("盲人读物$x播放器"),
            _field("711", "02", a="中国盲文出版社", **{"4": "监制"}),
        )
        return Title(record, None, DEVICE, year, 1, count, "listening_device")

    # -- pieces

    def _year(self) -> int:
        """Publication years as a public library's stock has them: mostly recent, a tail of older ones."""
        return max(1980, self.latest_year - int(self.rng.expovariate(1 / 6)))

    def _isbn(self, prefix: str) -> tuple[str, str]:
        """(publisher prefix, ISBN): the publisher's next unused number. A publisher whose block
        is used up passes the title to a big one, so ISBNs stay unique even at the scale
        benchmark's 600,000 records."""
        capacity = 10 ** (8 - len(prefix))
        used = self._isbn_used.get(prefix, 0)
        if used >= capacity:
            return self._isbn(next(p for p in _BIG_PUBLISHERS if self._isbn_used.get(p, 0) < 10 ** 6))
        start = self._isbn_start.setdefault(prefix, self.rng.randrange(capacity))
        self._isbn_used[prefix] = used + 1
        digits = f"{(start + used * _ISBN_STRIDE) % capacity:0{8 - len(prefix)}d}"
        return prefix, isbn13(prefix, int(digits[::-1]))  # reversed: the numbers of a run differ at the front

    def _base(self, *, leader_type: str, year: int, audience: str, original_language: str) -> Record:
        """Leader, 001 and the coded fields every record has."""
        rng = self.rng
        record = Record(leader=f"00000n{leader_type}m0a2200000   450 ", force_utf8=True)
        entered = f"{max(year, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        # 100$a: date entered, d + year, audience, not a government publication, Chinese, character set 50 (UTF-8)
        general = f"{entered}d{year}    {audience}y0chiy50      ea"
        language = _field("101", "1 " if original_language else "0 ", a="chi")
        if original_language:
            language.add_subfield("c", _LANGUAGES.get(original_language, "eng"))
        record.add_field(Field(tag="001", data=f"LL{self.number:09d}"), _field("100", a=general), language)
        self.number += 1
        return record

    def _record(self, *, title: str, responsibility: str, people: list[tuple[str, str, str]], prefix: str,
                year: int, clc: str, pages: int, volumes: int, headings: tuple[str, ...], series: str | None,
                edition: str | None, audience: str, original_language: str, price: str | None = None) -> Record:
        rng = self.rng
        record = self._base(leader_type="a", year=year, audience=audience, original_language=original_language)
        prefix, isbn = self._isbn(prefix)
        publisher, place = PUBLISHERS[prefix]
        price = price or _price(rng, pages)
        record.add_field(
            _field("010", a=isbn, d=f"CNY{price}"),
            _field("102", a="CN", b=_PROVINCE[place]),
            _title_field(title, responsibility),
        )
        if edition:
            record.add_field(_field("205", a=edition))
        extent = f"{volumes}册({pages}页)" if volumes > 1 else f"{pages}页"
        physical = _field("215", a=extent, d=rng.choice(_SIZES))
        if rng.random() < 0.3:
            physical.add_subfield("c", rng.choice(("图", "彩图", "照片")), pos=1)
        record.add_field(_field("210", a=place, c=publisher, d=str(year)), physical)
        if series:
            record.add_field(_field("225", "2 ", a=series))
        for heading in headings:
            record.add_field(_heading(heading))
        record.add_field(_field("690", a=clc, v="5"))
        for tag, name, role in people:
            record.add_field(_field(tag, "02" if tag == "711" else " 0", a=name, **{"4": role}))
        return record


def _title_field(title: str, responsibility: str) -> Field:
    """200 1#: $a title, $f first statement of responsibility, $g the translator's."""
    first, _, further = responsibility.partition(" ; ")
    field = _field("200", "1 ", a=title)
    if first:
        field.add_subfield("f", first)
    if further:
        field.add_subfield("g", further)
    return field


def _heading(text: str) -> Field:
    """606 0# from "长篇小说$y中国$z当代"."""
    main, *subdivisions = text.split("$")
    return Field(tag="606", indicators=Indicators("0", " "),
                 subfields=[Subfield("a", main), *(Subfield(part[0], part[1:]) for part in subdivisions)])


def _field(tag: str, indicators: str = "  ", **subfields: str) -> Field:
    return Field(tag=tag, indicators=Indicators(*indicators), subfields=[Subfield(c, v) for c, v in subfields.items()])


def _bare_name(responsibility: str) -> str:
    """曹雪芹 from "(清)曹雪芹著": the name access point from a statement of responsibility."""
    return re.sub(r"^\([^)]*\)|(等)?(著|撰|编著|编|修|演播)$", "", responsibility.split(",")[0].split(" ; ")[0])


def _price(rng: random.Random, pages: int) -> str:
    """What Chinese books cost: about 0.12 yuan a page, ending in .00, .80, .50 or .90."""
    yuan = max(8, int(pages * rng.uniform(0.09, 0.16)))
    return f"{yuan}.{rng.choice(('00', '00', '00', '80', '50', '90'))}"


def generate_titles(rng: random.Random, count: int, *, latest_year: int = 2025) -> Iterator[Title]:
    """``count`` realistic titles, deterministic for the state of ``rng``."""
    return CatalogueGenerator(rng, latest_year=latest_year).titles(count)


def generate_records(rng: random.Random, count: int, *, latest_year: int = 2025) -> Iterator[Record]:
    """Just the CNMARC records of ``generate_titles``."""
    return (title.record for title in generate_titles(rng, count, latest_year=latest_year))


# --- copies ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Copy:
    """One item: where it stands, its barcode and call number, and what has happened to it."""

    barcode: str
    branch: str  # branch code
    location: str | None  # location code
    call_class: str | None
    book_number: int | None
    volume: int | None
    item_type: str
    status: str
    acquired_on: str
    source: str

    @property
    def call_number(self) -> str | None:
        if self.call_class is None:
            return None
        text = f"{self.call_class}/{self.book_number}"
        return f"{text}:{self.volume}" if self.volume else text


# (branch code, location code, weight): where copies of one collection go.
Shelves = Mapping[str, Sequence[tuple[str, str | None, float]]]
_ACQUIRED_FROM = dt.date(2015, 1, 1)
_PROCESSING_DAYS = 14  # copies bought this recently are still at the cataloguing desk
# How copies came to the library (item source), as (choices, weights).
_SOURCES = {
    LOCAL: (("征集", "捐赠", "采购"), (5, 3, 2)),
    ANCIENT: (("采购", "捐赠"), (6, 4)),
    DEVICE: (("调拨",), (1,)),
}
_BOOK_SOURCES = (("采购", "捐赠", "调拨"), (90, 8, 2))
_LATER_STATUSES = (("available", "damaged", "missing"), (96, 2, 2))


class Shelver:
    """Gives each title its call number (a running 种次号 per class), its copies' barcodes
    (one fixed-width number after another) and their places, acquisition dates and statuses."""

    def __init__(self, rng: random.Random, shelves: Shelves, *, today: dt.date, first_barcode: int = 1,
                 barcode_width: int = BARCODE_WIDTH) -> None:
        self.rng = rng
        self.today = today
        self.barcode = first_barcode
        self.width = barcode_width
        self.book_numbers: dict[str, int] = {}
        self.shelves = {kind: (places, tuple(accumulate(w for *_, w in places))) for kind, places in shelves.items()}

    def copies(self, title: Title) -> list[Copy]:
        rng = self.rng
        number = None
        if title.clc_class:
            number = self.book_numbers[title.clc_class] = self.book_numbers.get(title.clc_class, 0) + 1
        acquired = self._acquired(title.year)
        places, weights = self.shelves[title.collection]
        sources, source_weights = _SOURCES.get(title.collection, _BOOK_SOURCES)
        made = []
        for _ in range(title.copies):
            branch, location, _weight = rng.choices(places, cum_weights=weights)[0]
            source = rng.choices(sources, source_weights)[0]
            for volume in range(1, title.volumes + 1):
                made.append(Copy(
                    barcode=f"{self.barcode:0{self.width}d}", branch=branch, location=location,
                    call_class=title.clc_class, book_number=number, volume=volume if title.volumes > 1 else None,
                    item_type=title.item_type, status=self._status(acquired), acquired_on=acquired.isoformat(),
                    source=source,
                ))
                self.barcode += 1
        return made

    def _acquired(self, year: int) -> dt.date:
        start = min(max(_ACQUIRED_FROM, dt.date(year, 1, 1)), self.today)
        return start + dt.timedelta(days=self.rng.randrange((self.today - start).days + 1))

    def _status(self, acquired: dt.date) -> str:
        if (self.today - acquired).days < _PROCESSING_DAYS:
            return "processing"
        return self.rng.choices(*_LATER_STATUSES)[0]


def holding_fields(copies: Iterable[Copy]) -> list[Field]:
    """905 local holdings as suppliers send them: $a branch $b barcode $c location $d class $e 种次号 $f volume."""
    fields = []
    for copy in copies:
        field = _field("905", a=copy.branch, b=copy.barcode)
        if copy.location:
            field.add_subfield("c", copy.location)
        if copy.call_class:
            field.add_subfield("d", copy.call_class)
            field.add_subfield("e", str(copy.book_number))
        if copy.volume:
            field.add_subfield("f", str(copy.volume))
        fields.append(field)
    return fields


# --- the demo step ---------------------------------------------------------------------------

# The central library's rooms (presets) and which collection each takes.
_CENTRAL = {CHILDREN: "ZG-SE", LOCAL: "ZG-DF", ANCIENT: "ZG-GJ", CERAMICS: "ZG-TC", AUDIO: "ZG-MR", DEVICE: "ZG-MR"}
_LENDING = "ZG-WJ"


def demo_shelves(session: Session) -> dict[str, list[tuple[str, str | None, float]]]:
    """Where the demo's copies go: the central rooms take most, each branch some.

    A branch without a location gets one named after it (code = branch code), as the
    preset branches have, so that its copies have a shelf.
    """
    preset = {branch.code for branch in presets.BRANCHES}
    branches = [b for b in list_branches(session) if b.active]
    have = {location.branch_code for location in list_locations()}
    for branch in branches:
        if branch.code not in have:
            add_location(session, branch=branch.code, code=branch.code, name=branch.name)
    first_location = {}
    for location in list_locations():
        first_location.setdefault(location.branch_code, location.code)
    outside = []
    for branch in branches:
        if branch.kind == "central":
            continue
        weight = {"van": 5.0, "self_service": 4.0}.get(branch.kind, 4.0 if branch.code in preset else 1.5)
        outside.append((branch.code, first_location[branch.code], weight))
    central = next(b.code for b in branches if b.kind == "central")
    shelves = {kind: [(central, code, 1.0)] for kind, code in _CENTRAL.items()}
    shelves[GENERAL] = [(central, _LENDING, 55.0), *outside]
    shelves[CHILDREN] = [(central, _CENTRAL[CHILDREN], 45.0), *((b, code, w / 2) for b, code, w in outside)]
    shelves[LOCAL] = [(central, _CENTRAL[LOCAL], 85.0), (central, _LENDING, 15.0)]
    shelves[CERAMICS] = [(central, _CENTRAL[CERAMICS], 80.0), (central, _LENDING, 20.0)]
    return shelves


def add_catalogue(session: Session, rng: random.Random, *, count: int = DEMO_TITLES) -> None:
    """The ``ils demo`` step: ``count`` titles and their copies, through the catalogue's own bulk path.

    Each batch is prepared outside the transaction, then stored in one write: records
    (``records.insert_prepared``), their copies (``items.insert_item``) and the 种次号
    ledger, every record and item journaled as an import would.
    """
    session.require(Permission.CATALOGUE)
    today = session.now().date()
    shelver = Shelver(rng, demo_shelves(session), today=today)
    branch_ids = dict(Branch.select(Branch.code, Branch.id).tuples())
    location_ids = dict(Location.select(Location.code, Location.id).tuples())
    titles = generate_titles(rng, count, latest_year=today.year - 1)  # this year's books are still on order
    while batch := list(islice(titles, _BATCH)):
        prepared = []
        for title in batch:
            copies = shelver.copies(title)
            title.record.add_field(*holding_fields(copies))
            prepared.append((records.prepare(title.record, CNMARC), title.volumes, copies))
        _store(session, prepared, branch_ids, location_ids)


def _store(session: Session, prepared: list[tuple[records.PreparedRecord, int, list[Copy]]],
           branch_ids: dict[str, str], location_ids: dict[str, str]) -> None:
    library = session.library
    now = library.now_text()
    with session.write() as writer:
        doc = records.next_doc(library)
        ledger = []
        for record, volumes, copies in prepared:
            bib_id = records.insert_prepared(writer, library, record, doc=doc, source="demo")
            doc += 1
            columns = record.columns
            if columns["call_class"]:
                ledger.append((columns["call_class"], int(columns["book_number"]), bib_id, library.node_id, now))
            price = items.parse_price(record.fields.price)
            for copy in copies:
                call_number, shelf_key = items.clean_call_number(copy.call_number)
                items.insert_item(
                    writer, bib_id=bib_id, barcode=copy.barcode, branch_id=branch_ids[copy.branch],
                    location_id=location_ids[copy.location] if copy.location else None, call_number=call_number,
                    shelf_key=shelf_key,
                    now=now, item_type=copy.item_type, status=copy.status,
                    price_fen=None if price is None else price // volumes, acquired_on=copy.acquired_on,
                    source=copy.source,
                )
        fields = [BookNumber.clc_class, BookNumber.number, BookNumber.bib, BookNumber.node_id, BookNumber.assigned_at]
        for start in range(0, len(ledger), 100):
            BookNumber.insert_many(ledger[start:start + 100], fields=fields).execute()
