"""The class grading ledger: what decides whether a submission is graded again."""

import json

from class_grader.grading_inputs import REASONS
from class_grader.job import FAILED, GRADED, TIMEOUT, JobResult, folder_files, job_digest
from class_grader.ledger import Ledger

INPUTS = {"hand-in": "h1", "assignment": "a1", "grading code": "g1", "configuration": "c1", "due date": "none",
          "extension": "0"}


def test_a_submission_is_graded_again_exactly_when_an_input_changed_or_its_autograded_folder_is_gone(tmp_path):
    ledger = Ledger(tmp_path / "class_grading" / "ledger.json")
    autograded = tmp_path / "autograded" / "ada" / "02_softmax"
    assert ledger.reasons("02_softmax", "ada", INPUTS, autograded) == ["not graded yet"]
    ledger.record(JobResult("02_softmax", "ada", "d1", GRADED, seconds=3.25), INPUTS, ["not graded yet"])
    assert ledger.reasons("02_softmax", "ada", INPUTS, autograded) == ["autograded/ folder missing"]
    autograded.mkdir(parents=True)
    assert ledger.reasons("02_softmax", "ada", INPUTS, autograded) == []
    for kind, reason in REASONS.items():
        assert ledger.reasons("02_softmax", "ada", {**INPUTS, kind: "other"}, autograded) == [reason], kind
    both = {**INPUTS, "due date": "2027-01-01T00:00:00", "grading code": "g2"}
    assert ledger.reasons("02_softmax", "ada", both, autograded) == ["grading code changed", "due date changed"]
    assert ledger.reasons("02_softmax", "bo", INPUTS, autograded) == ["not graded yet"]
    reopened = Ledger(tmp_path / "class_grading" / "ledger.json")
    assert reopened.entry("02_softmax", "ada")["seconds"] == 3.25
    assert reopened.entry("02_softmax", "ada")["inputs"] == INPUTS


def test_timeouts_and_failures_are_kept_and_tried_again_only_when_asked_or_changed(tmp_path):
    ledger = Ledger(tmp_path / "ledger.json")
    ledger.record(JobResult("01_one_hot", "cy", "d", TIMEOUT, message="took longer than its budget of 5 s"), INPUTS)
    ledger.record(JobResult("02_softmax", "ada", "d", GRADED), INPUTS)
    ledger.record(JobResult("02_softmax", "bo", "d", FAILED, message="nbgrader autograde exited with 1"), INPUTS)
    (tmp_path / "x").mkdir()
    assert ledger.reasons("01_one_hot", "cy", INPUTS, tmp_path / "x") == []
    assert ledger.reasons("01_one_hot", "cy", INPUTS, tmp_path / "x", retry_failed=True) == [
        "retrying: the last job timed out"]
    assert ledger.reasons("02_softmax", "bo", INPUTS, tmp_path / "x", retry_failed=True) == [
        "retrying: the last job failed"]
    assert ledger.reasons("02_softmax", "ada", INPUTS, tmp_path / "x", retry_failed=True) == []
    assert ledger.reasons("01_one_hot", "cy", {**INPUTS, "hand-in": "h2"}, tmp_path / "x") == ["hand-in changed"]
    assert [(p["student"], p["status"]) for p in ledger.problems()] == [("cy", TIMEOUT), ("bo", FAILED)]
    assert [p["student"] for p in ledger.problems(["02_softmax"])] == ["bo"]
    assert json.loads((tmp_path / "ledger.json").read_text())["01_one_hot/cy"]["message"].endswith("5 s")
    assert not (tmp_path / "ledger.json.partial").exists()


def test_the_digest_changes_with_any_file_its_path_or_the_configuration(tmp_path):
    (tmp_path / "submitted" / "ada").mkdir(parents=True)
    (tmp_path / "submitted" / "ada" / "a.ipynb").write_bytes(b"{}")
    files = folder_files(tmp_path, "submitted/ada")
    assert files == {"submitted/ada/a.ipynb": b"{}"}
    base = job_digest("c = 1", files)
    assert base == job_digest("c = 1", dict(files))
    assert base != job_digest("c = 2", files)
    assert base != job_digest("c = 1", {"submitted/ada/b.ipynb": b"{}"})
    assert base != job_digest("c = 1", {"submitted/ada/a.ipynb": b"{ }"})
    assert base != job_digest("c = 1", {**files, "submitted/ada/data.csv": b""})
