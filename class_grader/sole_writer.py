"""One writer per course: the class command and the grading service never write a course's gradebook,
``autograded/``, ``feedback/`` and ledger at the same time.

:func:`sole_writer` holds an exclusive ``flock`` on ``class_grading/writer.lock`` in the course root for as
long as its block runs; the lock file says who holds it. The lock goes with its process, however that
process ends (``kill -9`` included), so a crash never leaves the course locked.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from class_grader.course import GRADING_FOLDER


class CourseBusy(RuntimeError):
    """Another process is writing the course's grades."""


@contextmanager
def sole_writer(root: str | os.PathLike, who: str) -> Iterator[None]:
    """Be the course's only writer for the block, or raise :class:`CourseBusy` at once, naming the holder.

    Parameters
    ----------
    root : path
        The course root.
    who : str
        What this process is, for the message another one gets (``"the class command"``).
    """
    path = Path(root) / GRADING_FOLDER / "writer.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise CourseBusy(f"the course {Path(root).resolve()} is being graded by {holder}; run one of the "
                             "class command and the grading service at a time") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{who} (process {os.getpid()})\n".encode(), 0)
        yield
    finally:
        os.close(fd)
