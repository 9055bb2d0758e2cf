"""Look at rendered PDFs the way a user's tools would: poppler and zbar.

Each helper writes the PDF to the test's temporary directory and runs the
real command-line tool on it, so the tests check what a viewer, a printer
driver and a barcode scanner actually get, not what reportlab meant to draw.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from xml.etree import ElementTree

import pytest

#: The resolution of an office laser printer, and the one barcodes must survive.
RENDER_DPI = 300


@dataclass(frozen=True)
class FontRow:
    """One line of ``pdffonts`` output."""

    name: str
    embedded: bool


@dataclass(frozen=True)
class Word:
    """A word ``pdftotext -bbox`` found, in points from the page's top-left."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True)


@dataclass
class PdfTools:
    """Runs poppler and zbar on PDF bytes inside one scratch directory."""

    workdir: Path

    def __post_init__(self) -> None:
        self._names = count(1)

    def save(self, pdf: bytes) -> Path:
        path = self.workdir / f"doc{next(self._names)}.pdf"
        path.write_bytes(pdf)
        return path

    def text(self, pdf: bytes) -> str:
        """All the text a viewer's copy or search would find, layout kept."""
        return _run("pdftotext", "-layout", "-enc", "UTF-8", self.save(pdf), "-").stdout

    def words(self, pdf: bytes) -> list[Word]:
        """Every word with its box, to check where text landed."""
        xhtml = _run("pdftotext", "-bbox", "-enc", "UTF-8", self.save(pdf), "-").stdout
        root = ElementTree.fromstring(xhtml)
        words: list[Word] = []
        pages = [el for el in root.iter() if el.tag.endswith("page")]
        for number, page in enumerate(pages, start=1):
            for word in page:
                words.append(
                    Word(
                        page=number,
                        text=word.text or "",
                        x_min=float(word.get("xMin")),
                        y_min=float(word.get("yMin")),
                        x_max=float(word.get("xMax")),
                        y_max=float(word.get("yMax")),
                    )
                )
        return words

    def fonts(self, pdf: bytes) -> list[FontRow]:
        """``pdffonts`` rows, sliced by the dashes under its header."""
        lines = _run("pdffonts", self.save(pdf)).stdout.splitlines()
        spans = [m.span() for m in re.finditer(r"-+", lines[1])]
        rows = []
        for line in lines[2:]:
            cells = [line[start:end].strip() for start, end in spans]
            rows.append(FontRow(name=cells[0], embedded=cells[3] == "yes"))
        return rows

    def info(self, pdf: bytes) -> dict[str, str]:
        """The document fields ``pdfinfo`` prints (Title, Pages, ...)."""
        out = _run("pdfinfo", "-enc", "UTF-8", self.save(pdf)).stdout
        return dict(
            (key.strip(), value.strip())
            for key, value in (line.split(":", 1) for line in out.splitlines() if ":" in line)
        )

    def page_sizes(self, pdf: bytes) -> list[tuple[float, float]]:
        """Each page's (width, height) in points, as ``pdfinfo`` reports it."""
        out = _run("pdfinfo", "-f", "1", "-l", "1000", self.save(pdf)).stdout
        return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)]

    def render(self, pdf: bytes, dpi: int = RENDER_DPI) -> list[Path]:
        """The pages as PNGs, rasterised as a printer driver would."""
        path = self.save(pdf)
        prefix = path.with_suffix("")
        _run("pdftoppm", "-r", str(dpi), "-png", path, prefix)
        return sorted(self.workdir.glob(f"{prefix.name}-*.png"))

    def assert_only_cjk_font(self, pdf: bytes) -> None:
        """The PDF uses the bundled font alone, embedded: no unembedded fallback."""
        rows = self.fonts(pdf)
        assert rows, "no fonts at all: the text is missing"
        assert all(row.embedded for row in rows), rows
        assert {row.name.split("+")[-1] for row in rows} == {"WenQuanYiMicroHei-0"}, rows

    def decode(self, pdf: bytes, dpi: int = RENDER_DPI) -> list[str]:
        """Every barcode and QR value zbar reads from the rendered pages."""
        values: list[str] = []
        for png in self.render(pdf, dpi):
            result = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True)
            # zbarimg exits 4 when it finds nothing: that is an empty answer, not an error.
            assert result.returncode in (0, 4), result.stderr
            values.extend(line for line in result.stdout.splitlines() if line)
        return values


@pytest.fixture
def pdf_tools(tmp_path: Path) -> PdfTools:
    return PdfTools(tmp_path)
