"""The journaled write path against the raw-SQLite floor, measured in the same run.

Every service write in ils is one ``BEGIN IMMEDIATE`` transaction with its journal
row and ``synchronous=FULL``. The floor does the same two inserts with the
``sqlite3`` module and the same pragmas, so the ratio is what peewee, the HLC and
the journal guard cost. Run: ``.venv/bin/python bench/bench_write.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stats import measure, raw_connection  # noqa: E402

from ils.branches import add_service_point  # noqa: E402
from ils.initialise import initialise  # noqa: E402
from ils.staff import log_in  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ils-bench-"))

    library = initialise(folder / "ils.sqlite", admin_username="admin", admin_password="bench-pass")
    session = log_in(library, "admin", "bench-pass")
    service = measure(
        "service write + journal (add_service_point)",
        lambda i: add_service_point(session, branch="ZG", code=f"B{i}", name=f"服务点{i}"),
        args.runs,
    )
    library.close()

    raw = raw_connection(folder / "ils.sqlite", isolation_level=None)
    branch_id = raw.execute("SELECT id FROM branch WHERE code = 'ZG'").fetchone()[0]

    def floor_write(i: int) -> None:
        raw.execute("BEGIN IMMEDIATE")
        point = str(uuid.uuid4())
        raw.execute(
            "INSERT INTO service_point (id, branch_id, code, name, active, created_at) VALUES (?,?,?,?,1,?)",
            (point, branch_id, f"R{i}", f"服务点{i}", "2026-01-01T00:00:00"),
        )
        raw.execute(
            "INSERT INTO journal (node_id, seq, hlc, wall_time, staff_id, action, entity_type, entity_id, data)"
            " VALUES ('floor', ?, ?, 't', NULL, 'service_point.add', 'service_point', ?, ?)",
            (i + 1, i + 1, point, json.dumps({"code": f"R{i}"})),
        )
        raw.execute("COMMIT")

    floor = measure("raw sqlite3 floor (same two inserts)", floor_write, args.runs)
    raw.close()
    print(service.line(floor))
    print(floor.line())


if __name__ == "__main__":
    main()
