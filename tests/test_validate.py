"""`nbgrader validate`, as a student's laptop runs it, tells the truth about a notebook.

The student's Jupyter configuration (``~/.jupyter/nbgrader_config.py``; here a
``JUPYTER_CONFIG_DIR`` of the test's own) holds what the local trial gives
every student: ``Validator.validate_all``. Without it, nbgrader counts only
grade cells, and the release's grade cells hold only a comment.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from classroom.catalogue import FUNCTIONS
from classroom.submissions import BLANK, REFERENCE, Student, copy_data_files, submission
from classroom.trial import STUDENT_CONFIG

pytestmark = pytest.mark.nbgrader

SUCCESS = "Success! Your notebook passes all the tests."


def validate(notebook, folder, assignment, validate_all=True):
    """Write ``notebook`` into ``folder``, beside the assignment's data files, and run ``nbgrader validate`` on it
    there: (passed, failed cell sources)."""
    copy_data_files(assignment, folder)
    config_dir = folder / "jupyter"
    config_dir.mkdir(exist_ok=True)
    config = STUDENT_CONFIG.format(course_id="c", exchange=str(folder / "exchange"), student=str(folder))
    if not validate_all:
        config = config.replace("c.Validator.validate_all = True", "")
    (config_dir / "nbgrader_config.py").write_text(config)
    path = folder / "notebook.ipynb"
    nbformat.write(notebook, path)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir)}
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path)], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    failed = re.findall(r"The following cell failed:\n\n(.*?)\n\nThe error was:", output, flags=re.S)
    assert (SUCCESS in output) != bool(failed), output[-3000:]
    return SUCCESS in output, [re.sub(r"^ {4}", "", f, flags=re.M) for f in failed]


NOTEBOOKS = [(a, name) for a in FUNCTIONS for name in submission(Student("x", "x"), a)]
RIGHT, BLANK_STUDENT = Student("right", "right", default=REFERENCE), Student("blank", "blank", default=BLANK)


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """{(student id, notebook name): (notebook, passed, failed)} for the right and the blank student, every
    notebook, validated two at a time."""
    jobs = [(student, assignment, name, tmp_path_factory.mktemp(student.id))
            for student in (RIGHT, BLANK_STUDENT) for assignment, name in NOTEBOOKS]

    def one(job):
        student, assignment, name, folder = job
        notebook = submission(student, assignment)[name]
        return (student.id, name), (notebook, *validate(notebook, folder, assignment))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(pool.map(one, jobs))


@pytest.mark.parametrize("name", [n for _, n in NOTEBOOKS])
def test_a_correct_notebook_validates(validated, name):
    _, passed, failed = validated["right", name]
    assert passed, failed


@pytest.mark.parametrize("name", [n for _, n in NOTEBOOKS])
def test_a_blank_notebook_fails_validation_on_each_exercises_visible_test(validated, name):
    notebook, passed, failed = validated["blank", name]
    assert not passed
    # Each visible test is named by its first line (nbgrader shortens long lines when it prints a cell).
    visible_tests = [c.source.splitlines()[0][:60] for c in notebook.cells
                     if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")
                     and not c.metadata.nbgrader.get("grade")]
    assert visible_tests and set(visible_tests) <= {f.splitlines()[0][:60] for f in failed}


def test_partial_and_wrong_notebooks_fail_naming_their_cells_and_validate_all_is_what_makes_it_so(tmp_path):
    partial = submission(Student("partial", "partial", {"one_hot": REFERENCE}, default=BLANK), "01_one_hot")
    passed, failed = validate(partial["one_hot.ipynb"], tmp_path, "01_one_hot")
    assert not passed
    assert not any("one_hot(np.array([2, 0, 1, 2]))" in f for f in failed)
    assert any(f.startswith("# Visible test: strings.") for f in failed)

    wrong = submission(Student("wrong", "wrong"), "01_one_hot")["one_hot.ipynb"]
    for cell in wrong.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "one_hot":
            cell.source = "def one_hot(y, num_classes=None):\n    return np.eye(y.max() + 1)[y].astype(int)"
    passed, failed = validate(wrong, tmp_path, "01_one_hot")
    assert not passed and len(failed) == 1 and failed[0].startswith("# Visible test: the worked example")

    passed, failed = validate(wrong, tmp_path, "01_one_hot", validate_all=False)
    assert passed, "without validate_all nbgrader counts only grade cells, which hold no test in the release"
