"""A course root as nbgrader sees it, and what a grading job needs of it.

:class:`Course` loads the course's ``nbgrader_config.py`` into nbgrader's
``CourseDirectory`` and reads the files a job carries: the assignment's
``source/`` and ``release/``, a student's hand-in (never following a link)
and the extensions.
"""

from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from class_grader.job import folder_files
from course_grader.extensions import EXTENSIONS_FILE
from course_grader.handin_files import read_handin

#: Where the ledger and the class report live, in the course root.
GRADING_FOLDER = "class_grading"


class Course:
    """A course root as nbgrader sees it: its ``nbgrader_config.py`` loaded into a ``CourseDirectory``."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        config_file = self.root / "nbgrader_config.py"
        if not config_file.is_file():
            raise ValueError(f"course root: {self.root} has no nbgrader_config.py")
        self.config_text = config_file.read_text()
        self.config = PyFileConfigLoader(config_file.name, path=str(self.root)).load_config()
        self.coursedir = CourseDirectory(config=self.config)
        self.coursedir.root = str(self.root)

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    def path(self, kind: str, student: str, assignment: str) -> Path:
        """``<root>/<kind>/<student>/<assignment>`` laid out as the course configures it."""
        directory = getattr(self.coursedir, f"{kind}_directory")
        return Path(self.coursedir.format_path(directory, student, assignment))

    def students(self, assignment: str) -> list[str]:
        """Ids of the students who handed in ``assignment``, sorted."""
        submitted = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", "."))
        return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir()) if submitted.is_dir() else []

    def assignment_files(self, assignment: str) -> dict[str, bytes]:
        """The assignment's ``source/`` and ``release/`` files, by course-relative path."""
        return {**folder_files(self.root, f"source/{assignment}"), **folder_files(self.root, f"release/{assignment}")}

    def hand_in(self, assignment: str, student: str) -> dict[str, bytes]:
        """The student's ``submitted/`` files, by course-relative path, read without following any link
        (:func:`~course_grader.handin_files.read_handin`: refusal notes in place of linked notebooks)."""
        folder = self.path("submitted", student, assignment)
        notebooks = tuple(p.name for p in sorted(self.path("release", ".", assignment).glob("*.ipynb")))
        files, _ = read_handin(str(folder), notebooks=notebooks, within=str(folder.parents[1]),
                               ignore=lambda parent, names: {"__pycache__"} & set(names))
        base = folder.relative_to(self.root)
        return {str(base / relative): content for relative, content in files.items()}

    def job_files(self, assignment: str, student: str) -> dict[str, bytes]:
        """What a job needs of the course, by course-relative path: the assignment's ``source/`` and
        ``release/`` files, the student's ``submitted/`` files and the extensions (for the late policy)."""
        extensions = self.root / EXTENSIONS_FILE
        extra = {EXTENSIONS_FILE: extensions.read_bytes()} if extensions.is_file() else {}
        return {**self.assignment_files(assignment), **self.hand_in(assignment, student), **extra}

    def default_timeout(self, assignment: str) -> float:
        """A job's budget: each notebook's own budget and one more cell, plus a minute for nbgrader itself."""
        grading = self.config.get("GradingExecute", {})
        execute = self.config.get("Execute", {})
        per_notebook = grading.get("notebook_timeout", 900) + (execute.get("timeout") or 30) + 60
        notebooks = len(list((self.root / "source" / assignment).glob("*.ipynb"))) or 1
        return notebooks * per_notebook + 60
