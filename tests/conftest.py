"""What every test needs, whichever folder it is in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ils.i18n import DEFAULT_LANGUAGE, set_language


@pytest.fixture(autouse=True)
def chinese_after_each_test() -> Iterator[None]:
    """The default language is the process's: a test that switches it (the command line run in
    this process with ``--lang en``, a fixture for English messages, the desk's F2) must not leak
    into whichever test the same worker runs next, which expects the desks' Chinese."""
    yield
    set_language(DEFAULT_LANGUAGE)
