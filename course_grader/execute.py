"""Executing a submission so that nothing in it can stop the batch or decide its own grade.

:class:`GradingExecute` replaces nbgrader's ``Execute`` in ``autograde``. On
top of what ``Execute`` does (run every cell, a per-cell timeout) it

- does not run a student-writable cell that breaks a source rule
  (:func:`course_grader.source_rules.forbidden`), and says why in its output;
- does not run the locked cells that only show (training runs, timings, plots: the grade ids that
  :attr:`course_checks.manifest.Notebook.shows` names), which decide no grade. They are instructor
  cells whose source ``RestoreCells`` has put back from the gradebook, and a grade cell is never one,
  so a student cannot make their own code or a hidden test skipped;
- starts the kernel in the sandbox (:mod:`grading_sandbox`), with the
  grader's seed and a fresh records folder in its environment, so that each
  hidden check records what the student's function did;
- gives the whole notebook a wall-clock budget (cells that would run past it
  are not run, and say so), on top of nbgrader's per-cell timeout;
- collects each hidden check's record right after its cell ran, into
  a :class:`GradingState` in ``resources["course_grader"]``, for
  :class:`course_grader.judge.JudgeChecks`;
- caps each cell's output in bytes (nbgrader's ``LimitOutput`` caps lines later), and what the kernel keeps
  in the grader's folders on disk (:mod:`grading_sandbox.folder_cap`);
- restarts a kernel that died (``os._exit``, a crash, memory exhaustion), no
  longer answers after a timeout, or is still busy when nbclient gives up
  waiting for it to stop (a ``CellTimeoutError`` "Timeout waiting for IOPub
  output": an interrupt that lands deep in a recursion, a handler that blocks
  it), replays the earlier cells quietly and goes on with the next cell; the
  cell that did it gets an error output. nbgrader itself would drop the whole
  notebook there.
"""

import copy
import json
import os
import secrets
import shutil
import tempfile
import time

from jupyter_client.client import KernelClient
from jupyter_client.manager import KernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_locked, is_solution
from traitlets import Bool, Integer

from course_checks import manifest, protocol
from course_checks.protocol import MAX_RECORD_BYTES, RECORDS_ENV, SEED_ENV
from course_grader import source_rules
from course_grader.grading_state import RESOURCES_KEY, GradingState, error_output
from grading_sandbox.folder_cap import FolderWatch, empty
from grading_sandbox.kernel_manager import SandboxedKernelManager

#: The error names of a cell in which the kernel died (or was stopped), or which it would not stop when
#: interrupted after the time limit per cell (it was restarted); nbclient's own is ``CellTimeoutError``.
KERNEL_DIED, KERNEL_RESTARTED = "KernelDied", "KernelRestarted"
#: Why the cells after too many kernel restarts are not run.
GAVE_UP = "the kernel died too often in earlier cells"


def out_of_time(budget: int) -> str:
    """Why a cell is not run once the notebook has used up its ``budget`` seconds of grading time."""
    return f"the notebook used up its {budget} s of grading time in earlier cells"


#: The output of a cell that only shows, in place of running it.
SHOWS_ONLY = ("Not run when graded: this cell only shows (a training run, a timing or a plot) and decides no grade. "
              "It runs in your own notebook.\n")


