"""What a student gets when grading their hand-in timed out or failed (the class command's side, without nbgrader).

The gradebook row is tested in test_gradebook_sync, the whole path through real nbgrader in test_grade_class.
"""

import nbformat

from class_grader.coordinator import failed_notebooks
from class_grader.job import TIMEOUT, JobResult


def test_a_failed_jobs_notebook_is_the_students_never_a_link_and_says_why(tmp_path):
    release = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# YOUR CODE HERE")])
    mine = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", outputs=[
        nbformat.v4.new_output("stream", text="<b>noise</b>")])])
    secret = tmp_path / "source" / "02_softmax" / "softmax.ipynb"
    for path, nb in ((tmp_path / "release" / "02_softmax" / "softmax.ipynb", release),
                     (tmp_path / "release" / "02_softmax" / "extra.ipynb", release),
                     (tmp_path / "submitted" / "ada" / "02_softmax" / "softmax.ipynb", mine), (secret, mine)):
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
    (tmp_path / "submitted" / "ada" / "02_softmax" / "extra.ipynb").symlink_to(secret)

    class Course:
        root = tmp_path

        def path(self, kind, student, assignment):
            return tmp_path / kind / student / assignment

    out = failed_notebooks(Course(), JobResult("02_softmax", "ada", "d", TIMEOUT, message="budget of 12 s"))
    softmax, extra = (nbformat.reads(out[name].decode(), as_version=4) for name in ("softmax.ipynb", "extra.ipynb"))
    note = softmax.cells[0].source
    assert "no automatic grade yet" in note and "longer than the time allowed" in note
    assert softmax.cells[1].source == "x = 1" and softmax.cells[1].outputs == []
    assert extra.cells[1].source == "# YOUR CODE HERE"  # the link is not followed: the release notebook instead
