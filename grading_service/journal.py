"""The grading service's own record: when each submission was sent to grading (for the hourly limit),
what was released to whom, and an append-only log of events.

``class_grading/service/state.json`` is rewritten atomically after each change; ``events.jsonl`` gets one
line per event (``queued``, ``graded``, ``released``). The ledger (:mod:`class_grader.ledger`) stays the
record of what was graded from which inputs; this file only remembers what the ledger does not.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path


def utcnow() -> datetime:
    """Now, as naive UTC (nbgrader's convention for due dates and timestamps)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Journal:
    """The service's record for one course, kept in ``folder``."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "state.json"
        state = json.loads(path.read_text()) if path.exists() else {}
        self.started = {key: [(datetime.fromisoformat(t), hand_in) for t, hand_in in starts]
                        for key, starts in state.get("started", {}).items()}
        self.released = state.get("released", {})
        self.queued = state.get("queued", {})

    @staticmethod
    def key(assignment: str, student: str) -> str:
        return f"{assignment}/{student}"

    def _save(self):
        state = {"started": {key: [(t.isoformat(), hand_in) for t, hand_in in starts]
                             for key, starts in self.started.items()},
                 "released": self.released, "queued": self.queued}
        partial = self.folder / "state.json.partial"
        partial.write_text(json.dumps(state, indent=1, sort_keys=True))
        os.replace(partial, self.folder / "state.json")

    def event(self, kind: str, assignment: str, student: str, **details) -> None:
        """Append one event to ``events.jsonl``."""
        line = {"event": kind, "assignment": assignment, "student": student,
                "at": utcnow().isoformat(timespec="seconds"), **details}
        with open(self.folder / "events.jsonl", "a") as log:
            log.write(json.dumps(line, sort_keys=True) + "\n")

    def events(self) -> list[dict]:
        """Every event so far, in order."""
        path = self.folder / "events.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def recent_starts(self, assignment: str, student: str, now: datetime) -> list[tuple[datetime, str]]:
        """``(time, hand-in digest)`` of this submission's jobs started in the hour before ``now``, oldest first."""
        return sorted(start for start in self.started.get(self.key(assignment, student), [])
                      if now - start[0] < timedelta(hours=1))

    def graded_hand_ins(self, assignment: str, student: str, now: datetime, but: str) -> list[datetime]:
        """When each hand-in other than ``but`` (a digest) first went to grading in the hour before ``now``, oldest
        first: what counts against the hourly limit. Grading the same hand-in again (after a crash, or because
        the grading code changed) does not count."""
        first = {}
        for moment, hand_in in self.recent_starts(assignment, student, now):
            first.setdefault(hand_in, moment)
        return sorted(moment for hand_in, moment in first.items() if hand_in != but)

    def start(self, assignment: str, student: str, hand_in: str, now: datetime) -> None:
        """Note that a job of this submission's hand-in ``hand_in`` (its digest) starts ``now``."""
        key = self.key(assignment, student)
        self.started[key] = self.recent_starts(assignment, student, now) + [(now, hand_in)]
        self.queued.pop(key, None)
        self._save()

    def release(self, assignment: str, student: str, graded: str, level: str) -> None:
        """Note that the page(s) of the submission graded at ``graded`` (the ledger's time) went out at ``level``."""
        self.released[self.key(assignment, student)] = {"graded": graded, "level": level}
        self._save()

    def released_level(self, assignment: str, student: str, graded: str) -> str | None:
        """What went out of the submission graded at ``graded``: ``"score"``, ``"full"`` or None."""
        entry = self.released.get(self.key(assignment, student))
        return entry["level"] if entry and entry["graded"] == graded else None

    def hold(self, assignment: str, student: str, timestamp: str) -> bool:
        """Note that the submission handed in at ``timestamp`` waits for the limit; False if already noted."""
        key = self.key(assignment, student)
        if self.queued.get(key) == timestamp:
            return False
        self.queued[key] = timestamp
        self._save()
        return True
