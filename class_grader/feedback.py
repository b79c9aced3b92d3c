"""The feedback side of class grading: the pages the jobs made, and the few the course must make itself.

Each grading job runs ``nbgrader generate_feedback`` for its one submission
right after ``autograde``, in its own course folder whose gradebook holds
what autograde just wrote (:func:`class_grader.job.grade_job`). That page is
the one the course's own ``generate_feedback`` makes, byte for byte, as long
as the course's gradebook holds nothing more for the submission than the job
wrote. The coordinator stores it in ``feedback/<student>/<assignment>/``
(:func:`store_feedback`), as ``generate_feedback --force`` would.

Where the course knows more than the job, the course's own
``nbgrader generate_feedback`` makes the page after the jobs
(:func:`generate_feedback`): a submission with a manual score, a manual
comment or extra credit (:func:`has_manual_marks`), one whose job timed out
or failed (its page says so), one whose job could not make its page, and an
up-to-date submission whose ``feedback/`` folder is gone.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory


def feedback_folder(coursedir: CourseDirectory, student: str, assignment: str) -> Path:
    """``feedback/<student>/<assignment>`` of the course (a :class:`~nbgrader.coursedir.CourseDirectory`)."""
    return Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))


def store_feedback(coursedir: CourseDirectory, student: str, assignment: str, files: dict[str, bytes]) -> None:
    """Replace the submission's ``feedback/`` folder with ``files`` ({relative path: bytes}).

    The files get the permissions ``generate_feedback`` gives them (``664`` in a group-shared course,
    else ``644``).
    """
    dest = feedback_folder(coursedir, student, assignment)
    if dest.exists():
        shutil.rmtree(dest)
    mode = 0o664 if coursedir.groupshared else 0o644
    for relative, content in files.items():
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            raise ValueError(f"files: {relative!r} is not a path inside the feedback folder")
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(mode)


def has_manual_marks(gb: Gradebook, assignment: str, student: str) -> bool:
    """Whether the course's gradebook holds a manual score, a manual comment or extra credit for the submission.

    Parameters
    ----------
    gb : nbgrader.api.Gradebook
        The course's gradebook, open.
    assignment, student : str
    """
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return False
    return any(grade.manual_score is not None or grade.extra_credit
               for notebook in submission.notebooks for grade in notebook.grades) or \
        any(comment.manual_comment for notebook in submission.notebooks for comment in notebook.comments)


def generate_feedback(root: Path, env: dict[str, str], submissions: list[tuple[str, str]]) -> list[str]:
    """Run the course's ``nbgrader generate_feedback <assignment> --student <student> --force`` for each.

    Parameters
    ----------
    root : path
        The course root.
    env : dict
        The environment for nbgrader (:func:`class_grader.job.nbgrader_env`).
    submissions : iterable of (str, str)
        ``(assignment, student)`` pairs.

    Returns
    -------
    list of str
        One line per pair for which nbgrader failed, with the end of its output.
    """
    problems = []
    for assignment, student in submissions:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", assignment, "--student",
                               student, "--force"], cwd=root, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            problems.append(f"{student}/{assignment}: nbgrader generate_feedback exited with {done.returncode}: "
                            + " ".join((done.stdout + done.stderr).strip().splitlines()[-2:]))
    return problems
