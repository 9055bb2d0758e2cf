"""Names for the values a figure is broken down by: a branch id becomes its name, a reader type
code its name, a 中图法 letter its class, so every output shows the same words."""

from __future__ import annotations

from collections.abc import Iterable

from db.models import Branch, Location, ReaderType, ServicePoint
from ils.catalogue.items import ITEM_TYPES
from ils.i18n import _, current_language
from ils.readers.ages import AGE_BANDS

#: 中图法 (Chinese Library Classification) main classes.
CLC_CLASSES: dict[str, tuple[str, str]] = {
    "A": (
        "马克思主义、列宁主义、毛泽东思想、邓小平理论",
        "Marxism, Leninism, Mao Zedong Thought, Deng Xiaoping Theory",
    ),
    "B": ("哲学、宗教", "Philosophy and religion"),
    "C": ("社会科学总论", "Social sciences in general"),
    "D": ("政治、法律", "Politics and law"),
    "E": ("军事", "Military science"),
    "F": ("经济", "Economics"),
    "G": ("文化、科学、教育、体育", "Culture, science, education, sport"),
    "H": ("语言、文字", "Languages"),
    "I": ("文学", "Literature"),
    "J": ("艺术", "Art"),
    "K": ("历史、地理", "History and geography"),
    "N": ("自然科学总论", "Natural sciences in general"),
    "O": ("数理科学和化学", "Mathematics, physics and chemistry"),
    "P": ("天文学、地球科学", "Astronomy and earth sciences"),
    "Q": ("生物科学", "Biology"),
    "R": ("医药、卫生", "Medicine and health"),
    "S": ("农业科学", "Agriculture"),
    "T": ("工业技术", "Industrial technology"),
    "U": ("交通运输", "Transport"),
    "V": ("航空、航天", "Aeronautics and astronautics"),
    "X": ("环境科学、安全科学", "Environment and safety"),
    "Z": ("综合性图书", "General works"),
}


def _pick(pair: tuple[str, str]) -> str:
    return pair[0] if current_language().startswith("zh") else pair[1]


def key_labels(dimension: str, keys: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Sort position and name of each key of ``dimension``."""
    wanted = [k for k in set(keys) if k]
    if dimension == "branch":
        return {b.id: (b.sort_order, b.name) for b in Branch.select().where(Branch.id.in_(wanted))}
    if dimension == "service_point":
        return {
            p.id: (0, f"{p.branch.name}·{p.name}") for p in ServicePoint.select().where(ServicePoint.id.in_(wanted))
        }
    if dimension == "location":
        return {
            loc.id: (0, f"{loc.branch.name}·{loc.name}") for loc in Location.select().where(Location.id.in_(wanted))
        }
    if dimension == "reader_type":
        return {t.code: (t.sort_order, t.name) for t in ReaderType.select().where(ReaderType.code.in_(wanted))}
    if dimension == "clc":
        return {k: (ord(k[0]), f"{k} {_pick(CLC_CLASSES[k])}" if k in CLC_CLASSES else k) for k in wanted}
    if dimension == "item_type":
        order = list(ITEM_TYPES)
        return {k: (order.index(k), _(ITEM_TYPES[k])) if k in ITEM_TYPES else (99, k) for k in wanted}
    if dimension == "age_band":
        order = [band for _lowest, band in reversed(AGE_BANDS)]
        return {k: (order.index(k) if k in order else 99, k) for k in wanted}
    if dimension == "kind":
        from ils.events.vocabulary import RETURN_LABELS

        order = list(RETURN_LABELS)
        return {k: (order.index(k), _(RETURN_LABELS[k])) if k in RETURN_LABELS else (99, k) for k in wanted}
    return {k: (0, k) for k in wanted}
