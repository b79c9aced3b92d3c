"""What decides a grade: each input's digest changes with what it names and with nothing else."""

import shutil
from datetime import datetime

import pytest

from class_grader.grading_inputs import (
    GRADING_PACKAGES,
    REASONS,
    changed,
    extension,
    files_digest,
    grading_code_digest,
)
from classroom.submissions import REPO
from course_grader import extensions


@pytest.fixture()
def code(tmp_path):
    folders = {}
    for package in GRADING_PACKAGES:
        folders[package] = tmp_path / package
        shutil.copytree(REPO / package, folders[package], ignore=shutil.ignore_patterns("__pycache__"))
    return folders


def test_the_grading_code_digest_follows_the_engine_the_reference_and_the_plugins(code):
    base = grading_code_digest(code)
    assert base == grading_code_digest(code) == grading_code_digest()  # the copies are the installed code
    for package, module in (("course_checks", "softmax_family.py"), ("solutions_lib", "softmax_family.py"),
                            ("course_grader", "judge.py"), ("grading_sandbox", "limits.py"),
                            ("class_grader", "worker.py"), ("class_grader", "gradebook_sync.py")):
        path = code[package] / module
        original = path.read_text()
        path.write_text(original + "\n# a fix\n")
        assert grading_code_digest(code) != base, module
        path.write_text(original)
    assert grading_code_digest(code) == base


def test_the_report_the_ledger_and_the_exports_decide_no_grade(code):
    base = grading_code_digest(code)
    for package, module in (("class_grader", "report.py"), ("course_grader", "lms_export.py"),
                            ("class_grader", "coordinator.py"), ("class_grader", "ledger.py")):
        (code[package] / module).write_text("# rewritten\n")
    assert grading_code_digest(code) == base


def test_files_digest_follows_paths_and_contents():
    files = {"submitted/ada/a.ipynb": b"{}"}
    assert files_digest(files) == files_digest(dict(files))
    assert files_digest(files) != files_digest({"submitted/ada/b.ipynb": b"{}"})
    assert files_digest(files) != files_digest({"submitted/ada/a.ipynb": b"{ }"})
    assert files_digest(files) != files_digest({**files, "submitted/ada/timestamp.txt": b"2027"})


def test_an_extension_is_an_input_of_that_student_only(tmp_path):
    assert extension(tmp_path, "01_one_hot", "carol") == "0"
    extensions.grant(tmp_path, "01_one_hot", "carol", 48)
    assert extension(tmp_path, "01_one_hot", "carol") == "48"
    assert extension(tmp_path, "01_one_hot", "dan") == "0"
    assert extension(tmp_path, "02_softmax", "carol") == "0"


def test_changed_names_every_input_that_differs_in_a_fixed_order():
    old = {kind: "x" for kind in REASONS}
    assert changed(None, old) == ["not graded yet"]
    assert changed(old, dict(old)) == []
    assert changed(old, {**old, "due date": datetime(2027, 1, 1).isoformat(), "hand-in": "y"}) == [
        "hand-in changed", "due date changed"]
