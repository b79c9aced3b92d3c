"""Extensions and the late policy: durations, the extensions file, and the penalty nbgrader is given."""

from datetime import datetime, timedelta

import pytest
from traitlets.config import Config

from course_grader import extensions
from course_grader.late_policy import CourseLatePolicy, Lateness, lateness


@pytest.mark.parametrize("text, hours", [("2d", 48), ("36h", 36), ("90m", 1.5), ("1d12h", 36), ("0", 0),
                                         ("1.5h", 1.5)])
def test_durations(text, hours):
    assert extensions.parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize("text", ["", "2", "2w", "d2", "2d x", "-1h"])
def test_a_bad_duration_says_what_it_wanted(text):
    with pytest.raises(ValueError, match="duration: got .*wanted a number of days, hours or minutes"):
        extensions.parse_duration(text)


def test_extensions_are_kept_per_assignment_and_student_and_removed_with_zero(tmp_path):
    assert extensions.hours(tmp_path, "01_one_hot", "carol") == 0
    extensions.grant(tmp_path, "01_one_hot", "carol", 48)
    extensions.grant(tmp_path, "02_softmax", "dan", 1.5)
    assert extensions.hours(tmp_path, "01_one_hot", "carol") == 48
    assert extensions.hours(tmp_path, "02_softmax", "carol") == 0
    extensions.grant(tmp_path, "01_one_hot", "carol", 0)
    assert extensions.load(tmp_path) == {"02_softmax": {"dan": 1.5}}
    with pytest.raises(ValueError, match="extra_hours: got -1"):
        extensions.grant(tmp_path, "01_one_hot", "carol", -1)


def test_the_command_grants_and_lists(tmp_path, capsys):
    assert extensions.main(["01_one_hot", "carol", "2d", "--course", str(tmp_path)]) == 0
    assert "01_one_hot  carol  +2 d" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        extensions.main(["01_one_hot", "carol", "soon", "--course", str(tmp_path)])


def policy(tmp_path, method="per_hour", **settings):
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    config.CourseLatePolicy.penalty_method = method
    for name, value in settings.items():
        setattr(config.CourseLatePolicy, name, value)
    return CourseLatePolicy(config=config)


def test_per_hour_penalties_count_started_hours_and_stop_at_the_cap(tmp_path):
    late = policy(tmp_path, percent_per_hour=5, max_percent=50)
    assert late.percent(0) == 0
    assert late.percent(1) == 5
    assert late.percent(3600) == 5
    assert late.percent(5400) == 10  # 1 h 30 min: two started hours
    assert late.percent(100 * 3600) == 50
    assert policy(tmp_path, "zero").percent(1) == 100
    assert policy(tmp_path, "none").percent(10**6) == 0


def test_the_extension_moves_the_students_own_due_date(tmp_path):
    extensions.grant(tmp_path, "01_one_hot", "carol", 2)
    late = policy(tmp_path, percent_per_hour=5, max_percent=50)
    assert late.lateness("01_one_hot", "carol", 5400) == Lateness(0, 2, 0)
    assert late.lateness("01_one_hot", "carol", 3 * 3600) == Lateness(3600, 2, 5)
    assert late.lateness("01_one_hot", "dan", 5400) == Lateness(5400, 0, 10)


def test_nbgrader_gets_the_penalty_in_points(tmp_path):
    late = policy(tmp_path, percent_per_hour=5, max_percent=50)
    assert late.late_submission_penalty("dan", 20.0, 5400) == pytest.approx(2.0)
    assert late.late_submission_penalty("dan", 20.0, 0) is None


def test_the_feedback_sentence(tmp_path):
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    config.CourseLatePolicy.penalty_method = "per_hour"
    due = datetime(2027, 2, 1, 17, 0)
    assert lateness(config, "01_one_hot", "dan", due + timedelta(minutes=90), due).describe() == \
        "submitted 1 h 30 min late: −10 %"
    assert lateness(config, "01_one_hot", "dan", due - timedelta(minutes=1), due).describe() == "submitted on time"
    extensions.grant(tmp_path, "01_one_hot", "carol", 48)
    assert lateness(config, "01_one_hot", "carol", due + timedelta(hours=47), due).describe() == \
        "submitted on time (with an extension of 2 d)"
    assert lateness(config, "01_one_hot", "dan", None, due) is None
    assert lateness(config, "01_one_hot", "dan", due, None) is None
