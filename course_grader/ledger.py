"""The class grading ledger: what was graded from which hand-in, and what timed out or failed.

One JSON file per course (``class_grading/ledger.json`` in the course root),
written only by the coordinating process, after each job, atomically. A
submission is graded again when its digest (the configuration, the
assignment's files and the student's files) changed, when its last job did
not end in ``graded``, or when its ``autograded/`` folder is gone.
"""

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from course_grader.jobs import GRADED


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

    def entry(self, assignment, student):
        """The last recorded job of a submission (a dict), or None."""
        return self.entries.get(self._key(assignment, student))

    def is_current(self, assignment, student, digest, autograded):
        """True if this hand-in was graded from exactly these files and its ``autograded`` folder exists."""
        entry = self.entry(assignment, student)
        return bool(entry and entry["status"] == GRADED and entry["digest"] == digest and Path(autograded).is_dir())

    def record(self, result):
        """Record a :class:`~course_grader.jobs.JobResult` and save the ledger."""
        self.entries[self._key(result.assignment, result.student)] = {
            "assignment": result.assignment, "student": result.student, "digest": result.digest,
            "status": result.status, "message": result.message, "seconds": round(result.seconds, 3),
            "worker": result.worker, "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".json.partial")
        partial.write_text(json.dumps(self.entries, indent=1, sort_keys=True))
        os.replace(partial, self.path)

    def problems(self, assignments=None):
        """Entries whose last job timed out or failed, in order."""
        return [e for _, e in sorted(self.entries.items())
                if e["status"] != GRADED and (assignments is None or e["assignment"] in assignments)]
