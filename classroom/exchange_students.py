"""Students on a course's nbgrader exchange, as the tests and benchmarks play them: each in a folder of
their own, submitting and fetching feedback with the real ``nbgrader submit`` and ``fetch_feedback``.

On a shared server each student is a Unix account and nbgrader knows who they are; here they share one
account, so each command names its student (``--student``) and its own cache (``--Exchange.cache``).
"""

from pathlib import Path

import nbformat

from classroom import nbgrader_run as run
from classroom.submissions import copy_data_files, submission


class ExchangeStudent:
    """One student of ``course_id`` on the exchange at ``exchange``, working in ``home``.

    Parameters
    ----------
    student_id : str
    home : path
        The student's folder: each assignment is worked on in ``home/<assignment>``.
    exchange : path
        ``Exchange.root``.
    course_id : str
    """

    def __init__(self, student_id: str, home, exchange, course_id: str):
        self.id, self.home, self.exchange, self.course_id = student_id, Path(home), Path(exchange), course_id
        self.home.mkdir(parents=True, exist_ok=True)

    def _nbgrader(self, *args):
        return run.nbgrader(self.home, *args, f"--student={self.id}", f"--course={self.course_id}",
                            f"--Exchange.root={self.exchange}", f"--Exchange.cache={self.home / '.cache'}")

    def work(self, assignment: str, answers) -> None:
        """Fill ``home/<assignment>`` with the notebooks that ``answers`` (a
        :class:`~classroom.submissions.Student`) would hand in, beside the assignment's data files."""
        folder = self.home / assignment
        copy_data_files(assignment, folder)
        for name, nb in submission(answers, assignment).items():
            nbformat.write(nb, folder / name)

    def submit(self, assignment: str) -> str:
        """``nbgrader submit``; the timestamp nbgrader gave the submission."""
        log = self._nbgrader("submit", assignment)
        return log.rsplit("Submitted as: ", 1)[1].split(" ", 2)[2].strip()

    def fetch_feedback(self, assignment: str) -> dict[str, str]:
        """``nbgrader fetch_feedback``; ``{"<timestamp>/<notebook>.html": page}`` of every page fetched so far."""
        self._nbgrader("fetch_feedback", assignment)
        folder = self.home / assignment / "feedback"
        return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.html"))}
