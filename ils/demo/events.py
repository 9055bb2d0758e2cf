"""The demo's last full year of events, visits and other services, shaped like the seed's 2021.

Everything is entered through the services, as the events desk would have entered it during
the year (the clock set to each moment), so the year's figures are counted from the rows:

- 30+ programmes on the festivals the report names (春节 送春联, 元宵 猜灯谜, 世界读书日, 端午,
  中秋, 重阳 敬老), the 百年庆华诞 newspaper exhibition from 6/28 to the year's end with its daily
  counts (about 26,000) and its WeChat articles (about 50,000 clicks), the story-king and
  recitation contests, the youth reading base's weekend courses, about 50,000 participants;
Each target is drawn once and split exactly (``ils.demo.shares.spread``), so the counts add up
to it by construction: 50,000 participants with the exhibition's 26,000 among them, 400,000
visits, 180,000 e-book clicks.

- the main entrance's gate counter imported from a vendor's CSV file, two closed months, and
  the branches' daily tallies: about 400,000 visits;
- e-book clicks (about 180,000) and 200+ booklist pushes, month by month;
- 30+ media reports, the report's four honours, and its 大事记 offered from the exhibition, the
  honours and the year's largest rotation batch;
- training for branch staff and the library's own, volunteers, a year of enquiries.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from db.models import Branch, RotationBatch
from ils.demo.readers import _at
from ils.demo.shares import spread
from ils.events import (
    attendance,
    enquiries,
    gates,
    ledgers,
    programmes,
    tallies,
    training,
)
from ils.session import Session

CLOSED_MONTHS = (1, 8)  # "因受疫情影响，全年闭馆2个月"
VISITS_TARGET = 400_000  # "共接待入馆读者40余万人次"
BRANCH_TALLY = 8_000  # 阳三分馆's hand count; the main entrance's counter has the rest
GATE_TARGET = VISITS_TARGET - BRANCH_TALLY
PARTICIPANTS_TARGET = 50_000  # "主题活动30余次，参与读者5万余人", the exhibition's visitors included
EXHIBITION_TARGET = 26_000  # "共接纳2万6千人次"
PROGRAMME_PEOPLE = PARTICIPANTS_TARGET - EXHIBITION_TARGET
EXHIBITION_CLICKS = 50_000
EBOOK_CLICKS = 180_000
BOOKLISTS = 210

# (title, kind, audience, brand, reading_for_all, month, day, venue_kind, venue, weight, sessions every n days)
PROGRAMMES: tuple[tuple, ...] = (
    ("庆新春送春联", "festival", "all", None, True, 2, 5, "outside", "醴陵市民中心广场", 3, 0),
    ("“猜灯·乐元宵”猜灯谜活动", "festival", "all", None, True, 2, 26, "room", "children_experience", 5, 0),
    ("“世界读书日”全民阅读推广周", "festival", "all", "阅读悦好", True, 4, 23, "room", "hall", 12, 0),
    ("“世界读书日”线上读书打卡", "online", "all", "阅读悦好", True, 4, 23, "online", "微信公众号", 14, 0),
    ("红色故事进校园", "story", "children", None, True, 4, 8, "outside", "醴陵市第一中学", 6, 14),
    ("“粽香端午·诗韵传承”主题活动", "festival", "children", None, True, 6, 14, "room", "picture_books", 3, 0),
    ("“九九重阳节·浓浓敬老情”重阳节主题活动", "festival", "elderly", None, True, 10, 14, "room", "hall", 3, 0),
    ("中秋诗会", "festival", "all", "阅读悦好", True, 9, 20, "room", "hall", 3, 0),
    ("株洲市第八届“少儿故事大王”大奖赛醴陵选拔赛", "contest", "children", None, True, 10, 23, "room", "hall", 3, 0),
    ("“百年荣光 星火‘湘’传”演讲朗诵比赛选拔赛", "contest", "adults", None, True, 10, 30, "room", "hall", 2, 0),
    ("青少年阅读基地·国学亲子阅读", "story", "children", "青少年阅读基地", True, 3, 6, "room", "picture_books", 5, 14),
    (
        "青少年阅读基地·心理健康课",
        "training",
        "teens",
        "青少年阅读基地",
        False,
        3,
        13,
        "room",
        "children_experience",
        3,
        28,
    ),
    (
        "青少年阅读基地·安全自护课",
        "training",
        "children",
        "青少年阅读基地",
        False,
        3,
        20,
        "room",
        "children_experience",
        3,
        28,
    ),
    (
        "青少年阅读基地·绘画折纸课",
        "training",
        "children",
        "青少年阅读基地",
        False,
        3,
        27,
        "room",
        "children_experience",
        4,
        28,
    ),
    (
        "暑期青少年阅读基地夏令营",
        "training",
        "teens",
        "青少年阅读基地",
        True,
        7,
        5,
        "room",
        "children_experience",
        4,
        7,
    ),
    ("“阅读悦好”读书分享会", "reading_club", "adults", "阅读悦好", True, 3, 20, "room", "hall", 4, 30),
    ("绘本故事会", "story", "children", "阅读悦好", True, 2, 20, "room", "picture_books", 6, 14),
    ("陶瓷文化讲座", "lecture", "adults", None, False, 4, 17, "room", "hall", 4, 45),
    ("党史学习教育专题讲座", "lecture", "adults", None, False, 5, 15, "room", "hall", 3, 60),
    ("醴陵地方文献与瓷城历史讲座", "lecture", "all", None, False, 9, 11, "room", "hall", 2, 0),
    ("大学生考研自修经验交流会", "reading_club", "students", None, False, 11, 6, "room", "hall", 1, 0),
    ("公益艺术展览·醴漂陶瓷艺术家作品展", "exhibition", "all", None, False, 5, 1, "room", "exhibition_hall", 4, 0),
    ("送书下乡·枫林镇", "outreach", "all", None, True, 4, 28, "outside", "枫林镇", 2, 0),
    ("送书下乡·茶山镇", "outreach", "all", None, True, 5, 26, "outside", "茶山镇", 2, 0),
    ("送书进贫困村", "outreach", "all", None, True, 10, 20, "outside", "白兔潭镇汆溪村", 2, 0),
    ("防疫主题书单线上推送", "online", "all", "阅读悦好", True, 2, 10, "online", "微信公众号", 6, 0),
    ("视障读者听书会", "reading_club", "visually_impaired", None, True, 6, 12, "room", "hall", 1, 60),
    ("新时代文明实践·学雷锋志愿服务", "festival", "all", None, False, 3, 5, "room", "hall", 1, 0),
    ("“我们的节日·七夕”阅读活动", "festival", "adults", None, True, 7, 14, "room", "picture_books", 1, 0),
    ("国庆“我和我的祖国”少儿诵读会", "festival", "children", None, True, 9, 30, "room", "children_experience", 2, 0),
    ("冬至读书会", "reading_club", "elderly", "阅读悦好", True, 12, 21, "room", "hall", 1, 0),
    ("年终“书香家庭”表彰会", "festival", "all", "阅读悦好", True, 12, 26, "room", "hall", 2, 0),
)

OUTLETS = ("人民日报电子版", "株洲日报", "醴陵电视台", "醴陵发布", "醴陵日报", "红网醴陵站")
HONOURS = (
    ("中共株洲市委", "株洲市先进基层党组织", (6, 28), "branch", "醴陵市图书馆党支部"),
    ("湖南省图书馆学会", "书香城市（区县级）", (9, 15), "library", None),
    (
        "长沙市文化旅游广电局、株洲市文化旅游广电体育局、湘潭市文化旅游广电体育局、长株潭公共图书馆联盟",
        "“百年荣光 星火‘湘’传”演讲朗诵比赛金奖",
        (11, 19),
        "library",
        None,
    ),
    ("株洲市图书馆", "株洲市第八届“少儿故事大王”大奖赛组织奖；“阅读悦好”获“十佳阅读品牌”", (12, 10), "library", None),
)


def _open(day: dt.date) -> bool:
    return day.month not in CLOSED_MONTHS


def _days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((dt.date(year, 12, 31) - first).days + 1)]


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _programmes(session: Session, rng: random.Random, year: int) -> dict[str, str]:
    """Every programme and its sessions with their head counts; returns title → programme id."""
    library = session.library
    plans = []
    for title, kind, audience, brand, reading, month, day, venue_kind, venue, weight, every in PROGRAMMES:
        start = dt.date(year, month, day)
        dates = [start]
        while every and dates[-1] + dt.timedelta(days=every) <= dt.date(year, 12, 20):
            dates.append(dates[-1] + dt.timedelta(days=every))
        dates = [d for d in dates if _open(d) or venue_kind in ("online", "outside")]
        plans.append((title, kind, audience, brand, reading, venue_kind, venue, weight, dates))
    weights = [weight / len(dates) * rng.uniform(0.85, 1.15) for *_plan, weight, dates in plans for _day in dates]
    heads = iter(spread(rng, PROGRAMME_PEOPLE, weights, least=5))
    ids: dict[str, str] = {}
    for title, kind, audience, brand, reading, venue_kind, venue, _weight, dates in plans:
        with _at(library, _moment(dates[0] - dt.timedelta(days=10))):
            p = programmes.add_programme(
                session, title=title, kind=kind, audience=audience, brand=brand, reading_for_all=reading
            )
        ids[title] = p.id
        for day in dates:
            with _at(library, _moment(day, 8)):
                s = programmes.add_session(
                    session,
                    p.id,
                    starts=f"{day.isoformat()} {rng.choice(('09:30', '14:30'))}",
                    venue_kind=venue_kind,
                    venue=venue,
                )
            each = next(heads)
            young = audience in ("children", "teens")
            with _at(library, _moment(day, 17)):
                if audience == "all" and venue_kind != "online":
                    children = round(each * rng.uniform(0.3, 0.5))
                    attendance.record_count(session, s.id, adults=each - children, children=children)
                elif young:
                    attendance.record_count(session, s.id, total=each, children=round(each * 0.7))
                else:
                    attendance.record_count(session, s.id, total=each)
    return ids


def _exhibition(session: Session, rng: random.Random, year: int) -> str:
    """The 百年庆华诞 newspaper exhibition: 6/28 to the year's end, counted each open day."""
    library = session.library
    with _at(library, _moment(dt.date(year, 6, 20))):
        p = programmes.add_programme(
            session,
            title="“百年庆华诞”七一专题党报党刊展",
            kind="exhibition",
            partners="中共醴陵市委宣传部",
            reading_for_all=True,
            note="展示1951年至今《湖南日报》和1956年至今《人民日报》“七一”当天报纸及《红旗》杂志。",
        )
        s = programmes.add_session(
            session, p.id, starts=f"{year}-06-28 09:00", ends_on=f"{year}-12-31", venue="exhibition_hall"
        )
    days = [d for d in _days(year) if d >= dt.date(year, 6, 28) and _open(d)]
    weights = [
        (3.0 if d <= dt.date(year, 7, 10) else 1.0) * (1.6 if d.weekday() >= 5 else 1.0) * rng.uniform(0.9, 1.1)
        for d in days
    ]
    for day, count in zip(days, spread(rng, EXHIBITION_TARGET, weights, least=1), strict=True):
        with _at(library, _moment(day, 18)):
            attendance.record_count(session, s.id, total=count)
    articles = (
        "“百年庆华诞”党报党刊展开展",
        "党报党刊里的百年历程",
        "带你云看展：1951年的《湖南日报》",
        "旅游团走进党报党刊展",
        "七一党报党刊展线上展厅",
        "党报党刊展观展指南",
        "党报党刊展里的醴陵建设成就",
        "党史学习教育：读党报",
        "党报党刊展累计接待观众逾两万人次",
        "党报党刊展年终回顾",
    )
    share = spread(rng, EXHIBITION_CLICKS, [rng.uniform(0.6, 1.4) for _a in articles])
    for n, (title, clicks) in enumerate(zip(articles, share, strict=True)):
        day = dt.date(year, 6, 28) + dt.timedelta(days=n * 17)
        with _at(library, _moment(day, 20)):
            ledgers.record_reach(
                session,
                channel="wechat",
                title=title,
                published_on=day,
                views=round(clicks * 1.6),
                clicks=clicks,
                pushes=1,
                programme=p.id,
            )
    return p.id


