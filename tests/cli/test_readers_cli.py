"""``ils readers ...`` as a librarian or a script uses it: ID numbers piped in, never echoed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.services.reader_samples import ADULT, CHILD, GUARDIAN, citizen

PASSWORD = "password1"


def ils(db, *args, stdin=None):
    env = {**os.environ, "ILS_STAFF": "admin", "ILS_PASSWORD": PASSWORD, "ILS_DB": str(db)}
    env.pop("ILS_LANG", None)
    done = subprocess.run(
        [sys.executable, "-m", "ils", "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin if stdin is not None else "",
        timeout=900,
    )
    for number in (ADULT, GUARDIAN, CHILD):
        assert number not in done.stdout + done.stderr and number.lower() not in done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("readers") / "lib.sqlite"
    done = ils(path, "init", "--admin-password", PASSWORD)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def adult(db) -> str:
    done = ils(
        db,
        "readers",
        "add",
        "曾丽",
        "--phone",
        "13812345678",
        "--consent",
        "sms",
        "--consent",
        "union_sharing",
        "--json",
        stdin=ADULT.lower() + "\n",
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["id_masked"] == "430281********" + ADULT[-4:] and record["phone_masked"] == "138****5678"
    return record["summary"]["card_number"]


def test_a_child_registers_with_a_guardian_and_the_guardians_consent(db):
    guardian = json.loads(ils(db, "readers", "add", "李强", "--id-number", GUARDIAN, "--json").stdout)
    card = guardian["summary"]["card_number"]
    refused = ils(db, "readers", "add", "李小明", "--type", "child", stdin=CHILD + "\n")
    assert refused.returncode == 1 and "registers with a guardian" in refused.stderr
    done = ils(
        db,
        "readers",
        "add",
        "李小明",
        "--type",
        "child",
        "--guardian",
        card,
        "--consent",
        "guardian",
        stdin=CHILD + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert "李小明" in done.stdout and f"Guardian: 李强 ({card})" in done.stdout


def test_a_wrong_check_digit_is_a_clear_refusal(db):
    wrong = ADULT[:-1] + ("0" if ADULT[-1] != "0" else "1")
    done = ils(db, "readers", "add", "王芳", stdin=wrong + "\n")
    assert done.returncode == 1 and "wrong check digit" in done.stderr and wrong not in done.stderr


def test_no_id_number_on_standard_input_is_a_usage_error(db):
    done = ils(db, "readers", "add", "王芳")
    assert done.returncode == 2 and "--id-number" in done.stderr


def test_find_and_show(db, adult):
    found = json.loads(ils(db, "readers", "find", "zengli", "--json").stdout)
    assert [r["card_number"] for r in found] == [adult]
    assert "曾丽" in ils(db, "readers", "find", "13812345678").stdout
    assert "No reader found." in ils(db, "readers", "find", "赵钱孙").stdout
    shown = ils(db, "readers", "show", adult)
    assert "430281********" + ADULT[-4:] in shown.stdout and "138****5678" in shown.stdout


def test_lost_found_replaced_and_the_old_card_is_dead(db):
    card = json.loads(
        ils(db, "readers", "add", "王芳", "--id-number", citizen("19900101", order="111"), "--json").stdout
    )["summary"]["card_number"]
    lost = ils(db, "readers", "lost", card)
    assert lost.returncode == 0 and "Card reported lost" in lost.stdout
    again = ils(db, "readers", "lost", card)
    assert again.returncode == 1 and "already reported lost" in again.stderr
    wrong = ils(db, "readers", "unlost", card, stdin=GUARDIAN + "\n")
    assert wrong.returncode == 1 and "not the card holder's" in wrong.stderr
    assert ils(db, "readers", "unlost", card, stdin=citizen("19900101", order="111") + "\n").returncode == 0
    replaced = json.loads(
        ils(db, "readers", "replace", card, "--json", stdin=citizen("19900101", order="111") + "\n").stdout
    )
    new = replaced["summary"]["card_number"]
    assert new != card
    dead = ils(db, "readers", "lost", card)
    assert dead.returncode == 1 and f"the reader's card is now {new}" in dead.stderr
    unknown = ils(db, "readers", "show", "4302810000006")
    assert unknown.returncode == 1 and "No reader card has the number 4302810000006" in unknown.stderr
    mistyped = ils(db, "readers", "show", "4302810000000")
    assert mistyped.returncode == 1 and "wrong check digit" in mistyped.stderr
    not_text = ils(db, "readers", "find", "\udcff")
    assert (
        not_text.returncode == 1 and "is not valid text (UTF-8)" in not_text.stderr
    )  # refused before any service reads it
    assert "Traceback" not in not_text.stderr


def test_verify_says_whose_number_it_is(db, adult):
    yes = ils(db, "readers", "verify", adult, stdin=ADULT + "\n")
    assert yes.returncode == 0 and "belongs to 曾丽" in yes.stdout
    no = ils(db, "readers", "verify", adult, stdin=GUARDIAN + "\n")
    assert "does NOT belong" in no.stdout


def test_verify_exits_non_zero_when_the_number_is_someone_elses(db, adult):
    assert ils(db, "readers", "verify", adult, stdin=GUARDIAN + "\n").returncode == 1


def test_suspend_renew_and_consents(db, adult):
    assert "多次逾期未还" in ils(db, "readers", "suspend", adult, "--reason", "多次逾期未还").stdout
    assert ils(db, "readers", "unsuspend", adult).returncode == 0
    renew = ils(db, "readers", "renew", adult)
    assert renew.returncode == 1 and "do not expire" in renew.stderr
    withdrawn = ils(db, "readers", "consent", adult, "sms", "--withdraw", "--json")
    assert [c["withdrawn_at"] is not None for c in json.loads(withdrawn.stdout) if c["kind"] == "sms"] == [True]


def test_card_and_export_pdfs(db, adult, tmp_path):
    card = ils(db, "readers", "card", adult, "--out", str(tmp_path / "card.pdf"))
    assert card.returncode == 0, card.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "card.pdf"), "-"], capture_output=True, text=True).stdout
    assert "曾丽" in text and adult in text
    export = ils(db, "readers", "export", adult, "--out", str(tmp_path / "export.pdf"))
    assert export.returncode == 0, export.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "export.pdf"), "-"], capture_output=True, text=True).stdout
    assert "430281********" + ADULT[-4:] in text and ADULT not in text


def test_return_anonymise_and_the_privacy_jobs(db):
    card = json.loads(
        ils(db, "readers", "add", "赵敏", "--id-number", citizen("19700101", order="222"), "--json").stdout
    )["summary"]["card_number"]
    assert "Card returned" in ils(db, "readers", "cancel", card).stdout
    done = ils(db, "readers", "anonymise", card)
    assert done.returncode == 0 and "anonymised" in done.stdout
    jobs = json.loads(ils(db, "readers", "deidentify", "--json").stdout)
    assert [j["job"] for j in jobs] == [
        "deidentify_loan_history",
        "anonymise_returned_cards",
        "expire_sync_bundles",
        "deidentify_blind_room",
    ]
    assert ils(db, "check").returncode == 0


def test_types_and_settings(db):
    types = json.loads(ils(db, "readers", "types", "--json").stdout)
    assert [t["name"] for t in types] == ["成人", "少儿", "视障", "团体", "临时"]
    added = ils(db, "readers", "type-add", "school", "学校集体证", "--months", "12", "--json")
    assert json.loads(added.stdout)["validity_months"] == 12
    retired = json.loads(ils(db, "readers", "type-change", "school", "--retired", "--json").stdout)
    assert retired["active"] is False
    settings = json.loads(ils(db, "readers", "settings", "--anonymise-after-days", "180", "--json").stdout)
    assert settings == {"card_prefix": "430281", "loan_history_days": 90, "anonymise_after_days": 180}


def test_a_persons_name_is_headed_姓名_in_lists_and_records(db, adult):
    found = ils(db, "--lang", "zh_CN", "readers", "find", "zengli").stdout
    shown = ils(db, "--lang", "zh_CN", "readers", "show", adult).stdout
    assert "姓名" in found and "名称" not in found and "姓名" in shown and "名称" not in shown
