"""The class grading ledger: what was graded from which inputs, and what timed out or failed.

One JSON file per course (``class_grading/ledger.json`` in the course root),
written only by the coordinating process, after each job, atomically. Each
entry keeps the inputs the submission was graded from
(:mod:`class_grader.grading_inputs`: the hand-in, the assignment, the grading
code, the configuration, the due date and the extension). A submission is
graded again when any of them changed, or when its ``autograded/`` folder is
gone; one whose last job timed out or failed is recorded (a gradebook row and
feedback that say so) and tried again only when asked, or when an input changed.
"""

import json
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from class_grader.grading_inputs import changed
from class_grader.job import GRADED, JobResult


class Ledger:
    """The ledger of one course.

    Parameters
    ----------
    path : path
        The JSON file; created on the first :meth:`record`.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.entries = json.loads(self.path.read_text()) if self.path.exists() else {}

    @staticmethod
    def _key(assignment, student):
        return f"{assignment}/{student}"

    def entry(self, assignment: str, student: str) -> dict | None:
        """The last recorded job of a submission (a dict), or None."""
        return self.entries.get(self._key(assignment, student))

    def reasons(self, assignment: str, student: str, inputs: dict[str, str], autograded: Path,
                retry_failed: bool = False) -> list[str]:
        """Why this submission must be graded (a list of phrases), or [] if it is up to date.

        Parameters
        ----------
        assignment, student : str
        inputs : dict
            Its inputs now (:mod:`class_grader.grading_inputs`).
        autograded : path
            Its ``autograded/<student>/<assignment>`` folder.
        retry_failed : bool
            Try again a submission whose last job timed out or failed, although nothing changed.
        """
        entry = self.entry(assignment, student)
        why = changed(entry.get("inputs") if entry else None, inputs)
        if not why and entry["status"] != GRADED and retry_failed:
            why = [f"retrying: the last job {'timed out' if entry['status'] == 'timeout' else 'failed'}"]
        if not why and not Path(autograded).is_dir():
            why = ["autograded/ folder missing"]
        return why

    def record(self, result: JobResult, inputs: dict[str, str] | None = None, reasons: Iterable[str] = ()) -> None:
        """Record a :class:`~class_grader.job.JobResult` graded from ``inputs`` (for ``reasons``); save."""
        self.entries[self._key(result.assignment, result.student)] = {
            "assignment": result.assignment, "student": result.student, "digest": result.digest,
            "inputs": dict(inputs or {}), "reasons": list(reasons),
            "status": result.status, "message": result.message, "seconds": round(result.seconds, 3),
            "worker": result.worker, "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".json.partial")
        partial.write_text(json.dumps(self.entries, indent=1, sort_keys=True))
        os.replace(partial, self.path)

    def problems(self, assignments: Iterable[str] | None = None) -> list[dict]:
        """Entries whose last job timed out or failed, in order."""
        return [e for _, e in sorted(self.entries.items())
                if e["status"] != GRADED and (assignments is None or e["assignment"] in assignments)]
