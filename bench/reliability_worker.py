"""A desk that works until it is killed: the process the kill scenarios ``kill -9``.

    python -u bench/reliability_worker.py checkouts DB SEED
    python -u bench/reliability_worker.py imports DB FILE...

It logs in as a desk would and then works through the services, printing one
line per outcome, flushed as it happens, so the process that kills it knows what
was committed before the kill:

    READY                      logged in, about to work
    LENT <loan id>             a checkout committed
    RETURNED <barcode>         a return committed
    REFUSED <code>             a refusal (a rule, a lost race): fine
    APPLIED <file name>        a whole MARC file committed
    RAW <type>: <message>      any other exception: a bug
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from ils.errors import IlsError  # noqa: E402  (after the path is set)
from ils.library import open_library  # noqa: E402
from ils.staff import log_in  # noqa: E402

ADMIN, PASSWORD = "admin", "demo1234"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def checkouts(db: Path, seed: int) -> None:
    """Lend and take back copies, forever: cards and barcodes drawn from the library itself."""
    from db.models import Item, ReaderCard
    from ils.circulation import loans

    rng = random.Random(seed)
    session = log_in(open_library(db), ADMIN, PASSWORD)
    branch = session.library.node.branch_id
    cards = [c.card_number for c in ReaderCard.select(ReaderCard.card_number).where(ReaderCard.state == "active")]
    barcodes = [i.barcode for i in Item.select(Item.barcode).where(Item.branch == branch)]
    lent: list[str] = []
    say("READY")
    while True:
        try:
            if lent and rng.random() < 0.45:
                barcode = lent.pop(rng.randrange(len(lent)))
                loans.return_item(session, barcode)
                say(f"RETURNED {barcode}")
            else:
                barcode = rng.choice(barcodes)
                result = loans.checkout(session, rng.choice(cards), barcode)
                lent.append(barcode)
                say(f"LENT {result.loan.id}")
        except IlsError as error:
            say(f"REFUSED {error.code}")
        except Exception as error:  # the bug the scenario counts
            say(f"RAW {type(error).__name__}: {error}")


def imports(db: Path, files: list[Path]) -> None:
    """Stage and apply each MARC file in turn, each in one write."""
    from ils.catalogue import marc_import

    session = log_in(open_library(db), ADMIN, PASSWORD)
    say("READY")
    for path in files:
        try:
            batch = marc_import.stage(session, path.read_bytes(), source_name=path.name)
            marc_import.apply(session, batch)
            say(f"APPLIED {path.name}")
        except IlsError as error:
            say(f"REFUSED {error.code}")
        except Exception as error:
            say(f"RAW {type(error).__name__}: {error}")
    say("FINISHED")


def main(argv: list[str]) -> None:
    mode, db = argv[0], Path(argv[1])
    if mode == "checkouts":
        checkouts(db, int(argv[2]))
    elif mode == "imports":
        imports(db, [Path(p) for p in argv[2:]])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