def _gate(session: Session, rng: random.Random, year: int) -> None:
    """The main entrance's counter: a vendor's GBK file for the year, imported once."""
    open_days = [d for d in _days(year) if _open(d)]
    weights = [(1.7 if d.weekday() >= 5 else 1.0) * (1.3 if d.month in (7, 10) else 1.0) for d in open_days]
    shapes = {hour: 1.4 if hour in (10, 15, 16) else 0.7 if hour in (9, 20) else 1.0 for hour in range(9, 21)}
    cells = [(day, gate, hour) for day in open_days for gate in ("1号门", "2号门") for hour in range(9, 21)]
    shares = [
        weight * shapes[hour] * rng.uniform(0.8, 1.2) for weight in weights for _gate in (1, 2) for hour in shapes
    ]
    lines = ["日期,时间,通道,进馆人数,出馆人数"]
    for (day, gate, hour), entries in zip(cells, spread(rng, GATE_TARGET, shares), strict=True):
        lines.append(f"{day.isoformat()},{hour:02d}:00,{gate},{entries},{max(0, entries - rng.randint(0, 5))}")
    library = session.library
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"gate-{year}.csv"
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
        with _at(library, _moment(dt.date(year, 12, 31), 21)):
            gates.add_site(session, code="MAIN", name="总馆大门", branch="ZG")
            gates.import_gate_file(
                session, "MAIN", path, mapping={"date": "日期", "time": "时间", "gate": "通道", "entries": "进馆人数"}
            )