class GradingExecute(Execute):
    """nbgrader's ``Execute`` with source screening, recorded checks, output caps and kernel restarts."""

    max_output_bytes = Integer(200_000, help="Output a cell may produce, in bytes; the rest is dropped.").tag(
        config=True)
    max_restarts = Integer(3, help="Kernel restarts per notebook before the remaining cells are not run.").tag(
        config=True)
    seed = Integer(None, allow_none=True,
                   help="Seed of the hidden checks' cases; None draws a new one for every notebook.").tag(config=True)
    max_folder_mb = Integer(128, help="MiB a kernel may keep in the grader's folders on disk (its records and "
                                      "connection sockets); past it the kernel is stopped.").tag(config=True)
    max_folder_entries = Integer(1000, help="Files and folders a kernel may keep in the grader's folders on disk; "
                                            "past it the kernel is stopped.").tag(config=True)
    notebook_timeout = Integer(900, help="Seconds one notebook may run in all (kernel restarts included); "
                                         "cells that would start later are not run.").tag(config=True)
    skip_shows = Bool(True, help="Do not run the locked cells that the course declares as only showing (training "
                                 "runs, timings, plots); they decide no grade.").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    # --- the notebook ---------------------------------------------------------------------------

    def preprocess(self, nb: NotebookNode, resources: dict | None = None,
                   km: KernelManager | None = None) -> tuple[NotebookNode, dict]:
        resources = resources if resources is not None else {}
        seed = self.seed if self.seed is not None else secrets.randbelow(2**31)
        folder = tempfile.mkdtemp(prefix="nn-grader-")
        state = GradingState(seed)
        resources[RESOURCES_KEY] = state
        self._state, self._records_dir, self._restarts, self._gave_up = state, folder, 0, False
        self._output_bytes = {}
        self._deadline = time.monotonic() + self.notebook_timeout
        self._release_dir = self._release_folder(resources)
        info = resources.get("nbgrader", {})
        self._shows = manifest.shows(info.get("assignment"), info.get("notebook")) if self.skip_shows else frozenset()
        self._kernel_seconds, self._skipped, start = 0.0, 0, time.perf_counter()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            nb.metadata.setdefault("course_grader", {})["seed"] = seed
            self.log.info("Ran the notebook in %.2f s, of which %.2f s starting the kernel (%d start(s)); "
                          "%d cell(s) that only show not run", time.perf_counter() - start, self._kernel_seconds,
                          1 + self._restarts, self._skipped)

    async def async_start_new_kernel(self, **kwargs) -> None:
        env = dict(kwargs.pop("env", None) or os.environ)
        env[RECORDS_ENV], env[SEED_ENV] = self._records_dir, str(self._state.seed)
        start = time.perf_counter()
        try:
            await super().async_start_new_kernel(env=env, **kwargs)
        finally:
            self._kernel_seconds += time.perf_counter() - start

    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self) -> KernelClient:
        start = time.perf_counter()  # connecting and waiting for the kernel to be ready is part of its start
        try:
            return await super().async_start_new_kernel_client()
        finally:
            self._kernel_seconds += time.perf_counter() - start

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def create_kernel_manager(self) -> SandboxedKernelManager:
        km = super().create_kernel_manager()
        if isinstance(km, SandboxedKernelManager):
            km.records_dir, km.release_dir = self._records_dir, self._release_dir or ""
        return km

    def _release_folder(self, resources):
        """The release folder of the assignment being graded (its files go into the kernel's home), or None."""
        assignment = resources.get("nbgrader", {}).get("assignment")
        if not assignment:
            return None
        coursedir = CourseDirectory(config=self.config)
        return coursedir.format_path(coursedir.release_directory, ".", assignment)

    def _get_timeout(self, cell):
        """nbgrader's per-cell timeout, cut to what is left of the notebook's budget."""
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._deadline - time.monotonic()))
        return left if timeout is None else min(timeout, left)

    # --- one cell -------------------------------------------------------------------------------

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, self.resources
        if self._only_shows(cell):
            cell.outputs = [new_output("stream", name="stdout", text=SHOWS_ONLY)]
            self._skipped += 1
            return cell, self.resources
        if self._gave_up:
            cell.outputs = [error_output("NotRun", f"not run: {GAVE_UP}")]
            return cell, self.resources
        if time.monotonic() >= self._deadline:
            cell.outputs = [error_output("NotRun", f"not run: {out_of_time(self.notebook_timeout)}")]
            call = source_rules.hidden_check(cell)
            if call:
                self._collect(call, cell, None)
            return cell, self.resources
        if not is_locked(cell):
            violations = source_rules.forbidden(cell.source)
            if violations:
                message = ("the grader did not run this cell: " + "; ".join(map(str, violations))
                           + ". Solution cells may not use the course's reference, scipy, sklearn or torch, "
                           "reach modules or frames by name, or start processes.")
                self._state.not_run[index] = message
                cell.outputs = [error_output("NotRun", message)]
                return cell, self.resources
        call = source_rules.hidden_check(cell)
        calls_hung = sorted(source_rules.referenced_names(cell.source) & self._state.hung)
        if calls_hung and not call:
            message = (f"not run: it calls {', '.join(calls_hung)}, which killed the kernel or would not stop when "
                       "interrupted in an earlier cell")
            self._state.not_run[index] = message
            cell.outputs = [error_output("NotRun", message)]
            return cell, self.resources
        if call and call.function in self._state.stopped:
            why = (f"{call.function} killed the kernel or would not stop when interrupted in an earlier cell (marked "
                   "KernelDied or KernelRestarted)" if call.function in self._state.hung else
                   f"an earlier hidden test of {call.function} killed the kernel or timed out")
            cell.outputs = [error_output("NotRun", f"not run: {why}")]
            self._collect(call, cell, None)
            return cell, self.resources
        record = protocol.record_path(self._records_dir, call.exercise, call.part) if call else None
        if record and os.path.exists(record):
            os.remove(record)
        watch = FolderWatch([self._records_dir, getattr(self.km, "runtime_dir", None)],
                            self.max_folder_mb * 2**20, self.max_folder_entries, self._kill_kernel)
        try:
            with watch:
                cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            cell.outputs.append(self._over_the_cap(watch) if watch.exceeded else error_output(
                KERNEL_DIED, "the kernel died while running this cell (os._exit, a crash, or out of memory); "
                "it was restarted and the earlier cells run again for the cells that follow"))
            self._stopped(index, call)
        except CellTimeoutError:  # interrupted, but still busy a few seconds later (deep recursion, a handler)
            cell.outputs.append(error_output(
                KERNEL_RESTARTED, "this cell ran longer than the time limit per cell, and the kernel would not stop "
                "when interrupted (still busy a few seconds later: a very deep recursion, or code that blocks the "
                "interrupt); it was restarted and the earlier cells run again for the cells that follow"))
            self._stopped(index, call)
        else:
            if watch.exceeded:
                cell.outputs.append(self._over_the_cap(watch))
                self._stopped(index, call)
            elif _timed_out(cell):
                if call:  # its other checks would only time out again
                    self._state.stopped.add(call.function)
                if not self._responsive():
                    cell.outputs.append(error_output(
                        KERNEL_RESTARTED, "the kernel would not stop when interrupted after this cell timed out; it "
                        "was restarted"))
                    self._stopped(index, call)
        if call:
            self._collect(call, cell, record)
        return cell, self.resources

    def _only_shows(self, cell):
        """True for a locked cell that the course declares as only showing (never a solution or grade cell)."""
        meta = cell.metadata.get("nbgrader", {})
        return (meta.get("grade_id") in self._shows and is_locked(cell)
                and not is_grade(cell) and not is_solution(cell))

    def _kill_kernel(self):
        """Kill the kernel at once (its sandbox and everything in it), from any thread."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            process.kill()

    def _over_the_cap(self, watch):
        """Empty the records folder the kernel filled; the cell's error output saying so."""
        empty(self._records_dir)
        return error_output(KERNEL_DIED, "the kernel was stopped: it kept more than allowed in the grader's folders "
                                          f"(its hidden checks' records and connection sockets), {watch.describe()}; "
                                          "it was restarted and the earlier cells run again for the cells that follow")

    def _collect(self, call, cell, record):
        """Keep the record the kernel wrote for this hidden check (and the cell's own error, for messages)."""
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            ename, evalue = errors[-1].get("ename"), errors[-1].get("evalue")
            if ename == "CellTimeoutError":
                evalue = "it ran longer than the time limit per cell"
            self._state.kernel_errors[call.key] = f"{ename}: {evalue}"[:500]
        if record and os.path.isfile(record) and os.path.getsize(record) <= MAX_RECORD_BYTES:
            with open(record, encoding="utf-8", errors="replace") as handle:
                self._state.records[call.key] = handle.read()
            os.remove(record)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> NotebookNode | None:
        """nbclient's output handler, with a byte budget per cell."""
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values()) \
            + len(json.dumps(content.get("traceback", [])))
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size > self.max_output_bytes:
            if used <= self.max_output_bytes:
                note = f"\n... output truncated by the grader (over {self.max_output_bytes} bytes)\n"
                outs.append(new_output("stream", name="stdout", text=note))
            return None
        return super().output(outs, msg, display_id, cell_index)

    # --- kernel health --------------------------------------------------------------------------

    async def _async_responsive(self, timeout=10):
        """True if the kernel answers a kernel_info request within ``timeout`` seconds."""
        try:
            msg_id = self.kc.kernel_info()
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
                if msg["parent_header"].get("msg_id") == msg_id:
                    return True
        except Exception:  # noqa: BLE001 - no answer (queue.Empty) or a dead channel
            return False
        return False

    _responsive = run_sync(_async_responsive)

    def _stopped(self, index, call):
        """The cell at ``index`` killed or hung the kernel: restart it, and run no more checks of that function.

        The function is the hidden check's, or else the one student function the cell calls by name (a visible
        test, a worked example): later cells that call it are not run (:attr:`GradingState.hung`).
        """
        self._mark_hung(index, call)
        self._restart(index)

    def _mark_hung(self, index, call=None):
        """Record that the cell at ``index`` killed or hung the kernel, and which student function did it."""
        self._state.died.append(index)
        suspects = {call.function} if call else \
            source_rules.referenced_names(self.nb.cells[index].source) & self._student_functions(index)
        if len(suspects) == 1:
            self._state.hung |= suspects
            self._state.stopped |= suspects

    def _student_functions(self, index):
        """Names of the functions defined in student-writable cells before ``index``."""
        return {name for cell in self.nb.cells[:index] if cell.cell_type == "code" and not is_locked(cell)
                for name in source_rules.defined_functions(cell.source)}

    def _restart(self, index):
        """Kill the kernel and its process group, start a new one and replay cells before ``index``.

        A replayed cell that kills or hangs the new kernel is not replayed again, and the kernel is restarted
        once more; after :attr:`max_restarts` the remaining cells are not run.
        """
        self._cleanup_kernel()
        self.km, self.kc = None, None
        self._restarts += 1
        if self._restarts > self.max_restarts:
            self._gave_up = True
            return
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        for i, earlier in enumerate(self.nb.cells[:index]):
            if earlier.cell_type != "code" or not earlier.source.strip() or i in self._state.died \
                    or i in self._state.not_run or self._only_shows(earlier) \
                    or source_rules.check_call(earlier.source) \
                    or source_rules.referenced_names(earlier.source) & self._state.hung:
                continue
            replay = copy.deepcopy(earlier)
            try:
                self.execute_cell(replay, i, store_history=False)
            except (DeadKernelError, CellTimeoutError):
                self._mark_hung(i)
                return self._restart(index)
            finally:
                self.nb.cells[i] = earlier
            if _timed_out(replay) and not self._responsive():  # e.g. a visible test calling a function that hangs
                self._mark_hung(i)  # not replayed again, nor what calls its function
                return self._restart(index)

    async def _async_cleanup_kernel(self):
        """nbclient's, except after giving up on restarts: then no kernel is left to stop."""
        if self.km is not None:
            await super()._async_cleanup_kernel()

    _cleanup_kernel = run_sync(_async_cleanup_kernel)


def _timed_out(cell):
    """True if ``cell`` holds nbgrader's timeout error."""
    return any(o.output_type == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs)
