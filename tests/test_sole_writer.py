"""One writer per course (class_grader.sole_writer): the class command and the grading service exclude each other,
and a writer that dies leaves nothing locked."""

import os
import signal
import subprocess
import sys

import pytest

from class_grader.coordinator import grade_class
from class_grader.sole_writer import CourseBusy, sole_writer
from class_grader.worker import nbgrader_env


@pytest.fixture
def course(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'course'\nc.CourseDirectory.root = {str(tmp_path)!r}\n"
        f"c.Exchange.root = {str(tmp_path / 'exchange')!r}\n")
    return tmp_path


def test_while_the_class_command_writes_neither_another_run_nor_the_service_starts(course):
    with sole_writer(course, "the class command"):
        with pytest.raises(CourseBusy, match=r"being graded by the class command \(process \d+\)"):
            with sole_writer(course, "the grading service"):
                pass
        with pytest.raises(CourseBusy):
            grade_class(course, ["01_one_hot"], progress=False)
        service = subprocess.run([sys.executable, "-m", "grading_service", "serve", "--course", str(course)],
                                 env=nbgrader_env(), capture_output=True, text=True, timeout=120)
    assert service.returncode == 1
    assert "not started" in service.stderr and "being graded by the class command" in service.stderr
    with sole_writer(course, "the grading service"):  # free again once the block is left
        pass


def test_a_writer_killed_with_sigkill_leaves_the_course_free(course):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom class_grader.sole_writer import "
                               "sole_writer\nwith sole_writer(sys.argv[1], 'a run'):\n    print('held', flush=True)\n"
                               "    time.sleep(600)\n", str(course)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    with pytest.raises(CourseBusy, match="a run"):
        with sole_writer(course, "the class command"):
            pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with sole_writer(course, "the class command"):
        pass