def _tallies(session: Session, rng: random.Random, year: int) -> None:
    """Daily visits at a branch without a counter (阳三分馆), the e-reading room's sessions."""
    library = session.library
    branches = [b.code for b in Branch.select().where(Branch.code == "YS")]
    days = [day for day in _days(year) if _open(day) and day.weekday() != 0]
    counts = spread(rng, BRANCH_TALLY, [rng.uniform(0.7, 1.3) * (1.0 if d.weekday() < 5 else 1.6) for d in days])
    for day, count in zip(days, counts, strict=True):
        with _at(library, _moment(day, 20)):
            for code in branches:
                tallies.record_tally(session, site_kind="branch", site=code, day=day, count=count)
            tallies.record_tally(
                session, site_kind="room", site="e_reading", measure="sessions", day=day, count=rng.randint(10, 40)
            )


def _digital(session: Session, rng: random.Random, year: int) -> None:
    library = session.library
    months = range(1, 13)
    clicks = spread(rng, EBOOK_CLICKS, [rng.uniform(0.7, 1.3) * (1.5 if m in CLOSED_MONTHS else 1.0) for m in months])
    lists = spread(rng, BOOKLISTS, [rng.uniform(0.6, 1.4) for _m in months])
    for m in months:
        day = dt.date(year, m, 28)
        superstar = round(clicks[m - 1] * 0.6)
        with _at(library, _moment(day, 18)):
            tallies.record_digital(
                session,
                month=f"{year}-{m:02d}",
                platform="超星电子书",
                measure="clicks",
                value=superstar,
            )
            tallies.record_digital(
                session,
                month=f"{year}-{m:02d}",
                platform="博看期刊",
                measure="clicks",
                value=clicks[m - 1] - superstar,
            )
            tallies.record_digital(
                session,
                month=f"{year}-{m:02d}",
                platform="微信公众号",
                measure="booklists",
                value=lists[m - 1],
            )
            tallies.record_digital(
                session, month=f"{year}-{m:02d}", platform="微信公众号", measure="followers", value=8000 + m * 150
            )


