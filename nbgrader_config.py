"""nbgrader configuration for the course "Neural networks from scratch in NumPy".

Run nbgrader commands from this directory (the course root), e.g.
``nbgrader generate_assignment 01_one_hot --force``. A copy of this file in
another directory makes that directory a course root of its own.

Autograding decides every hidden check outside the student's kernel (see the
README's "Trust model" and the ``course_grader`` package).
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from course_grader.cells import RestoreCells
from course_grader.execute import GradingExecute
from course_grader.feedback import HideHiddenTests
from course_grader.intake import prepare_submission
from course_grader.judge import JudgeChecks
from course_grader.outputs import SanitizeOutputs

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Files that never belong to an assignment, in release or in a submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".DS_Store", "*.egg-info"]

# Sanitizing: nbgrader's, with OverwriteCells replaced by RestoreCells (deleted test cells come back
# even next to a read-only cell).
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreCells, CheckCellMetadata]

# Autograde: nbgrader's pipeline, with Execute replaced by GradingExecute (source screening,
# recorded checks, kernel limits and restarts) and JudgeChecks deciding each hidden check.
c.Autograde.autograde_preprocessors = [
    GradingExecute,
    JudgeChecks,
    SanitizeOutputs,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Unreadable, renamed or missing notebooks are made gradable (and explained) before grading.
c.Autograde.pre_convert_hook = prepare_submission

# Seconds per cell when autograding: generous for the timing cells, finite for infinite loops.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
# The grading kernel runs in a bubblewrap sandbox (course_grader.sandbox); its limits:
c.SandboxedKernelManager.memory_limit_mb = 4096
c.SandboxedKernelManager.max_processes = 64
c.SandboxedKernelManager.scratch_mb = 256
# Seconds a whole notebook may take, on top of Execute.timeout per cell.
c.GradingExecute.notebook_timeout = 900
# Output per cell, restarts per notebook.
c.GradingExecute.max_output_bytes = 200_000
c.GradingExecute.max_restarts = 3
c.LimitOutput.max_lines = 1000

# A test cell that a student deleted comes back from the gradebook (edited ones are always restored).
c.OverwriteCells.add_missing_cells = True

# The stub students see in place of each solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Student HTML and script are never rendered as markup (outputs are also reduced to text and images).
c.HTMLExporter.sanitize_html = True

# Feedback shows each hidden check's verdict, not its source.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
