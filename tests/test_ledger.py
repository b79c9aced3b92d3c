"""The class grading ledger: what decides whether a submission is graded again."""

import json

from course_grader.jobs import FAILED, GRADED, TIMEOUT, JobResult, digest, folder_files
from course_grader.ledger import Ledger


def test_a_submission_is_current_only_if_graded_from_the_same_files_and_still_autograded(tmp_path):
    ledger = Ledger(tmp_path / "class_grading" / "ledger.json")
    autograded = tmp_path / "autograded" / "ada" / "02_softmax"
    ledger.record(JobResult("02_softmax", "ada", "d1", GRADED, seconds=3.25))
    assert not ledger.is_current("02_softmax", "ada", "d1", autograded)  # its autograded/ folder is gone
    autograded.mkdir(parents=True)
    assert ledger.is_current("02_softmax", "ada", "d1", autograded)
    assert not ledger.is_current("02_softmax", "ada", "d2", autograded)
    assert not ledger.is_current("02_softmax", "bo", "d1", autograded)
    reopened = Ledger(tmp_path / "class_grading" / "ledger.json")
    assert reopened.entry("02_softmax", "ada")["seconds"] == 3.25


def test_timeouts_and_failures_are_kept_with_their_message_and_graded_again(tmp_path):
    ledger = Ledger(tmp_path / "ledger.json")
    ledger.record(JobResult("01_one_hot", "cy", "d", TIMEOUT, message="took longer than its budget of 5 s"))
    ledger.record(JobResult("02_softmax", "ada", "d", GRADED))
    ledger.record(JobResult("02_softmax", "bo", "d", FAILED, message="nbgrader autograde exited with 1"))
    (tmp_path / "x").mkdir()
    assert not ledger.is_current("01_one_hot", "cy", "d", tmp_path / "x")
    assert [(p["student"], p["status"]) for p in ledger.problems()] == [("cy", TIMEOUT), ("bo", FAILED)]
    assert [p["student"] for p in ledger.problems(["02_softmax"])] == ["bo"]
    assert json.loads((tmp_path / "ledger.json").read_text())["01_one_hot/cy"]["message"].endswith("5 s")
    assert not (tmp_path / "ledger.json.partial").exists()


def test_the_digest_changes_with_any_file_its_path_or_the_configuration(tmp_path):
    (tmp_path / "submitted" / "ada").mkdir(parents=True)
    (tmp_path / "submitted" / "ada" / "a.ipynb").write_bytes(b"{}")
    files = folder_files(tmp_path, "submitted/ada")
    assert files == {"submitted/ada/a.ipynb": b"{}"}
    base = digest("c = 1", files)
    assert base == digest("c = 1", dict(files))
    assert base != digest("c = 2", files)
    assert base != digest("c = 1", {"submitted/ada/b.ipynb": b"{}"})
    assert base != digest("c = 1", {"submitted/ada/a.ipynb": b"{ }"})
    assert base != digest("c = 1", {**files, "submitted/ada/data.csv": b""})
