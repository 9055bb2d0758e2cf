"""Readers' names as the desk searches and sorts them: full pinyin and initials.

pypinyin reads a character by its commonest reading, which is wrong for several common
surnames (曾 is zēng as a surname, not céng; 单 shàn, 解 xiè, 区 ōu ...). Staff type a
reader's name the way it is said, so the surname at the front takes its surname reading.
The full pinyin is also the sort key (``ORDER BY name_pinyin, name``), as phone
contact lists sort Chinese names.
"""

from __future__ import annotations

from ils.catalogue.search_text import pinyin_keys

# Surnames whose surname reading differs from pypinyin's default reading of the character.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng", "单": "shan", "仇": "qiu", "区": "ou", "解": "xie", "查": "zha", "朴": "piao",
    "翟": "zhai", "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "召": "shao", "秘": "bi",
    "种": "chong", "员": "yun", "谌": "chen", "尉迟": "yu chi", "单于": "chan yu", "澹台": "tan tai",
}


def name_keys(name: str) -> tuple[str, str]:
    """``(full pinyin, initials)`` of a reader's name: 曾丽 → ``("zengli", "zl")``."""
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname) and len(name) > len(surname):
            syllables = SURNAME_READINGS[surname].split()
            full, initials = pinyin_keys(name[len(surname):])
            return "".join(syllables) + full, "".join(s[0] for s in syllables) + initials
    return pinyin_keys(name)
