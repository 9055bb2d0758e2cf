"""A union on PostgreSQL killed with SIGKILL in the middle of an import, then started again: the
same state hash as an uninterrupted import, and nothing of the killed one in between."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import psycopg

from ils.library import open_library
from ils.sync import exchange
from tests.sync import backends
from tests.sync.network import PASSWORD, build, catalogue

_MID_IMPORT = (
    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    " AND xact_start IS NOT NULL AND query LIKE 'COPY %%'"  # new rows go in with COPY: the import is storing them
)


def test_a_union_killed_mid_import_then_restarted_has_the_uninterrupted_state(tmp_path, pg_templates):
    network = build(tmp_path / "net", pg_templates, {"a": "ZG"})
    try:
        for n in range(40):  # a bundle that takes a while to apply
            catalogue(network.desks["a"], f"书{n}", *((f"K{n:03d}{c}", "ZG") for c in range(5)))
        bundle = network.export("a")
        union = network.union
        empty_hash = union.hashes()
        snapshot = backends.snapshot(union.library, tmp_path / "before.sqlite")
        assert exchange.import_bundle(union.session(), bundle).state == "applied"
        uninterrupted = union.hashes()
        backends.restore(snapshot, union.library)  # back to before the import, same node
        name = backends.database_name(union.library.path)
        env = {**os.environ, "ILS_PASSWORD": PASSWORD, "ILS_STAFF": "admin", "ILS_LANG": "en"}
        command = [sys.executable, "-m", "ils", "--db", str(union.library.path), "union", "import", str(bundle)]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with psycopg.connect(backends.PG_URL, autocommit=True) as watch:
            while process.poll() is None:
                if watch.execute(_MID_IMPORT, (name,)).fetchone()[0]:
                    process.send_signal(signal.SIGKILL)  # the power goes off half way through
                    break
        process.wait(timeout=900)
        assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
        union.library = open_library(union.library.path, union.clock)
        union._session = None
        assert union.hashes() == empty_hash  # nothing of the killed import stayed
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        assert union.hashes() == uninterrupted
    finally:
        network.close()
        backends.drop(tmp_path / "before.pg")
