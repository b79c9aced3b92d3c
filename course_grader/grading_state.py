"""What the grading plug-ins hand on to each other and to whoever reads an autograded notebook.

- :class:`GradingState`, in nbconvert's ``resources[RESOURCES_KEY]``: what
  :class:`~course_grader.execute.GradingExecute` learned while running a
  notebook, for :class:`~course_grader.judge.JudgeChecks` after it;
- the **verdict** of each hidden grade cell, in its metadata
  (``metadata["course_grader"] = {"verdict": "passed" | "failed", "message": str}``),
  written by :func:`set_verdict` and read by :func:`verdict`: what the class
  report and the tests read, instead of parsing outputs;
- :func:`error_output`: an error output with no traceback frames.
"""

from dataclasses import dataclass, field

from nbformat import NotebookNode
from nbformat.v4 import new_output

#: Where the grader keeps its per-notebook state in nbconvert's resources.
RESOURCES_KEY = "course_grader"


@dataclass
class GradingState:
    """What :class:`~course_grader.execute.GradingExecute` learned while running one notebook, for the plug-ins
    after it.

    Attributes
    ----------
    seed : int
        The grader's seed for this notebook's checks.
    records : dict
        ``{record name: JSON text}`` of the records the hidden checks wrote (see :mod:`course_checks.protocol`).
    kernel_errors : dict
        ``{record name: message}`` for hidden checks whose cell failed in the kernel.
    not_run : dict
        ``{cell index: why}`` for cells the grader did not run (a source rule, the time budget).
    died : list of int
        Indices of the cells during which the kernel died.
    stopped : set of str
        Functions whose hidden tests are no longer run (an earlier one killed the kernel or timed out).
    hung : set of str
        Student functions that killed the kernel or kept it busy after an interrupt: no later cell that
        calls them by name is run or replayed (each would cost another restart).
    """

    seed: int
    records: dict = field(default_factory=dict)
    kernel_errors: dict = field(default_factory=dict)
    not_run: dict = field(default_factory=dict)
    died: list = field(default_factory=list)
    stopped: set = field(default_factory=set)
    hung: set = field(default_factory=set)


def error_output(ename: str, evalue: str) -> NotebookNode:
    """An error output that shows ``ename: evalue`` and no traceback frames."""
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
#: The key of the verdict in a grade cell's metadata.
METADATA_KEY = "course_grader"


def set_verdict(cell: NotebookNode, exercise: str, part: str, message: str | None) -> None:
    """Make a hidden grade cell show its verdict: a ``passed`` line, or the check's message as an error."""
    cell.outputs = [new_output("stream", name="stdout", text=f"passed: {exercise} ({part})\n")] \
        if message is None else [error_output("AssertionError", message)]
    cell.metadata.setdefault(METADATA_KEY, {}).update(
        verdict="passed" if message is None else "failed", message=message or "")


def verdict(cell: NotebookNode) -> tuple[str, str] | None:
    """``(verdict, message)`` of a judged grade cell (see :func:`set_verdict`), or None if it was not judged."""
    found = cell.get("metadata", {}).get(METADATA_KEY, {})
    if found.get("verdict") not in ("passed", "failed"):
        return None
    return found["verdict"], str(found.get("message", ""))
