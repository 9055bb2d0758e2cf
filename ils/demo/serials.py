"""The demo's periodicals (报刊): 160 subscriptions, a year of check-ins, claims and bound volumes.

- 160 titles as the 2021 report counts them (订阅报刊杂志160余种): central and provincial papers
  (人民日报, 湖南日报, 株洲日报 …), weeklies, and magazines from 求是 and 读者 to 故事会, 儿童文学
  and 中国陶瓷, across every frequency. The CN numbers and 邮发代号 follow the real shapes (the
  province codes are real; most serial numbers are made up), the ISSNs are made up with correct
  check digits: the demo does not claim to know each title's real numbers.
- Last year's list renewed for this year through the renewal service, with three titles
  cancelled and two added; most through China Post, some through an agent, a few gifts.
- This year's check-ins through the services with the clock set back, as the desk would have
  done them: the day's papers each morning (a few days a paper does not come), magazines by
  their cover barcode with its add-on when they arrive; a few issues never come and are
  claimed, some of the claims answered.
- Bound volumes: this year's first quarter of the big papers bound from the loose issues, and
  the historical runs entered directly, 湖南日报 since 1951 and 人民日报 since 1956 (by half year
  before 2000, by quarter since), as the 七一 exhibition of 2021 was built from them.

Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from stdnum import issn as stdnum_issn

from ils.catalogue.book_numbers import next_barcodes
from ils.demo.readers import _at
from ils.errors import IlsError
from ils.serials import binding, checkin, claims, subscriptions, titles
from ils.serials.numbers import issn_ean
from ils.session import Session

# (title, frequency, CN region, weekly day or None) — newspapers
PAPERS = [
    ("人民日报", "daily", "11", None),
    ("光明日报", "daily", "11", None),
    ("经济日报", "daily", "11", None),
    ("参考消息", "daily", "11", None),
    ("湖南日报", "daily", "43", None),
    ("株洲日报", "daily", "43", None),
    ("三湘都市报", "daily", "43", None),
    ("潇湘晨报", "daily", "43", None),
    ("长沙晚报", "daily", "43", None),
    ("株洲晚报", "daily", "43", None),
    ("中国青年报", "daily", "11", None),
    ("中国教育报", "daily", "11", None),
    ("中国文化报", "daily", "11", None),
    ("环球时报", "daily", "11", None),
    ("法治日报", "daily", "11", None),
    ("健康报", "daily", "11", None),
    ("农民日报", "daily", "11", None),
    ("科技日报", "daily", "11", None),
    ("解放军报", "daily", "11", None),
    ("工人日报", "daily", "11", None),
    ("中国妇女报", "daily", "11", None),
    ("经济参考报", "daily", "11", None),
    ("中国体育报", "daily", "11", None),
    ("湖南工人报", "daily", "43", None),
    ("中国纪检监察报", "daily", "11", None),
    ("快乐老人报", "weekly", "43", 1),
    ("南方周末", "weekly", "44", 3),
    ("文摘报", "weekly", "11", 5),
    ("作家文摘", "weekly", "11", 1),
    ("学习时报", "weekly", "11", 0),
    ("中国电视报", "weekly", "11", 3),
    ("讽刺与幽默", "weekly", "11", 4),
    ("中国少年报", "weekly", "11", 2),
    ("湖南科技报", "weekly", "43", 1),
    ("今日女报", "weekly", "43", 0),
    ("中国旅游报", "weekly", "11", 2),
    ("中国陶瓷报", "weekly", "36", 4),
    ("中国老年报", "weekly", "11", 2),
    ("醴陵周刊", "weekly", "43", 4),
    ("株洲教育报", "weekly", "43", 3),
]
# (title, frequency, CN region, class) — magazines
MAGAZINES = [
    ("求是", "semimonthly", "11", "D"),
    ("读者", "semimonthly", "62", "Z"),
    ("故事会", "semimonthly", "31", "I"),
    ("青年文摘", "semimonthly", "11", "Z"),
    ("知音", "semimonthly", "42", "C"),
    ("家庭", "semimonthly", "44", "C"),
    ("特别关注", "monthly", "42", "Z"),
    ("意林", "semimonthly", "22", "Z"),
    ("半月谈", "semimonthly", "11", "D"),
    ("瞭望", "weekly", "11", "D"),
    ("新华文摘", "semimonthly", "11", "Z"),
    ("中国国家地理", "monthly", "11", "K"),
    ("三联生活周刊", "weekly", "11", "Z"),
    ("南风窗", "semimonthly", "44", "D"),
    ("小说月报", "monthly", "12", "I"),
    ("收获", "bimonthly", "31", "I"),
    ("人民文学", "monthly", "11", "I"),
    ("当代", "bimonthly", "11", "I"),
    ("十月", "bimonthly", "11", "I"),
    ("散文", "monthly", "12", "I"),
    ("诗刊", "semimonthly", "11", "I"),
    ("湖南文学", "monthly", "43", "I"),
    ("芙蓉", "bimonthly", "43", "I"),
    ("中国陶瓷", "monthly", "36", "TQ"),
    ("陶瓷学报", "bimonthly", "36", "TQ"),
    ("中国陶瓷工业", "bimonthly", "36", "TQ"),
    ("陶瓷研究", "quarterly", "36", "TQ"),
    ("中国书画", "monthly", "11", "J"),
    ("书法", "monthly", "31", "J"),
    ("美术", "monthly", "11", "J"),
    ("大众电影", "semimonthly", "11", "J"),
    ("电脑爱好者", "semimonthly", "11", "TP"),
    ("环球科学", "monthly", "11", "N"),
    ("科学世界", "monthly", "11", "N"),
    ("大众医学", "monthly", "31", "R"),
    ("家庭医生", "semimonthly", "44", "R"),
    ("健康之友", "monthly", "50", "R"),
    ("湖南农业", "monthly", "43", "S"),
    ("农村百事通", "semimonthly", "36", "S"),
    ("中国老年", "semimonthly", "41", "C"),
    ("老年人", "monthly", "43", "C"),
    ("中华家教", "monthly", "11", "G"),
    ("父母必读", "monthly", "11", "G"),
    ("婚姻与家庭", "semimonthly", "11", "C"),
    ("汽车之友", "semimonthly", "11", "U"),
    ("舰船知识", "monthly", "11", "E"),
    ("兵器知识", "monthly", "11", "E"),
    ("航空知识", "monthly", "11", "V"),
    ("中学生", "monthly", "11", "G"),
    ("中学生博览", "semimonthly", "22", "G"),
    ("少年文艺", "monthly", "31", "I"),
    ("儿童文学", "monthly", "11", "I"),
    ("小学生时代", "monthly", "33", "G"),
    ("我们爱科学", "semimonthly", "11", "N"),
    ("幼儿画报", "semimonthly", "11", "G"),
    ("东方娃娃", "monthly", "32", "G"),
    ("米老鼠", "semimonthly", "11", "J"),
    ("童话世界", "semimonthly", "43", "I"),
    ("故事大王", "monthly", "31", "I"),
    ("意林少年版", "semimonthly", "22", "Z"),
    ("作文通讯", "semimonthly", "11", "G"),
    ("中国青年", "semimonthly", "11", "D"),
    ("人民画报", "monthly", "11", "Z"),
    ("中国摄影", "monthly", "11", "J"),
    ("围棋天地", "semimonthly", "11", "G"),
    ("中国钓鱼", "monthly", "11", "G"),
    ("中国烹饪", "monthly", "11", "TS"),
    ("中国花卉园艺", "semimonthly", "11", "S"),
    ("集邮", "monthly", "11", "G"),
    ("收藏", "monthly", "61", "G"),
    ("文史博览", "monthly", "43", "K"),
    ("湘潮", "monthly", "43", "D"),
    ("新湘评论", "semimonthly", "43", "D"),
    ("党建", "monthly", "11", "D"),
    ("中国人大", "semimonthly", "11", "D"),
    ("中国税务", "monthly", "11", "F"),
    ("法律与生活", "semimonthly", "11", "D"),
    ("今日中国", "monthly", "11", "Z"),
    ("看天下", "weekly", "11", "Z"),
    ("南方人物周刊", "weekly", "44", "Z"),
    ("中国新闻周刊", "weekly", "11", "Z"),
    ("新周刊", "semimonthly", "44", "Z"),
    ("财经", "semimonthly", "11", "F"),
    ("销售与市场", "monthly", "41", "F"),
    ("中国图书馆学报", "bimonthly", "11", "G2"),
    ("图书馆", "monthly", "43", "G2"),
    ("图书馆论坛", "monthly", "44", "G2"),
    ("图书馆建设", "bimonthly", "23", "G2"),
    ("国家图书馆学刊", "bimonthly", "11", "G2"),
    ("中国图书评论", "monthly", "21", "G2"),
    ("出版广角", "semimonthly", "45", "G2"),
    ("读书", "monthly", "11", "Z"),
    ("书屋", "monthly", "43", "Z"),
    ("博览群书", "monthly", "11", "Z"),
    ("文史天地", "monthly", "52", "K"),
    ("国家人文历史", "semimonthly", "11", "K"),
    ("百科知识", "semimonthly", "11", "Z"),
    ("知识就是力量", "monthly", "11", "N"),
    ("科学画报", "monthly", "31", "N"),
    ("无线电", "monthly", "11", "TN"),
    ("摄影之友", "monthly", "44", "J"),
    ("旅游", "monthly", "11", "K"),
    ("茶博览", "monthly", "33", "TS"),
    ("中国茶叶", "bimonthly", "33", "S"),
    ("中医健康养生", "monthly", "11", "R"),
    ("长寿", "monthly", "12", "R"),
    ("老人春秋", "monthly", "41", "C"),
    ("湖南教育", "monthly", "43", "G"),
    ("中国教师", "semimonthly", "11", "G"),
    ("人民教育", "semimonthly", "11", "G"),
    ("小学语文", "monthly", "11", "G"),
    ("中学语文", "monthly", "42", "G"),
    ("数学通讯", "semimonthly", "42", "O"),
    ("物理通报", "monthly", "11", "O"),
    ("地图", "bimonthly", "11", "P"),
    ("气象知识", "bimonthly", "11", "P"),
    ("大自然探索", "monthly", "51", "N"),
    ("奥秘", "monthly", "53", "N"),
    ("飞碟探索", "monthly", "62", "N"),
    ("中华手工", "monthly", "11", "J"),
    ("音乐爱好者", "monthly", "31", "J"),
]
EXTRA = [("少年科学画报", "monthly", "11", "N"), ("中国陶瓷设计", "bimonthly", "36", "TQ")]
CANCELLED = ("电脑爱好者", "无线电", "飞碟探索")
AGENT = "湖南省新华书店报刊发行部"
CHILDREN = {
    "中国少年报",
    "少年文艺",
    "儿童文学",
    "小学生时代",
    "我们爱科学",
    "幼儿画报",
    "东方娃娃",
    "米老鼠",
    "童话世界",
    "故事大王",
    "意林少年版",
    "作文通讯",
    "少年科学画报",
}
CERAMICS = {"中国陶瓷报", "中国陶瓷", "陶瓷学报", "中国陶瓷工业", "陶瓷研究", "中国陶瓷设计"}
BIG = {"人民日报": ("1-1", "CN 11-0065", 1956), "湖南日报": ("41-1", "CN 43-0001", 1951)}
#: The first part of a 邮发代号 for the papers' provinces (made up apart from 1 Beijing and 41 Hunan).
POST_REGION = {"11": 1, "43": 41, "44": 45, "36": 43}
GIFTS = {"醴陵周刊", "株洲教育报"}


def _issn(rng: random.Random) -> str:
    body = f"{rng.randint(1000, 2999):04d}{rng.randint(0, 999):03d}"
    return stdnum_issn.format(body + stdnum_issn.calc_check_digit(body))


def _titles(session: Session, rng: random.Random) -> None:
    serial: dict[str, int] = {}
    for name, frequency, region, weekday in PAPERS:
        serial[region] = serial.get(region, 0) + 1
        post, cn, _since = BIG.get(
            name, (f"{POST_REGION[region]}-{serial[region] + 20}", f"CN {region}-{serial[region] + 100:04d}", None)
        )
        titles.add_title(
            session,
            titles.TitleForm(
                name,
                "newspaper",
                frequency,
                cn=cn,
                post_code=post,
                weekdays=(weekday,) if weekday is not None else ((0, 1, 2, 3, 4, 5) if rng.random() < 0.3 else ()),
                pause=3 if frequency == "daily" else 0,
                lending="none",
            ),
        )
    for number, (name, frequency, region, klass) in enumerate(MAGAZINES + EXTRA, start=1):
        titles.add_title(
            session,
            titles.TitleForm(
                name,
                "magazine",
                frequency,
                issn=_issn(rng),
                cn=f"CN {region}-{1000 + number * 37 % 8999:04d}/{klass}",
                post_code=f"{rng.randint(1, 82)}-{100 + number}",
                weekdays=(rng.randint(0, 4),) if frequency == "weekly" else (),
                days=(rng.choice((1, 5, 10)),) if frequency in ("monthly", "bimonthly", "quarterly") else (),
            ),
        )


def _routing(name: str, kind: str) -> tuple[int, list[tuple[str, int]]]:
    if name in BIG or name in ("株洲日报", "参考消息"):
        return 3, [("ZG-BK", 1), ("YS", 1), ("XHMZ", 1)]
    if name in CHILDREN:
        return 2, [("ZG-SE", 2)]
    if name in CERAMICS:
        return 2, [("ZG-BK", 1), ("ZG-TC", 1)]
    return (2, [("ZG-BK", 2)]) if kind == "magazine" and name in ("读者", "故事会", "青年文摘") else (1, [("ZG-BK", 1)])


def _subscriptions(session: Session, rng: random.Random, year: int) -> None:
    with _at(session.library, dt.datetime(year - 2, 10, 20, 10, tzinfo=session.now().tzinfo)):
        for name, *_rest in PAPERS + MAGAZINES:
            kind = "newspaper" if (name, *_rest) in PAPERS else "magazine"
            copies, routing = _routing(name, kind)
            supplier = "gift" if name in GIFTS else ("agent" if rng.random() < 0.15 else "post")
            price = (
                f"{rng.choice((1, 1.5, 2)) * 300:.2f}" if kind == "newspaper" else f"{rng.choice((8, 10, 12, 15, 20))}"
            )
            subscriptions.subscribe(
                session,
                name,
                year - 1,
                supplier=supplier,
                supplier_name=AGENT if supplier == "agent" else None,
                price_year=price if kind == "newspaper" and supplier != "gift" else None,
                price_issue=price if kind == "magazine" and supplier != "gift" else None,
                copies=copies,
                routing=routing,
                volume=rng.randint(20, 70) if kind == "magazine" else None,
                first_total=rng.randint(300, 900) * 10 if kind == "magazine" else rng.randint(20000, 27000),
            )
    with _at(session.library, dt.datetime(year - 1, 10, 25, 10, tzinfo=session.now().tzinfo)):
        subscriptions.renew_year(session, year - 1, year)
        for name in CANCELLED:
            subscriptions.cancel(session, name, year)
        for name, *_rest in EXTRA:
            copies, routing = _routing(name, "magazine")
            subscriptions.subscribe(
                session, name, year, price_issue="12", copies=copies, routing=routing, first_total=1
            )


def _check_ins(session: Session, rng: random.Random, year: int, today: dt.date) -> None:
    tz = session.now().tzinfo
    absent_days = {today - dt.timedelta(days=rng.randint(10, 200)) for _n in range(4)}
    day = dt.date(year, 1, 1)
    while day < today:
        with _at(session.library, dt.datetime.combine(day, dt.time(8, 30), tz)):
            missed = day in absent_days and any(line.title == "株洲晚报" for line in checkin.expected_on(session, day))
            checkin.check_in_day(session, day, missing=["株洲晚报"] if missed else [])
        day += dt.timedelta(days=1)
    magazines = [s for s in subscriptions.list_subscriptions(year, kind="magazine") if s.state == "active"]
    # A few issues of the last two months never come (and are claimed below).
    never = set()
    for sub in rng.sample(magazines, 6):
        recent = [
            i.number
            for i in subscriptions.expected_issues(subscriptions.find_subscription(sub.title, year))
            if today - dt.timedelta(days=80) <= i.date <= today - dt.timedelta(days=50)
        ]
        if recent:
            never.add((sub.title, rng.choice(recent)))
    arrivals = []
    for sub in magazines:
        row = titles.find_title(sub.title)
        for issue in subscriptions.expected_issues(subscriptions.find_subscription(sub.title, year)):
            if (sub.title, issue.number) in never:
                continue
            arrives = issue.date + dt.timedelta(days=rng.randint(-3, 6))
            if arrives < today - dt.timedelta(days=1):
                arrivals.append((arrives, rng.randint(9, 16), sub, row, issue.number))
    arrivals.sort(key=lambda a: (a[0], a[1], a[2].title, a[4]))
    for arrives, group in itertools.groupby(arrivals, key=lambda a: max(a[0], dt.date(year, 1, 1))):
        # A morning's post is checked in at one sitting: one transaction for the day's scans.
        with _at(session.library, dt.datetime.combine(arrives, dt.time(10), tz)), session.write():
            for _arrives, _hour, sub, row, number in group:
                code = f"{issn_ean(row.issn)}{number:02d}" if row.issn and number < 100 else None
                for _copy in range(sub.copies):
                    try:
                        if code:
                            checkin.check_in_scan(session, code)
                        else:
                            checkin.check_in(session, sub.title, number)
                    except IlsError:
                        break
    # The claims: the issues that never came, claimed three weeks ago; one answered since.
    claim_day = today - dt.timedelta(days=20)
    with _at(session.library, dt.datetime.combine(claim_day, dt.time(10), tz)):
        late = claims.late_issues(session, claim_day)
        for name, number in sorted(never):
            if any(x.title == name and x.number == number for x in late):
                claims.claim(session, name, year, number)
    if not never:
        return
    answered = sorted(never)[0]
    with _at(session.library, dt.datetime.combine(today - dt.timedelta(days=5), dt.time(10), tz)):
        for _copy in range(subscriptions.find_subscription(answered[0], year).copies):
            try:
                checkin.check_in(session, answered[0], answered[1])
            except IlsError:
                break


def _volumes(session: Session, year: int, today: dt.date) -> None:
    tz = session.now().tzinfo

    def barcode() -> str:
        """The next of the desk's barcodes: a bound volume is labelled like every other copy."""
        return next_barcodes(session, 1)[0]

    for name, (_post, _cn, since) in BIG.items():
        with _at(session.library, dt.datetime(year, 1, 15, 15, tzinfo=tz)), session.write():
            for past in range(since, year):
                for run in ("h1", "h2") if past < 2000 else ("q1", "q2", "q3", "q4"):
                    binding.add_bound_volume(session, name, past, run, barcode=barcode(), spine=False)
        if today >= dt.date(year, 4, 20):
            with _at(session.library, dt.datetime(year, 4, 20, 15, tzinfo=tz)):
                binding.bind(
                    session, name, year, "q1", barcode=barcode(), accept_missing=True, spine=False
                )  # labelled in April


def add_serials(session: Session, rng: random.Random) -> None:
    """Titles, two years' subscriptions, this year's check-ins and claims, and the bound volumes."""
    today = session.now().date()
    year = today.year
    _titles(session, rng)
    _subscriptions(session, rng, year)
    _check_ins(session, rng, year, today)
    _volumes(session, year, today)
