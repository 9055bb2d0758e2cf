"""Keep the translation catalogues in step with the code.

    python tools/i18n.py update          extract strings, merge into both .po files
    python tools/i18n.py apply FILE.json add Chinese translations {"msgid": "译文"}
    python tools/i18n.py check           exit 1 if any string lacks a translation

Message ids are English, so the English catalogue's text is the id itself; the
Chinese catalogue is translated by hand. ``check`` also refuses a translation
whose ``{placeholders}`` differ from its id's, which would crash ``format``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "ils" / "locale"
SOURCES = ("ils", "screens", "db")
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    # Errors and messages carry (code, English template, ...): the template is the message id.
    "message": (2,),
    "Message": (2,),
    "plural_message": (2, 3),
    "counted": (2, 3),  # IlsError.counted
    **{
        name: (2,)
        for name in (
            "IlsError",
            "NotFound",
            "Invalid",
            "Conflict",
            "PermissionDenied",
            "LoginFailed",
            "DatabaseProblem",
        )
    },
}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def extract() -> dict[str | tuple[str, str], list[str]]:
    found: dict[str | tuple[str, str], list[str]] = {}
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.setdefault(message, []).append(f"{folder}/{filename}:{lineno}")
    return found


def _load(language: str) -> Catalog:
    path = LOCALE / f"{language}.po"
    if path.exists():
        with path.open("rb") as handle:
            return read_po(handle, locale=language)
    return Catalog(locale=language)


def _save(catalog: Catalog, language: str) -> None:
    catalog.project = "ils"
    catalog.fuzzy = False
    with (LOCALE / f"{language}.po").open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=0, omit_header=False)


def _key(message) -> str | tuple[str, ...]:
    return message if isinstance(message, str) else tuple(message)


def update() -> None:
    found = extract()
    for language in ("zh_CN", "en"):
        old = _load(language)
        new = Catalog(locale=language)
        for message in found:
            previous = old.get(message if isinstance(message, str) else message[0])
            string = previous.string if previous is not None else ("" if isinstance(message, str) else ("", ""))
            if language == "en" and not any(string if isinstance(string, tuple) else (string,)):
                string = message
            new.add(message, string)
        _save(new, language)
    print(f"{len(found)} strings")


def apply(path: Path) -> None:
    translations: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    catalog = _load("zh_CN")
    applied = 0
    for msgid, text in translations.items():
        message = catalog.get(msgid)
        if message is None:
            print(f"not in the code (run update first?): {msgid!r}", file=sys.stderr)
            continue
        # A plural message takes one form per plural of the language (Chinese has one).
        message.string = (text,) if message.pluralizable and isinstance(text, str) else text
        applied += 1
    _save(catalog, "zh_CN")
    print(f"applied {applied} of {len(translations)}")


def problems() -> list[str]:
    found = extract()
    issues: list[str] = []
    for language in ("zh_CN", "en"):
        catalog = _load(language)
        for message, places in found.items():
            msgid = message if isinstance(message, str) else message[0]
            entry = catalog.get(msgid)
            strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
            if entry is None or not all(strings) or entry.fuzzy:
                issues.append(f"{language}: no translation for {msgid!r} ({places[0]})")
                continue
            ids = message if isinstance(message, tuple) else (message,)
            wanted = set(PLACEHOLDER.findall("".join(ids)))
            # A plural form may leave out what only the other form names ("{possibility}" /
            # "{possibilities}": the caller passes both), never add one, never drop a shared one.
            shared = set.intersection(*(set(PLACEHOLDER.findall(i)) for i in ids))
            for text in strings:
                used = set(PLACEHOLDER.findall(text))
                if used != wanted and not (len(ids) > 1 and shared <= used <= wanted):
                    issues.append(f"{language}: placeholders differ in {msgid!r}: {text!r}")
    return issues


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "apply":
        apply(Path(argv[1]))
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        print("catalogues complete" if not found else f"{len(found)} problems")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