def _ledgers(session: Session, rng: random.Random, year: int, ids: dict[str, str], exhibition: str) -> None:
    library = session.library
    covered = [*ids.items(), ("“百年庆华诞”七一专题党报党刊展", exhibition)]
    for n in range(32):
        title, programme = covered[n % len(covered)]
        day = dt.date(year, 2, 6) + dt.timedelta(days=n * 10)
        with _at(library, _moment(day, 19)):
            ledgers.add_media_report(
                session,
                outlet=OUTLETS[n % len(OUTLETS)],
                reported_on=day,
                title=f"醴陵市图书馆举办{title}",
                programme=programme,
            )
    offered = []
    for body, title, (month, mday), kind, who in HONOURS:
        with _at(library, _moment(dt.date(year, month, mday), 16)):
            offered.append(
                ledgers.add_honour(
                    session,
                    body=body,
                    title=title,
                    awarded_on=dt.date(year, month, mday),
                    recipient_kind=kind,
                    recipient=who,
                ).id
            )
    with _at(library, _moment(dt.date(year, 12, 28), 16)):
        batch = (
            RotationBatch.select()
            .where(RotationBatch.sent_at.between(f"{year}-01-01", f"{year}-12-31 99"))
            .order_by(RotationBatch.code)
            .first()
        )
        if batch is not None:
            ledgers.offer_milestone(session, source_kind="rotation", source_id=batch.id)
        ledgers.add_milestone(
            session,
            day=dt.date(year, 12, 20),
            text="全年多次到枫林、茶山等镇及多个贫困村开展图书流转、送书下乡活动，到各分馆和机关服务流通点、"
            "学校等地流转图书。",
        )
        ledgers.offer_milestone(session, source_kind="programme", source_id=exhibition)
        for honour in offered[1:3]:
            ledgers.offer_milestone(session, source_kind="honour", source_id=honour)


