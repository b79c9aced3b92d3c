"""A local trial of the whole course loop: one JupyterLab that is the instructor's and a student's.

``python -m classroom.trial`` (or ``scripts/trial.sh``) builds a throwaway
course in ``build/trial/`` and starts JupyterLab on it:

- ``course/``: this repository's sources and ``nbgrader_config.py``, every
  assignment generated (so the formgrader and ``autograde`` know them);
- ``exchange/``: a local nbgrader exchange (``Exchange.root``);
- ``student/``: the student's folder, where the Assignment List fetches to;
- ``jupyter/``: the Jupyter configuration folder of this server
  (``JUPYTER_CONFIG_DIR``), whose ``nbgrader_config.py`` is what a
  student's laptop has in ``~/.jupyter/``: the course id, the exchange and
  ``Validator.validate_all``.

JupyterLab starts in ``course/`` (the formgrader and ``nbgrader`` commands
read its configuration) with ``build/trial/`` as its file-browser root.
"""

import argparse
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from class_grader.course import Course
from class_grader.worker import nbgrader_env
from classroom.nbgrader_run import make_course
from classroom.submissions import REPO

#: Where the trial lives unless told otherwise.
TRIAL = REPO / "build" / "trial"

#: What a student's Jupyter needs from nbgrader, as it would be in ~/.jupyter/nbgrader_config.py.
STUDENT_CONFIG = '''\
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
c.Exchange.assignment_dir = {student!r}
# Validate fails on any cell that raises, visible tests included (not only on grade cells).
c.Validator.validate_all = True
'''


@dataclass(frozen=True)
class Trial:
    """The folders of a local trial (see the module docstring)."""

    root: Path

    @property
    def course(self):
        return self.root / "course"

    @property
    def exchange(self):
        return self.root / "exchange"

    @property
    def student(self):
        return self.root / "student"

    @property
    def jupyter_config(self):
        return self.root / "jupyter"

    def env(self):
        """The environment JupyterLab and the ``nbgrader`` commands of this trial run with."""
        return nbgrader_env({"JUPYTER_CONFIG_DIR": str(self.jupyter_config)})

    def lab_command(self, port=8888, extra=()):
        """The ``jupyter lab`` command line, to be run in :attr:`course` with :meth:`env`.

        As root (a container, say) the server is allowed to run as root: the trial is a throwaway.
        """
        as_root = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
        return [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={self.root}",
                f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--no-browser", *as_root, *extra]


def prepare(root=TRIAL, assignments=None):
    """Build a fresh trial in ``root``: the course generated, an empty exchange, the student's config.

    Parameters
    ----------
    root : path
        The trial's folder; anything in it is replaced.
    assignments : list of str, optional
        The assignments to generate; all of ``source/`` by default.

    Returns
    -------
    Trial
    """
    trial = Trial(Path(root).resolve())
    if trial.root.exists():
        shutil.rmtree(trial.root)
    if assignments is None:
        assignments = sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir())
    make_course(trial.course, assignments)
    for folder in (trial.exchange, trial.student, trial.jupyter_config):
        folder.mkdir(parents=True)
    # Everyone may write the exchange, as nbgrader expects of a shared one.
    trial.exchange.chmod(0o777)
    (trial.jupyter_config / "nbgrader_config.py").write_text(STUDENT_CONFIG.format(
        course_id=Course(trial.course).course_id, exchange=str(trial.exchange), student=str(trial.student)))
    # The formgrader's pages carry the course's Content-Security-Policy (as `jupyter server extension enable`).
    enabled = trial.jupyter_config / "jupyter_server_config.d"
    enabled.mkdir()
    (enabled / "course_grader.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"course_grader.formgrader_policy": True}}}, indent=2))
    return trial


STEPS = """
JupyterLab is starting on {root}
  course/    the course (formgrader: Nbgrader > Formgrader; or `nbgrader ...` in a terminal there)
  student/   the student's folder (Nbgrader > Assignment List fetches here)
  exchange/  the local exchange
Walk the loop: Formgrader > Manage Assignments > Release; Assignment List > Fetch; open the notebook,
fill it in, Validate; Submit; Formgrader > Collect, Autograde, Generate Feedback, Release Feedback;
Assignment List > Fetch Feedback. Stop with Ctrl-C.
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=TRIAL, help="where to build the trial (replaced)")
    parser.add_argument("--port", type=int, default=8888)
    args, lab_args = parser.parse_known_args(argv)
    trial = prepare(args.root)
    print(STEPS.format(root=trial.root), flush=True)
    os.chdir(trial.course)
    command = trial.lab_command(args.port, lab_args)
    os.execve(sys.executable, command, trial.env())


if __name__ == "__main__":
    main()
