"""Reading a DAISY talking book's metadata, from a folder or a zip, without trusting it.

- DAISY 2.02: the navigation control centre ``ncc.html`` (upper case on some CDs) carries Dublin
  Core and ``ncc:`` metadata as ``<meta name=… content=…>``: dc:title, dc:creator, dc:identifier,
  dc:format ("Daisy 2.02"), dc:publisher, dc:date, dc:language, ncc:narrator, ncc:totalTime,
  ncc:multimediaType, ncc:setInfo ("1 of 3": the disc of a set).
- DAISY 3 (ANSI/NISO Z39.86-2005): the package file ``*.opf``: ``dc:Title``, ``dc:Creator``,
  ``dc:Identifier`` (the one the package's ``unique-identifier`` names), ``dc:Format``, and
  ``dtb:totalTime``, ``dtb:narrator``, ``dtb:multimediaType`` as x-metadata.

Only the one metadata file is read: from a folder straight from disk, from a zip into memory
(members counted and size-capped before reading, nothing ever extracted). Its XML goes through
``safe_xml``, which refuses entity declarations and external references. The PyPI
``daisy-dtb`` package does not import on Python 3.11, and reading four fields does not need it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ils.blind.safe_xml import MAX_BYTES, Node, parse
from ils.errors import Invalid

MAX_MEMBERS = 20_000
_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?$")
_SET = re.compile(r"^\s*(\d+)\s*of\s*(\d+)\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|min|s|ms)?\s*$")


@dataclass(frozen=True)
class DaisyBook:
    format: str  # "DAISY 2.02" or "DAISY 3"
    title: str
    creators: tuple[str, ...]
    narrator: str | None
    identifier: str | None
    publisher: str | None
    date: str | None
    language: str | None
    total_seconds: int | None
    multimedia_type: str | None
    disc: int | None  # ncc:setInfo "2 of 3": this is disc 2 …
    discs: int | None  # … of a set of 3

    @property
    def total_time(self) -> str | None:
        if self.total_seconds is None:
            return None
        hours, rest = divmod(self.total_seconds, 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def seconds(text: str | None) -> int | None:
    """``hh:mm:ss(.fff)``, ``mm:ss`` or a clock value (``5400s``, ``90min``, ``1.5h``) in whole seconds."""
    if not text:
        return None
    match = _TIME.match(text.strip())
    if match:
        hours, minutes, secs = (int(part) if part else 0 for part in match.groups())
        return hours * 3600 + minutes * 60 + secs
    match = _CLOCK.match(text)
    if match:
        value = float(match.group(1))
        factor = {"h": 3600, "min": 60, "s": 1, "ms": 0.001, None: 1}[match.group(2)]
        return round(value * factor)
    return None


def _clean(text: str | None) -> str | None:
    cleaned = " ".join((text or "").split())
    return cleaned or None


def _metas(root: Node) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in root.find_all("meta"):
        name = (meta.attributes.get("name") or "").strip().lower()
        content = _clean(meta.attributes.get("content"))
        if name and content:
            found.setdefault(name, []).append(content)
    return found


def read_ncc(data: bytes, what: str = "ncc.html") -> DaisyBook:
    root = parse(data, what)
    metas = _metas(root)

    def first(name: str) -> str | None:
        return _first(metas.get(name))

    titles = root.find_all("title")
    title = first("dc:title") or (_clean(titles[0].all_text()) if titles else None)
    if not title:
        raise Invalid("daisy.no_title", "{what} gives no title (dc:title).", what=what)
    disc = discs = None
    if (set_info := first("ncc:setinfo")) and (match := _SET.match(set_info)):
        disc, discs = int(match.group(1)), int(match.group(2))
    return DaisyBook(
        "DAISY 2.02",
        title,
        tuple(metas.get("dc:creator", ())),
        first("ncc:narrator"),
        first("dc:identifier"),
        first("dc:publisher"),
        first("dc:date"),
        first("dc:language"),
        seconds(first("ncc:totaltime")),
        first("ncc:multimediatype"),
        disc,
        discs,
    )


def read_opf(data: bytes, what: str = "package.opf") -> DaisyBook:
    root = parse(data, what)
    if root.name != "package":
        raise Invalid("daisy.not_a_package", "{what} is not a DAISY 3 package file.", what=what)
    unique = root.attributes.get("unique-identifier")

    def texts(name: str) -> list[str]:
        return [t for t in (_clean(n.all_text()) for n in root.find_all(name)) if t]

    identifiers = root.find_all("identifier")
    named = [n for n in identifiers if unique and n.attributes.get("id") == unique]
    identifier = _clean((named or identifiers)[0].all_text()) if identifiers else None
    metas = _metas(root)
    titles = texts("title")
    if not titles:
        raise Invalid("daisy.no_title", "{what} gives no title (dc:Title).", what=what)
    dates = texts("date")
    return DaisyBook(
        "DAISY 3",
        titles[0],
        tuple(texts("creator")),
        _first(metas.get("dtb:narrator")),
        identifier,
        _first(texts("publisher")),
        dates[0] if dates else None,
        _first(texts("language")),
        seconds(_first(metas.get("dtb:totaltime"))),
        _first(metas.get("dtb:multimediatype")),
        None,
        None,
    )


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _pick(names: list[str]) -> tuple[str, str] | None:
    """The metadata file among a book's files: its ncc.html, else its package file; the shallowest wins."""
    by_depth = sorted(names, key=lambda n: (len(PurePosixPath(n).parts), n))
    for name in by_depth:
        if PurePosixPath(name).name.lower() == "ncc.html":
            return name, "ncc"
    for name in by_depth:
        if PurePosixPath(name).suffix.lower() == ".opf":
            return name, "opf"
    return None


