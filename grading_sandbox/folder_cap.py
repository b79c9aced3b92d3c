"""A cap on what a grading kernel writes to the grader's disk.

Inside the sandbox (:mod:`grading_sandbox.bubblewrap`) a kernel's home, ``/tmp``
and ``/dev/shm`` are size-capped memory file systems. Two folders of its
world are the grader's own, on the host's disk, because the grader reads
them: the records folder of its hidden checks and the folder of its
connection sockets. Per file, ``RLIMIT_FSIZE`` bounds them; in total,
:class:`FolderWatch` does: while a cell runs it measures both folders a few
times a second and stops the kernel as soon as they hold more than the cap
(bytes or entries), so a kernel cannot fill the disk or its inodes; the
grader then empties them (:func:`empty`) and goes on as after any kernel
death.
"""

import os
import shutil
import threading
from collections.abc import Iterable


def usage(folders: Iterable[str]) -> tuple[int, int]:
    """``(bytes, entries)`` under ``folders``, links not followed, whatever vanishes while counting skipped."""
    size = count = 0
    stack = [folder for folder in folders if folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            count += 1
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    size += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return size, count


def empty(folder: str, keep: Iterable[str] = ()) -> None:
    """Remove everything in ``folder`` except the names in ``keep``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name in keep:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass


class FolderWatch:
    """While the ``with`` block runs, call ``stop()`` once if ``folders`` grow past the cap.

    Parameters
    ----------
    folders : list of str
        The folders to measure (together).
    max_bytes, max_entries : int
        The cap: bytes of all files, and files and folders, in all of them.
    stop : callable
        Called (from the watching thread) the first time the cap is passed.
    interval : float
        Seconds between measurements.

    Attributes
    ----------
    exceeded : tuple of int or None
        ``(bytes, entries)`` measured when the cap was passed, else None.
    """

    def __init__(self, folders, max_bytes, max_entries, stop, interval=0.2):
        self.folders, self.max_bytes, self.max_entries = list(folders), max_bytes, max_entries
        self.stop, self.interval, self.exceeded = stop, interval, None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="folder-watch", daemon=True)

    def _check(self):
        size, count = usage(self.folders)
        if self.exceeded is None and (size > self.max_bytes or count > self.max_entries):
            self.exceeded = (size, count)
            self.stop()
        return self.exceeded is None

    def _watch(self):
        while not self._done.wait(self.interval) and self._check():
            pass

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()
        self._check()  # what the last interval wrote
        return False

    def describe(self) -> str:
        """What was measured against the cap, in words."""
        size, count = self.exceeded or usage(self.folders)
        return (f"{size / 2**20:.0f} MiB in {count} files (the cap is {self.max_bytes / 2**20:.0f} MiB or "
                f"{self.max_entries} files)")
