"""Spoken feedback for the reader at the blind room's desk: each outcome said aloud in Chinese.

``espeak-ng`` (a Debian package) speaks Mandarin with the voice ``cmn``. It runs as a separate
process, fed the sentence on its standard input (never on its command line), so the desk never
waits for it and a missing or failing speaker costs nothing but the sound. Spoken feedback is
off by default and belongs to one desk (``blind.speech``, desk-local). ``speak(..., wav=PATH)``
writes the sound to a file instead, which is how it is tested.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ils.blind.settings import blind_settings
from ils.errors import Invalid
from ils.library import Library

PROGRAM = "espeak-ng"
VOICE = "cmn"
WORDS_PER_MINUTE = 150
MAX_CHARS = 300


def available() -> bool:
    return shutil.which(PROGRAM) is not None


def speak(text: str, *, wav: Path | None = None, wait: bool = False) -> subprocess.Popen[bytes] | None:
    """Say ``text`` in Mandarin (or write it to ``wav``); None when there is nothing to say or no speaker."""
    sentence = " ".join(text.split())[:MAX_CHARS]
    program = shutil.which(PROGRAM)
    if not sentence or program is None:
        return None
    command = [program, "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "--stdin"]
    if wav is not None:
        command += ["-w", str(wav)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert process.stdin is not None  # noqa: S101  (opened just above)
    process.stdin.write(sentence.encode("utf-8"))
    process.stdin.close()
    if wait:
        process.wait(timeout=60)
    return process


def speaking(library: Library) -> bool:
    """Whether this desk speaks outcomes."""
    return blind_settings(library).speech


def check_available() -> None:
    if not available():
        raise Invalid("blind.no_speech", "Spoken feedback needs espeak-ng, which is not installed on this computer.")
