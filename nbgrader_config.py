"""nbgrader configuration for the course "Neural networks from scratch in NumPy".

Run nbgrader commands from this directory (the course root), e.g.
``nbgrader generate_assignment 01_one_hot --force``. A copy of this file in
another directory makes that directory a course root of its own.

Autograding decides every hidden check outside the student's kernel (see the
README's "Trust model" and the ``course_grader`` package). Classes and hooks
are named as strings, so the formgrader can show this configuration.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Files that never belong to an assignment, in release or in a submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".DS_Store", "*.egg-info"]

# Sanitizing: nbgrader's, with OverwriteCells replaced by RestoreCells (deleted test cells come back
# even next to a read-only cell).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "course_grader.cells.RestoreCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Autograde: nbgrader's pipeline, with Execute replaced by GradingExecute (source screening,
# recorded checks, kernel limits and restarts) and JudgeChecks deciding each hidden check.
c.Autograde.autograde_preprocessors = [
    "course_grader.execute.GradingExecute",
    "course_grader.judge.JudgeChecks",
    "course_grader.outputs.SanitizeOutputs",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Late hand-ins: after the student's extension (python -m course_grader.extensions), 5 % of a notebook's score per
# started hour late, at most 50 %; "zero" or "none" instead. Due dates: nbgrader's own (formgrader, or
# `nbgrader db assignment add 01_one_hot --duedate="2027-02-01 17:00 UTC"`).
c.AssignLatePenalties.plugin_class = "course_grader.late_policy.CourseLatePolicy"
c.CourseLatePolicy.penalty_method = "per_hour"
c.CourseLatePolicy.percent_per_hour = 5
c.CourseLatePolicy.max_percent = 50

# Unreadable, renamed or missing notebooks are made gradable (and explained) before grading.
c.Autograde.pre_convert_hook = "course_grader.intake.prepare_submission"

# Seconds per cell when autograding: generous for the timing cells, finite for infinite loops.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
# The grading kernel runs in a bubblewrap sandbox (grading_sandbox); its limits:
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

# Feedback shows each hidden check's verdict, not its source, and wraps long lines.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course_grader.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "course_grader.feedback.WrapLongLines",
    "course_grader.feedback.LatenessNote",
]
# Maths in feedback and in the formgrader as MathML: drawn by the browser, offline and without script.
c.HTMLExporter.filters = {"markdown2html": "course_grader.maths.markdown2html_mathml"}
# Feedback pages load nothing from the network (no MathJax from a CDN).
c.GenerateFeedback.exporter_class = "course_grader.feedback.FeedbackExporter"

# Validate (the button and `nbgrader validate`) fails on any cell that raises, visible tests included:
# a blank, partial or wrong notebook does not pass. Students' servers need this line too (README).
c.Validator.validate_all = True

# Hand-ins are files, never links: collect and zip_collect follow no symbolic or hard link a student hands in
# (course_grader.handin_files); autograde and the class command refuse links found in submitted/.
c.ExchangeFactory.collect = "course_grader.handin_files.SafeCollect"
c.ZipCollectApp.extractor_plugin = "course_grader.handin_files.SafeExtractor"
