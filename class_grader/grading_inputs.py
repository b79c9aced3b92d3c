"""What decides a grade besides the hand-in, so that a change to any of it regrades exactly what it touches.

A submission's inputs are digests, one per kind (:data:`REASONS` names
them). The class command's ledger keeps the inputs each submission was
graded from; the next run regrades a submission when any of them differs,
and says which:

- ``hand-in``: the student's files in ``submitted/``;
- ``assignment``: the assignment's ``source/`` and ``release/`` files, and its
  notebooks, grade cells, points and locked cells in the gradebook (what
  ``generate_assignment`` recorded: the hidden tests autograde restores);
- ``grading code``: the installed grading engine, reference and nbgrader
  plug-ins (:data:`GRADING_PACKAGES`), and nbgrader's version;
- ``configuration``: the course's ``nbgrader_config.py``;
- ``due date``: the assignment's due date in the gradebook;
- ``extension``: the student's extension (:mod:`course_grader.extensions`).
"""

import hashlib
from importlib import import_module, metadata
from pathlib import Path

from nbgrader.api import Gradebook

from course_grader import extensions

#: Kind of input -> what the summary says when it changed.
REASONS = {
    "hand-in": "hand-in changed",
    "assignment": "hidden tests or points changed",
    "grading code": "grading code changed",
    "configuration": "course configuration changed",
    "due date": "due date changed",
    "extension": "extension changed",
}
#: The packages whose code decides grades: the engine, the reference, the nbgrader plug-ins, the sandbox, and the
#: job as a worker runs it (the simulated class and the demo do not).
GRADING_PACKAGES = ("course_checks", "solutions_lib", "course_grader", "grading_sandbox", "class_grader")
#: Modules of those packages that decide nothing about a grade (exports, the report, the ledger, planning, the
#: command line, the writer's lock): changing them regrades nothing. The grading service (grading_service) decides
#: when feedback is released, never a grade, and is not grading code either.
NOT_GRADING = {"course_grader": {"lms_export.py", "extensions.py", "formgrader_policy.py"},
               "class_grader": {"__init__.py", "__main__.py", "cli.py", "coordinator.py", "course.py", "report.py",
                                "ledger.py", "grading_inputs.py", "cluster_security.py", "sole_writer.py"}}


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def files_digest(files: dict) -> str:
    """A SHA-256 of ``{path: bytes}``, paths and contents."""
    return _sha(*(path.encode() + b"\0" + files[path] for path in sorted(files)))


def grading_code_digest(folders: dict[str, Path] | None = None) -> str:
    """A SHA-256 of the installed grading code (:data:`GRADING_PACKAGES`' Python files) and nbgrader's version.

    Parameters
    ----------
    folders : dict, optional
        ``{package: folder}`` to read instead of the installed packages.
    """
    parts = [metadata.version("nbgrader").encode()]
    for package in GRADING_PACKAGES:
        folder = Path((folders or {}).get(package) or Path(import_module(package).__file__).parent)
        for path in sorted(folder.rglob("*.py")):
            if path.name in NOT_GRADING.get(package, ()):
                continue
            parts.append(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return _sha(*parts)


def assignment_digest(gb: Gradebook, assignment: str, files: dict) -> str:
    """A SHA-256 of the assignment's files and its gradebook record (cells, points, locked sources).

    Parameters
    ----------
    gb : nbgrader.api.Gradebook
        The course's gradebook, open.
    assignment : str
    files : dict
        ``{course-relative path: bytes}`` of ``source/<assignment>`` and ``release/<assignment>``.
    """
    record = []
    for notebook in sorted(gb.find_assignment(assignment).notebooks, key=lambda n: n.name):
        record.append(f"notebook {notebook.name}")
        record += sorted(f"grade {c.name} {c.max_score:g} {c.cell_type}" for c in notebook.grade_cells)
        record += sorted(f"task {c.name} {c.max_score:g}" for c in notebook.task_cells)
        record += sorted(f"solution {c.name}" for c in notebook.solution_cells)
        record += sorted(f"source {c.name} {c.locked} {c.checksum}" for c in notebook.source_cells)
    return _sha(files_digest(files).encode(), "\n".join(record).encode())


def due_date(gb: Gradebook, assignment: str) -> str:
    """The assignment's due date as nbgrader stores it (naive UTC), or ``none``."""
    due = gb.find_assignment(assignment).duedate
    return due.isoformat() if due else "none"


def extension(root: str | Path, assignment: str, student: str) -> str:
    """The student's extension in hours, as text."""
    return f"{extensions.hours(root, assignment, student):g}"


def changed(old: dict | None, new: dict) -> list[str]:
    """The reasons (:data:`REASONS`' words) why inputs ``new`` differ from ``old``, in :data:`REASONS` order."""
    if old is None:
        return ["not graded yet"]
    return [REASONS[kind] for kind in REASONS if old.get(kind) != new.get(kind)]
