"""The grading service's parts without grading: its settings, what it reads of the inbound, what it lets through
as whose, its journal and the hourly limit, which level of feedback a due date allows, the queued note."""

import os
from datetime import datetime, timedelta

import pytest
from traitlets import TraitError
from traitlets.config import Config

from course_grader import extensions
from course_grader.page_policy import POLICY_META
from grading_service import exchange
from grading_service.journal import Journal
from grading_service.pages import queued_page
from grading_service.service import Service, run_forever
from grading_service.settings import GradingService

STAMP = "2026-12-03 10:00:00.000000 UTC"


def test_each_assignment_has_its_policy_and_an_unknown_policy_is_refused():
    config = Config()
    config.GradingService.feedback_policy = {"04_conv": "score"}
    config.GradingService.default_policy = "after_due"
    settings = GradingService(config=config)
    assert settings.policy("04_conv") == "score" and settings.policy("01_one_hot") == "after_due"
    config.GradingService.feedback_policy = {"04_conv": "soon"}
    with pytest.raises(TraitError, match="immediate"):
        GradingService(config=config)
    assert GradingService().policy("01_one_hot") == "immediate" and GradingService().max_per_hour == 0


@pytest.fixture
def course(tmp_path):
    """A course root whose exchange is ``tmp_path/exchange``, with one generated assignment and an inbound."""
    root = tmp_path / "course"
    (root / "release" / "01_one_hot").mkdir(parents=True)
    (root / "release" / "01_one_hot" / "one_hot.ipynb").write_text("{}")
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'course'\nc.CourseDirectory.root = {str(root)!r}\n"
        f"c.Exchange.root = {str(tmp_path / 'exchange')!r}\n"
        "c.GradingService.feedback_policy = {'01_one_hot': 'score'}\n")
    (tmp_path / "exchange" / "course" / "inbound").mkdir(parents=True)
    return root


def arrive(course, name, ready=True):
    """A submission folder in the inbound as ``nbgrader submit`` leaves it (or, not ready, half-way)."""
    folder = course.parent / "exchange" / "course" / "inbound" / name
    folder.mkdir()
    (folder / "one_hot.ipynb").write_text("{}")
    (folder / "timestamp.txt").write_text(name.split("+")[2])
    if ready:
        (folder / "submission_secret.txt").write_text("s" * 128)
        folder.chmod(0o777)
    else:
        folder.chmod(0o755)
    return folder


def test_the_inbound_is_read_as_nbgrader_names_it_and_a_half_written_folder_is_not_ready(course):
    arrive(course, f"alice+01_one_hot+{STAMP}+Rf2tgwDIkfTQ")
    arrive(course, f"bob+01_one_hot+{STAMP}+43z1dI17kFgA", ready=False)
    arrive(course, f"carol+the+third+01_one_hot+{STAMP}+xyz")
    (course.parent / "exchange" / "course" / "inbound" / "README").write_text("not a submission")
    arrivals = {a.student: a for a in exchange.arrivals(Service(course, client=None).course)}
    assert sorted(arrivals) == ["alice", "bob", "carol+the+third"]
    assert arrivals["alice"].assignment == "01_one_hot" and arrivals["alice"].timestamp == STAMP
    assert arrivals["alice"].ready and not arrivals["bob"].ready
    assert arrivals["alice"].owner == __import__("pwd").getpwuid(os.getuid()).pw_name


def test_a_folder_that_names_another_account_is_set_aside_and_ones_own_is_collected_once_written(course):
    me = __import__("pwd").getpwuid(os.getuid()).pw_name
    later = "2026-12-03 10:05:00.000000 UTC"
    forged = arrive(course, f"bob+01_one_hot+{STAMP}+abc")
    arrive(course, f"{me}+01_one_hot+{STAMP}+def")
    half = arrive(course, f"{me}+01_one_hot+{later}+ghi", ready=False)
    service = Service(course, client=None)
    assert service.settings.require_owner
    service.collect()
    assert not forged.exists() and forged.with_name(f".refused-{forged.name}").is_dir()
    assert not (course / "submitted").exists()  # the newest of mine is still being written: wait for it
    half.chmod(0o777)
    (half / "submission_secret.txt").write_text("s")
    service.collect()
    assert (course / "submitted" / me / "01_one_hot" / "timestamp.txt").read_text() == later
    assert (course / "submitted" / me / "01_one_hot" / "one_hot.ipynb").is_file()
    assert not (course / "submitted" / "bob").exists()
    assert [a.name for a in exchange.arrivals(service.course) if a.student == "bob"] == []


