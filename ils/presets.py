"""The library ils is first built for: 醴陵市图书馆 and its service points (2021 annual report).

The report names the central library, five of its 26 branches, the mobile library
van and the 24-hour self-service room; the other branches are added at the
System desk as they join. Codes are the names' pinyin initials, which staff can
type at a desk that has no Chinese input method.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PresetLocation:
    """A shelving location: local documents and old books are catalogued by author
    (著者号) and kept for reading in the room; the lending rooms use 种次号."""

    code: str
    name: str
    book_number_scheme: str = "sequence"
    loanable: bool = True


@dataclass(frozen=True)
class PresetBranch:
    code: str
    name: str
    kind: str
    service_points: tuple[tuple[str, str], ...] = ()
    locations: tuple[PresetLocation, ...] = ()


LIBRARY_NAME = "醴陵市图书馆"

BRANCHES: tuple[PresetBranch, ...] = (
    PresetBranch(
        "ZG",
        "总馆",
        "central",
        (
            ("ZG-WJ", "图书外借部"),
            ("ZG-SE", "少儿阅览室"),
            ("ZG-BK", "报刊期刊阅览室"),
            ("ZG-DF", "地方文献室"),
            ("ZG-GJ", "古籍室"),
            ("ZG-TC", "陶瓷资料室"),
            ("ZG-MR", "盲人阅览室"),
        ),
        (
            PresetLocation("ZG-WJ", "图书外借部"),
            PresetLocation("ZG-SE", "少儿阅览室"),
            PresetLocation("ZG-BK", "报刊期刊阅览室", loanable=False),
            PresetLocation("ZG-DF", "地方文献室", "author", loanable=False),
            PresetLocation("ZG-GJ", "古籍室", "author", loanable=False),
            PresetLocation("ZG-TC", "陶瓷资料室", loanable=False),
            PresetLocation("ZG-MR", "盲人阅览室"),
        ),
    ),
    PresetBranch("XHMZ", "星海明筑分馆", "branch", (("XHMZ-JH", "借还台"),), (PresetLocation("XHMZ", "星海明筑分馆"),)),
    PresetBranch("YS", "阳三分馆", "branch", (("YS-JH", "借还台"),), (PresetLocation("YS", "阳三分馆"),)),
    PresetBranch("ZQ", "左权分馆", "branch", (("ZQ-JH", "借还台"),), (PresetLocation("ZQ", "左权分馆"),)),
    PresetBranch(
        "BTTCX", "白兔潭镇汆溪分馆", "branch", (("BTTCX-JH", "借还台"),), (PresetLocation("BTTCX", "白兔潭镇汆溪分馆"),)
    ),
    PresetBranch(
        "PKHHL", "浦口镇荷花垅分馆", "branch", (("PKHHL-JH", "借还台"),), (PresetLocation("PKHHL", "浦口镇荷花垅分馆"),)
    ),
    PresetBranch(
        "LDQC", "流动汽车图书屋", "van", (("LDQC-CN", "车内借还"),), (PresetLocation("LDQC", "流动汽车图书屋"),)
    ),
    PresetBranch(
        "ZZ24",
        "24小时自助借还室",
        "self_service",
        (("ZZ24-ZZ", "自助借还机"),),
        (PresetLocation("ZZ24", "24小时自助借还室"),),
    ),
)
