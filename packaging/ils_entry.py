"""Entry script of the one-file executable built by ``build.spec``.

It does what the ``ils`` console script does: run ``ils.__main__.main()`` and
exit with its code. It lives outside the packages so that PyInstaller treats
``ils`` as an ordinary package (found through the analysis path), and this
folder has no ``__init__.py`` so that it never shadows PyPA's ``packaging``.
"""

from __future__ import annotations

import multiprocessing
import sys


def run() -> int:
    from ils.__main__ import main

    return main()


if __name__ == "__main__":
    # Harmless when nothing uses multiprocessing; required if anything ever does
    # in a frozen program (the child would re-run the whole CLI otherwise).
    multiprocessing.freeze_support()
    sys.exit(run())
