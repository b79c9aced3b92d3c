"""A grading job's edges: what it accepts as files, and the course root the class command needs."""

import pytest

from class_grader.course import Course
from class_grader.job import Job, job_digest
from class_grader.worker import grade_job


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "submitted/ada/../../../x"])
def test_a_job_writes_no_file_outside_its_own_course_folder(path, tmp_path):
    job = Job("02_softmax", "ada", "c = get_config()", b"", {path: b"x"}, timeout=5, digest=job_digest("", {}))
    with pytest.raises(ValueError, match="files: .* is not a path inside the course"):
        grade_job(job)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_the_class_command_names_a_folder_that_is_not_a_course(tmp_path):
    with pytest.raises(ValueError, match=f"course root: {tmp_path} has no nbgrader_config.py"):
        Course(tmp_path)