def test_the_hourly_limit_counts_other_hand_ins_not_a_regrade_of_the_same_one(tmp_path):
    now = datetime(2026, 12, 3, 10, 0)
    journal = Journal(tmp_path)
    journal.start("01_one_hot", "ada", "h1", now - timedelta(minutes=70))
    journal.start("01_one_hot", "ada", "h2", now - timedelta(minutes=50))
    journal.start("01_one_hot", "ada", "h2", now - timedelta(minutes=40))  # the same hand-in, after a crash
    journal.start("01_one_hot", "ada", "h3", now - timedelta(minutes=10))
    again = Journal(tmp_path)  # what a restarted service reads back
    assert again.graded_hand_ins("01_one_hot", "ada", now, but="h4") == [now - timedelta(minutes=50),
                                                                          now - timedelta(minutes=10)]
    assert again.graded_hand_ins("01_one_hot", "ada", now, but="h3") == [now - timedelta(minutes=50)]
    assert again.graded_hand_ins("01_one_hot", "bo", now, but="h1") == []
    assert again.hold("01_one_hot", "ada", STAMP) and not again.hold("01_one_hot", "ada", STAMP)
    again.release("01_one_hot", "ada", "2026-12-03T09:55:00+00:00", "score")
    assert Journal(tmp_path).released_level("01_one_hot", "ada", "2026-12-03T09:55:00+00:00") == "score"
    assert Journal(tmp_path).released_level("01_one_hot", "ada", "2026-12-03T09:59:00+00:00") is None


def test_what_a_student_may_see_follows_the_policy_the_due_date_and_the_extension(course):
    service = Service(course, client=None)
    due = datetime(2026, 12, 3, 17, 0)
    service.due_dates = {"01_one_hot": due}
    assert service.level("01_one_hot", "ada", due - timedelta(minutes=1)) == "score"
    assert service.level("01_one_hot", "ada", due) == "full"
    extensions.grant(course, "01_one_hot", "ada", 2)
    assert service.due("01_one_hot", "ada") == due + timedelta(hours=2)
    assert service.level("01_one_hot", "ada", due + timedelta(hours=1)) == "score"
    assert service.level("01_one_hot", "bo", due + timedelta(hours=1)) == "full"
    service.settings.feedback_policy = {"01_one_hot": "after_due"}
    assert service.level("01_one_hot", "ada", due) is None
    service.due_dates = {"01_one_hot": None}  # no due date: after_due never releases by itself
    assert service.level("01_one_hot", "ada", due + timedelta(days=365)) is None
    service.settings.feedback_policy = {}
    assert service.level("01_one_hot", "ada", due - timedelta(days=1)) == "full"


def test_the_queued_note_says_until_when_and_escapes_what_it_quotes():
    page = queued_page("01_<b>one_hot", "one_hot", "2026-12-03 10:00:00 UTC", 2, 2, datetime(2026, 12, 3, 11, 5))
    assert page.startswith("<!DOCTYPE html>") and POLICY_META in page
    assert "01_&lt;b&gt;one_hot" in page and "01_<b>one_hot" not in page
    assert "2 of your submissions" in page and "at most 2 per hour" in page and "2026-12-03 11:05 UTC" in page
    assert "<script" not in page


def test_a_failed_turn_is_logged_and_the_next_turn_compares_everything_again(course, caplog):
    service = Service(course, client=None)
    service.settings.poll_seconds = 0
    turns = []

    def tick():
        turns.append(service.dirty)
        service.dirty = set()
        if len(turns) == 1:
            raise OSError("No space left on device")

    service.tick = tick
    run_forever(service, stop=lambda: len(turns) == 2)
    assert turns == [None, None]  # after the failure, everything is compared with the ledger again
    assert "this turn failed" in caplog.text and "No space left on device" in caplog.text
