"""nbgrader plug-ins that grade the course's notebooks from outside the student's kernel.

Configured in ``nbgrader_config.py``: :class:`~course_grader.execute.GradingExecute`
runs a submission robustly, in a kernel inside the sandbox of
:mod:`grading_sandbox`, and collects what each hidden check recorded;
:class:`~course_grader.judge.JudgeChecks` decides every hidden check in the
grader's own process; :class:`~course_grader.outputs.SanitizeOutputs` keeps
student outputs as text and images; :class:`~course_grader.cells.RestoreCells`
restores test cells from the gradebook; and
:class:`~course_grader.feedback.HideHiddenTests` keeps the hidden tests out of
the feedback. :mod:`~course_grader.source_rules` holds the rules read from the
submitted cells, :mod:`~course_grader.intake` the repair of odd hand-ins.
"""
