"""A small XML reader for files from outside (a DAISY book's metadata) that refuses what makes XML dangerous.

Built on the standard library's expat parser, which on its own expands entities declared in
the document (a few hundred bytes of "billion laughs" become gigabytes) and reports external
entities to whoever asks for them. Here:

- an entity declaration of any kind, an internal DTD subset, an external entity reference and
  a notation are refused before anything is expanded;
- a DOCTYPE naming an outside DTD is allowed (every DAISY 2.02 ``ncc.html`` has one) but never
  fetched or read; XHTML's named characters (``&nbsp;``) are taken from the standard table;
- the input is capped in size, and in depth and element count while it is read;
- the declared encoding is honoured (GB2312 and GBK books exist; expat itself reads only
  UTF-8, UTF-16 and Latin-1, so other encodings are decoded here first).

The result is a plain tree of ``Node`` values: local names in lower case (DAISY writes
``dc:Title`` and ``dc:title``), attributes by local name, text.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from dataclasses import dataclass, field
from xml.parsers import expat

from ils.errors import Invalid

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 100
MAX_ELEMENTS = 200_000
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.IGNORECASE)
_NATIVE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "utf-16"}
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5"}


@dataclass
class Node:
    name: str
    attributes: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find_all(self, name: str) -> list[Node]:
        """Every descendant called ``name`` (a local name, lower case), in document order."""
        found = []
        for child in self.children:
            if child.name == name:
                found.append(child)
            found.extend(child.find_all(name))
        return found

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)


class UnsafeXml(Invalid):
    """The document holds something this reader refuses to expand or follow."""


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower()


def _utf8(data: bytes, what: str) -> bytes:
    """The document as UTF-8 (or as it came, when expat reads its encoding itself)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    match = _DECLARATION.match(data[:200])
    if match is None:
        return data
    declared = match.group(1).decode("ascii").lower()
    if declared in _NATIVE:
        return data
    codec = _WIDER.get(declared, declared)
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError) as error:
        raise Invalid(
            "xml.encoding",
            "{what} says it is in {encoding}, but is not readable as that.",
            what=what,
            encoding=declared,
        ) from error
    start, end = match.span(1)
    return (data[:start].decode("ascii") + "utf-8" + text[len(data[:end].decode(codec)) :]).encode("utf-8")


def parse(data: bytes, what: str) -> Node:
    """The tree of ``data``; ``what`` names the file in refusals ("ncc.html")."""
    if len(data) > MAX_BYTES:
        raise UnsafeXml(
            "xml.too_large",
            "{what} is larger than {size} MB; it is not a book's metadata.",
            what=what,
            size=MAX_BYTES // (1024 * 1024),
        )
    data = _utf8(data, what)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root = Node("", {})
    stack = [root]
    count = 0

    def refuse(code: str, template: str):
        def handler(*_args) -> None:
            raise UnsafeXml(code, template, what=what)

        return handler

    def doctype(_name, _system_id, _public_id, has_internal_subset) -> None:
        if has_internal_subset:
            raise UnsafeXml(
                "xml.internal_subset",
                "{what} declares its own DTD inside the file; ils does not read "
                "such files (they can hide entity bombs).",
                what=what,
            )

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS or len(stack) > MAX_DEPTH:
            raise UnsafeXml(
                "xml.too_deep", "{what} has more elements or nesting than a book's metadata has.", what=what
            )
        node = Node(_local(name), {_local(k): v for k, v in attributes.items()})
        stack[-1].children.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def text(data_: str) -> None:
        stack[-1].text += data_

    def skipped(name: str, is_parameter: bool) -> None:
        point = None if is_parameter else html.entities.name2codepoint.get(name)
        if point is None:
            raise UnsafeXml("xml.unknown_entity", "{what} uses an entity ils does not know; it is not read.", what=what)
        stack[-1].text += chr(point)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse(
        "xml.entity_declaration",
        "{what} declares entities; ils refuses to read such "
        "files (entity expansion can exhaust the memory of the desk).",
    )
    parser.UnparsedEntityDeclHandler = refuse(
        "xml.entity_declaration",
        "{what} declares entities; ils refuses to "
        "read such files (entity expansion can exhaust the memory of the desk).",
    )
    parser.NotationDeclHandler = refuse(
        "xml.entity_declaration",
        "{what} declares entities; ils refuses to read "
        "such files (entity expansion can exhaust the memory of the desk).",
    )
    parser.ExternalEntityRefHandler = refuse(
        "xml.external_entity",
        "{what} refers to an outside entity; ils never "
        "follows such references (they can read files or reach the network).",
    )
    parser.SkippedEntityHandler = skipped
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise Invalid(
            "xml.malformed",
            "{what} is not well-formed XML (line {line}): {reason}.",
            what=what,
            line=error.lineno,
            reason=expat.ErrorString(error.code),
        ) from error
    if not root.children:
        raise Invalid("xml.empty", "{what} holds no XML element.", what=what)
    return root.children[0]
