"""A fork server for grading jobs: ``nbgrader`` imported once, each job run in a fresh process forked from it.

Importing nbgrader, nbconvert, the grader plug-ins and NumPy takes a few
seconds, as long as a third of grading one small assignment, and the first
feedback page a process renders compiles what every later one reuses. A grading
worker therefore starts this module once (``python -m
class_grader.fork_server``, single-threaded, so forking it is safe) and
sends it one job folder per line on stdin. For each, the runner forks a
child that starts a new session, runs the real ``nbgrader`` command line
(the arguments in ``<folder>/args.json``, the course in ``<folder>/course``,
its log in ``<folder>/log``), and exits. The runner answers each job with two
lines on its stdout: the child's process id when it started, then its exit
code when it ended (negative: killed by that signal; the worker kills the
child's session when the job's budget runs out).

If the worker that started the runner dies, the runner kills the running
job's session and exits.
"""

import gc
import json
import os
import signal
import sys
import time
import traceback


def preload() -> None:
    """Import what every grading job needs, once, before any fork."""
    import nbconvert  # noqa: F401
    import nbgrader.apps.nbgraderapp  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import numpy  # noqa: F401

    import course_checks  # noqa: F401
    import course_grader.cells  # noqa: F401
    import course_grader.execute  # noqa: F401
    import course_grader.feedback  # noqa: F401
    import course_grader.intake  # noqa: F401
    import course_grader.judge  # noqa: F401
    import course_grader.outputs  # noqa: F401
    from grading_sandbox.bubblewrap import sandbox_problem
    from grading_sandbox.kernel_env import staged_engine, staged_environment

    sandbox_problem("")  # probe bubblewrap once, not in every job
    staged_environment(), staged_engine()  # what the kernel may import: found, or staged once per machine
    warm_up()


def warm_up() -> None:
    """Render one small page with the course's feedback exporter, writing nothing.

    The regular expressions, lexers and CSS selectors that a feedback page needs are compiled on first use
    and cached in the process; compiled here, every forked job finds them ready, and its ``generate_feedback``
    takes about a third less time.
    """
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from course_grader.feedback import FeedbackExporter

    nb = new_notebook(cells=[
        new_markdown_cell("# A title\n\nSome *maths*: $\\sum_i x_i^2$, `code` and a [link](#a).\n\n- a list\n"),
        new_code_cell("import numpy as np\n\n\ndef f(x):\n    return np.exp(x) / 2  # a comment\n",
                      outputs=[new_output("stream", name="stdout", text="passed: f (values)\n"),
                               new_output("error", ename="AssertionError", evalue="f: wrong",
                                          traceback=["\x1b[0;31mAssertionError\x1b[0m: f: wrong"])])])
    FeedbackExporter().from_notebook_node(nb)


def _child(folder):
    """Run one job in this forked process and exit with nbgrader's exit code."""
    code = 1
    try:
        os.setsid()
        log = os.open(os.path.join(folder, "log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        with open(os.path.join(folder, "args.json")) as handle:
            args = json.load(handle)
        os.chdir(os.path.join(folder, "course"))
        sys.argv = ["nbgrader", *args]
        from nbgrader.apps.nbgraderapp import main

        try:
            main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported in the job's log, as nbgrader would have
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _wait(pid, parent):
    """The exit code of job ``pid``; kill its session and exit if the worker ``parent`` has died."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if os.getppid() != parent:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os._exit(1)
        time.sleep(0.05)


def main() -> None:
    parent = os.getppid()
    # the protocol has stdout to itself; anything printed while importing goes to stderr
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    preload()
    gc.freeze()  # the preloaded objects stay out of the children's collections: fewer copied pages per fork
    for line in sys.stdin:
        folder = line.strip()
        if not folder:
            continue
        pid = os.fork()
        if pid == 0:
            _child(folder)
        answers.write(f"{pid}\n")
        answers.write(f"{_wait(pid, parent)}\n")


if __name__ == "__main__":
    main()
