"""Drive the real nbgrader commands on a course directory and read the results.

Nothing here re-implements nbgrader: it calls ``nbgrader generate_assignment``,
``autograde``, ``generate_feedback`` and ``export`` and reads the gradebook
with :class:`nbgrader.api.Gradebook`.
"""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from class_grader.report import failed_grade_cells
from class_grader.worker import nbgrader_env
from classroom.submissions import REPO

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def nbgrader(course_root, *args, on_line=None, check=True, env=None):
    """Run ``nbgrader <args>`` in ``course_root``; return its log, raise on failure.

    Parameters
    ----------
    course_root : path
        A directory holding ``nbgrader_config.py``.
    *args : str
        The nbgrader subcommand and its arguments.
    on_line : callable, optional
        Called with each log line as it arrives (for progress).
    env : dict, optional
        Variables to set for nbgrader on top of this process's environment.
    """
    proc = subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=course_root, env=nbgrader_env(env),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if on_line:
            on_line(line.rstrip("\n"))
    if proc.wait() != 0 and check:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n{''.join(lines[-40:])}")
    return "".join(lines)


def make_course(course_root, assignments, repo=REPO, settings=()):
    """A fresh course directory with this repo's config and sources, assignments generated.

    One ``generate_assignment`` process generates them all, and records each
    assignment (and its hidden tests) in the course's gradebook, which
    ``autograde`` needs. ``settings`` are
    extra lines for the course's ``nbgrader_config.py`` (``"c.Execute.timeout = 15"``).
    """
    course_root = Path(course_root)
    if course_root.exists():
        shutil.rmtree(course_root)
    course_root.mkdir(parents=True)
    config = (repo / "nbgrader_config.py").read_text()
    (course_root / "nbgrader_config.py").write_text(config + "".join(f"\n{line}" for line in settings) + "\n")
    for assignment in assignments:
        shutil.copytree(repo / "source" / assignment, course_root / "source" / assignment)
    if assignments:
        generate_all(course_root)
    return course_root


def generate_all(course_root):
    """``nbgrader generate_assignment`` of every assignment in ``source/``, in one nbgrader process."""
    nbgrader(course_root, "generate_assignment", "*", "--force")


def autograde(course_root, assignment, on_student=None, check=True):
    """``nbgrader autograde`` every submission of one assignment; return the seconds taken.

    With ``check=False`` a non-zero exit (some submission failed) does not raise.
    """
    seen = []

    def progress(line):
        # nbgrader logs "Autograding <root>/autograded/<student>/<assignment>/<notebook>" per notebook
        match = re.search(r"Autograding\s+\S*autograded/([^/]+)/", line)
        if match and on_student and match.group(1) not in seen:
            seen.append(match.group(1))
            on_student(match.group(1))
    start = time.perf_counter()
    nbgrader(course_root, "autograde", assignment, "--create", "--force", on_line=progress, check=check)
    return time.perf_counter() - start


def generate_feedback(course_root, assignment):
    """``nbgrader generate_feedback``; return the feedback directory."""
    nbgrader(course_root, "generate_feedback", assignment, "--force")
    return Path(course_root) / "feedback"


def feedback_files(course_root):
    """{course-relative path: bytes} of every file under ``feedback/``."""
    root = Path(course_root)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "feedback").rglob("*")) if p.is_file()}


def export(course_root):
    """``nbgrader export`` to ``grades.csv`` in the course root; return its path."""
    nbgrader(course_root, "export")
    return Path(course_root) / "grades.csv"


def cell_scores(course_root, assignment):
    """Scores from the gradebook: {student: {grade_id: (score, max_score)}}."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{Path(course_root) / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(assignment):
            cells = out.setdefault(submission.student_id, {})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cells[grade.name] = (float(grade.score), float(grade.max_score))
    return out


def cell_messages(course_root, student, assignment):
    """The grader's message for each failing grade cell of the autograded notebooks: {grade_id: text}."""
    folder = Path(course_root) / "autograded" / student / assignment
    return {gid: _ANSI.sub("", message) for gid, message in failed_grade_cells(folder).items()}
