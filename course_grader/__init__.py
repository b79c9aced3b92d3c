"""nbgrader plug-ins that grade the course's notebooks from outside the student's kernel.

All configured in ``nbgrader_config.py``, one concern per module:

- autograde's preprocessors, in the order they run:
  :class:`~course_grader.cells.RestoreCells` (test cells restored from the gradebook),
  :class:`~course_grader.execute.GradingExecute` (the notebook run robustly in a kernel inside
  :mod:`grading_sandbox`, each hidden check's record collected),
  :class:`~course_grader.judge.JudgeChecks` (every hidden check decided in the grader's own process),
  :class:`~course_grader.outputs.SanitizeOutputs` (student outputs kept as text and images);
- :mod:`~course_grader.source_rules`: the rules read from the submitted cells;
- :mod:`~course_grader.intake`: the repair of odd hand-ins before autograde reads them;
- :mod:`~course_grader.handin_files`: hand-ins collected and unzipped without following links;
- :mod:`~course_grader.late_policy` and :mod:`~course_grader.extensions`: late penalties after
  per-student extensions;
- :mod:`~course_grader.feedback`, :mod:`~course_grader.maths` and :mod:`~course_grader.page_policy`:
  feedback pages without the hidden tests, maths as MathML, and nothing active on any page;
- :mod:`~course_grader.lms_export`: grades for Canvas, Moodle and a per-exercise table.
"""
