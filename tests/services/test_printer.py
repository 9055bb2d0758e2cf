"""Sending a printout to CUPS: a fake ``lp`` on PATH stands in for the print system."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ils import printer
from ils.errors import Invalid
from ils.printer import send_to_printer

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the whole PATH: no real lp can be found."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def fake_lp(bin_dir: Path, body: str) -> None:
    script = bin_dir / "lp"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def receipt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "receipt.pdf").write_bytes(b"%PDF-1.4\n")
    return Path("receipt.pdf")


def test_the_pdf_is_queued_on_the_named_printer(bin_dir: Path, receipt: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    fake_lp(bin_dir, f"printf '%s\\n' \"$@\" > '{calls}'\necho 'request id is Receipt-7 (1 file(s))'")
    send_to_printer(receipt, "Receipt_80mm")
    # One argument each, and the file by its absolute path.
    assert calls.read_text().splitlines() == ["-d", "Receipt_80mm", str(receipt.resolve())]


def test_no_shell_sees_the_printer_name(bin_dir: Path, receipt: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    fake_lp(bin_dir, f"printf '%s\\n' \"$@\" > '{calls}'")
    send_to_printer(receipt, "desk 1; touch hacked")
    assert calls.read_text().splitlines()[1] == "desk 1; touch hacked"
    assert not (tmp_path / "hacked").exists()


def test_a_refusal_from_lp_is_shown_in_its_own_words(bin_dir: Path, receipt: Path) -> None:
    fake_lp(bin_dir, "echo 'lp: The printer or class does not exist.' >&2\nexit 1")
    with pytest.raises(Invalid) as caught:
        send_to_printer(receipt, "NoSuchPrinter")
    message = str(caught.value)
    assert "lp: The printer or class does not exist." in message
    assert "NoSuchPrinter" in message and "receipt.pdf" in message


def test_a_silent_refusal_gives_the_exit_status(bin_dir: Path, receipt: Path) -> None:
    fake_lp(bin_dir, "exit 3")
    with pytest.raises(Invalid, match="status 3"):
        send_to_printer(receipt, "Receipt_80mm")


def test_without_cups_the_desk_is_told_where_the_pdf_is(bin_dir: Path, receipt: Path) -> None:
    with pytest.raises(Invalid, match="lp command") as caught:
        send_to_printer(receipt, "Receipt_80mm")
    assert "receipt.pdf" in str(caught.value)


def test_a_print_server_that_does_not_answer_is_given_up_on(
    bin_dir: Path, receipt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(printer, "LP_TIMEOUT_SECONDS", 0.2)
    fake_lp(bin_dir, "exec /bin/sleep 30")
    with pytest.raises(Invalid, match="did not answer"):
        send_to_printer(receipt, "Receipt_80mm")
