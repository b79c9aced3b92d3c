"""Feedback that shows each hidden check's verdict, not the hidden test itself.

:class:`HideHiddenTests` runs in ``generate_feedback``: the source of every
hidden check cell is cut down to its leading comment (what the test checks,
in words) and a line naming the check; the cell's output, the verdict that
:class:`~course_grader.judge.JudgeChecks` wrote, stays.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from course_grader import source_rules


class HideHiddenTests(NbGraderPreprocessor):
    """Replace hidden check cells' sources with their description."""

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            call = source_rules.check_call(cell.source)
            hidden = "BEGIN HIDDEN TESTS" in cell.source
            if call is not None or hidden:
                comments = [line for line in cell.source.splitlines() if line.startswith("#") and "HIDDEN TESTS" not in line]
                what = f"{call.exercise}, part {call.part!r}" if call else "a hidden test"
                cell.source = "\n".join([*comments[:3], f"# (hidden test: {what}; its result is below)"])
        return cell, resources
