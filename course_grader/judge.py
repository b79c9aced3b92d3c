"""Deciding every hidden check in the grader's process, from what the student's kernel recorded.

:class:`JudgeChecks` runs in ``autograde`` right after
:class:`~course_grader.execute.GradingExecute`. For each hidden grade cell
(``check_<exercise>(<function>, part=...)``) it re-runs the same check with
pristine NumPy and ``solutions_lib`` in *replay* mode: the cases are
regenerated from the grader's seed, the outcomes come from the kernel's
record (rejected if missing, malformed, or made for other inputs), and the
source rules come from the submitted cells, not from the kernel. The cell's
outputs are then replaced by the verdict: a ``passed`` line, or an error
whose message is the check's, with no traceback. nbgrader's ``SaveAutoGrades``
scores the cell from that output as usual, so stderr printed by the kernel no
longer decides anything.
"""

import time

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_locked

from course_checks import CHECKS, loop_ban, protocol
from course_checks.modes import Replaying
from course_checks.records import RecordError
from course_grader import source_rules
from course_grader.grading_state import RESOURCES_KEY, GradingState, set_verdict
from course_grader.source_rules import HiddenCall


class JudgeChecks(NbGraderPreprocessor):
    """Replace each hidden check cell's outputs with the grader's own verdict."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        state = resources.get(RESOURCES_KEY)
        if state is None:
            raise RuntimeError("JudgeChecks needs GradingExecute before it in Autograde.autograde_preprocessors")
        self._sources, start, judged = [], time.perf_counter(), 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            call = source_rules.hidden_check(cell)
            if call is not None:
                message = self.judge(call, nb, state)
                judged += 1
                set_verdict(cell, call.exercise, call.part, message)
            elif index not in state.not_run and index not in state.died:
                self._sources.append(cell.source)
        self.log.info("Judged %d hidden check(s) in %.2f s", judged, time.perf_counter() - start)
        return nb, resources

    def judge(self, call: HiddenCall, nb: NotebookNode, state: GradingState) -> str | None:
        """The failure message of one hidden check, or None if it passes."""
        check_fn = CHECKS[call.exercise][0]
        not_run = self._not_run_cells(call.function, nb, state)
        graded = set(CHECKS)

        def student_code(name):
            if not_run:
                raise AssertionError(f"{name}: {not_run}")

        def no_loops(name, skip):
            student_code(name)
            message = loop_ban.loop_ban_failure(self._sources, call.function, skip=set(skip) & graded)
            if message:
                raise AssertionError(message)

        text = state.records.get(call.key)
        kernel_error = state.kernel_errors.get(call.key)
        try:
            entries, flags = [], []
            if text is not None:
                entries, flags = protocol.parse(text, call.exercise, call.part, state.seed)
            check_fn(None, part=call.part, seed=state.seed, mode=Replaying(entries, student_code, no_loops, flags))
        except AssertionError as failure:
            return str(failure)
        except RecordError as problem:
            if kernel_error:
                return f"{call.exercise}: the hidden test did not finish: {kernel_error}"
            if text is None:
                return (f"{call.exercise}: the hidden test recorded no result; "
                        f"check that {call.function} is defined and that the notebook runs from top to bottom")
            return f"{call.exercise}: the recorded results cannot be trusted ({problem}); this check scores zero"
        except Exception as problem:  # noqa: BLE001 - a grader-side failure must not stop the batch
            self.log.error("Judging %s (%s) failed: %r", call.exercise, call.part, problem)
            return f"{call.exercise}: the grader could not judge this check ({type(problem).__name__})"
        return None

    @staticmethod
    def _not_run_cells(function, nb, state):
        """Why the cell that defines ``function`` was not run, or None."""
        for index, message in sorted(state.not_run.items()):
            cell = nb.cells[index]
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if is_locked(cell):
                continue
            if grade_id == function or function in source_rules.defined_functions(cell.source):
                return message
        return None