def _training_and_volunteers(session: Session, rng: random.Random, year: int) -> None:
    library = session.library
    towns = [b.code for b in Branch.select().where(Branch.kind == "branch").order_by(Branch.code)][:12]
    for n, code in enumerate(towns):
        day = dt.date(year, 3 + n % 9, 10 + n % 15)
        with _at(library, _moment(day, 15)):
            training.record_training(
                session,
                audience="branch_staff",
                branch=code,
                day=day,
                topic=rng.choice(("图书分编与上架", "通借通还操作", "流通系统使用", "阅读推广活动组织")),
                hours=rng.choice((2, 2.5, 3)),
                attendees=rng.randint(3, 8),
            )
    for month, (topic, category) in zip(
        (3, 4, 6, 9, 11, 12),
        (
            ("理论及业务知识培训", "business"),
            ("消防安全知识培训", "fire_safety"),
            ("安全生产知识培训", "fire_safety"),
            ("志愿者服务培训", "volunteer"),
            ("业务技能培训", "business"),
            ("消防演练", "fire_safety"),
        ),
        strict=True,
    ):
        day = dt.date(year, month, 18)
        with _at(library, _moment(day, 15)):
            training.record_training(
                session, audience="own_staff", category=category, topic=topic, day=day, hours=2, attendees=7
            )
    for month in range(2, 13):
        if month in CLOSED_MONTHS:
            continue
        day = dt.date(year, month, 12)
        with _at(library, _moment(day, 17)):
            training.record_volunteers(
                session,
                activity=rng.choice(("少儿阅览室引导", "图书整理上架", "活动现场服务")),
                people=rng.randint(4, 12),
                hours=rng.choice((2, 3, 4)),
                day=day,
            )


def _enquiries(session: Session, rng: random.Random, year: int) -> None:
    library = session.library
    channels, kinds = (
        ("in_person", "in_person", "in_person", "phone", "online"),
        ("lookup", "lookup", "reference", "directions", "cards", "digital"),
    )
    for day in _days(year):
        if not _open(day):
            continue
        for _n in range(rng.randint(0, 4)):
            with _at(library, _moment(day, rng.randint(9, 20))):
                enquiries.tally_enquiry(session, channel=rng.choice(channels), kind=rng.choice(kinds))


def add_events(session: Session, rng: random.Random) -> None:
    """The last full year of events, visits and services at the central library."""
    year = session.now().year - 1
    # Each part in one transaction (the services' writes join it): a year of rows in seconds.
    with session.write():
        ids = _programmes(session, rng, year)
        exhibition = _exhibition(session, rng, year)
    _gate(session, rng, year)
    for part in (_tallies, _digital, _training_and_volunteers, _enquiries):
        with session.write():
            part(session, rng, year)
    with session.write():
        _ledgers(session, rng, year, ids, exhibition)
