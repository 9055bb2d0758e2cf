"""English counts take their plural forms in the CLI and on the blind room's and periodicals' desks
(issue 18: "1 holds", "1 loans in history")."""

from __future__ import annotations

from ils.blind.desk import LoanLine
from ils.i18n import ngettext, use_language
from screens.blind_view import with_it
from tests.cli.test_catalogue_io_cli import _new_db
from tests.cli.test_cli import ils
from tests.services.marc_samples import dp2_records, write_file


def test_one_record_is_a_record_in_the_cli(tmp_path):
    db = _new_db(tmp_path)
    supplier = write_file(tmp_path / "one.iso", dp2_records()[:1], "gbk")
    assert ils("--db", str(db), "catalogue", "import", str(supplier)).returncode == 0
    indexed = ils("--db", str(db), "--lang", "en", "catalogue", "reindex")
    assert indexed.stdout.strip() == "Indexed 1 record."
    wrote = ils("--db", str(db), "--lang", "en", "catalogue", "export", str(tmp_path / "out.mrc"), "--all")
    assert wrote.stdout.startswith("Wrote 1 record to ")
    cleared = ils("--db", str(db), "--lang", "en", "labels", "clear")
    assert cleared.stdout.strip() in ("Took 0 labels off the queue.", "Took 1 label off the queue.")


def test_a_set_of_one_volume_is_one_volume_at_the_blind_desk():
    line = LoanLine(loan=None, kind="set", accessories=(), volumes=1, volumes_out=(1,), proxy=None, parcel=None)  # type: ignore[arg-type]
    with use_language("en"):
        assert with_it(line) == "1 volume"
        assert (
            ngettext("{count} claim recorded.", "{count} claims recorded.", 2).format(count=2) == "2 claims recorded."
        )
    with use_language("zh_CN"):
        assert with_it(line) == "共 1 册"
