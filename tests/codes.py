"""Asserting a refusal by its code, not its English text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from ils.errors import IlsError


@contextmanager
def refused(code: str, kind: type[IlsError] = IlsError) -> Iterator[pytest.ExceptionInfo[IlsError]]:
    """Expect the block to raise ``kind`` with ``code``; yields the caught exception for its parameters."""
    with pytest.raises(kind) as caught:
        yield caught
    assert caught.value.code == code, f"{caught.value.code} ({caught.value.render('en')}), not {code}"