def _from_folder(folder: Path) -> tuple[bytes, str, str]:
    names: list[str] = []
    for path in folder.rglob("*"):
        if len(names) > MAX_MEMBERS:
            break
        if path.is_file() and not path.is_symlink() and len(path.relative_to(folder).parts) <= 3:
            names.append(path.relative_to(folder).as_posix())
    chosen = _pick(names)
    if chosen is None:
        raise Invalid("daisy.not_found", "{path} holds no DAISY book: no ncc.html and no .opf file.", path=str(folder))
    path = folder / chosen[0]
    if path.stat().st_size > MAX_BYTES:
        raise Invalid(
            "xml.too_large",
            "{what} is larger than {size} MB; it is not a book's metadata.",
            what=chosen[0],
            size=MAX_BYTES // (1024 * 1024),
        )
    return path.read_bytes(), chosen[0], chosen[1]


def _from_zip(path: Path) -> tuple[bytes, str, str]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise Invalid("daisy.bad_zip", "{path} is not a readable zip file.", path=str(path)) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise Invalid("daisy.too_many_files", "{path} has more files than a talking book has.", path=str(path))
        names = [i.filename for i in infos if not i.is_dir() and len(PurePosixPath(i.filename).parts) <= 3]
        chosen = _pick(names)
        if chosen is None:
            raise Invalid(
                "daisy.not_found", "{path} holds no DAISY book: no ncc.html and no .opf file.", path=str(path)
            )
        info = archive.getinfo(chosen[0])
        if info.file_size > MAX_BYTES:
            raise Invalid(
                "xml.too_large",
                "{what} is larger than {size} MB; it is not a book's metadata.",
                what=chosen[0],
                size=MAX_BYTES // (1024 * 1024),
            )
        with archive.open(info) as member:
            data = member.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise Invalid(
                "xml.too_large",
                "{what} is larger than {size} MB; it is not a book's metadata.",
                what=chosen[0],
                size=MAX_BYTES // (1024 * 1024),
            )
    return data, chosen[0], chosen[1]


def read_book(path: Path) -> DaisyBook:
    """The metadata of the DAISY book in the folder or zip at ``path``."""
    path = Path(path)
    if path.is_dir():
        data, name, kind = _from_folder(path)
    elif path.is_file():
        data, name, kind = _from_zip(path)
    else:
        raise Invalid("daisy.no_such_path", "There is no folder or zip file {path}.", path=str(path))
    return read_ncc(data, name) if kind == "ncc" else read_opf(data, name)
