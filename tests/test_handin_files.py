"""Hand-ins are files, never links: the rules (course_grader.handin_files), the intake, and nbgrader's
collect, zip_collect and autograde with them (the class command's side is in the hostile corpus)."""

import io
import json
import os
import shutil
import tarfile
import zipfile

import nbformat
import pytest
from conftest import REPO

from classroom import nbgrader_run as run
from course_grader.handin_files import (
    _plain_archive,
    copy_handin,
    link_problem,
    read_handin,
    refusal_note,
    refusal_of,
)
from course_grader.intake import prepare_submission

RELEASE = REPO / "release" / "02_softmax" / "softmax.ipynb"
SOURCE = REPO / "source" / "02_softmax" / "softmax.ipynb"


def test_plain_files_and_folders_pass_and_every_kind_of_link_is_named(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    (tmp_path / "symbolic").symlink_to(plain)
    os.mkfifo(tmp_path / "fifo")
    assert link_problem(plain) is None and link_problem(tmp_path) is None
    assert link_problem(tmp_path / "missing") is None
    assert link_problem(tmp_path / "symbolic") == "a symbolic link"
    assert link_problem(tmp_path / "fifo") == "not a regular file"
    os.link(plain, tmp_path / "second_name")
    hard_link = "a hard link (a second name of another file)"
    assert link_problem(plain) == link_problem(tmp_path / "second_name") == hard_link


def test_a_hand_in_is_read_without_following_anything(tmp_path):
    secret = tmp_path / "secret.ipynb"
    secret.write_text("the instructor's notebook")
    handin = tmp_path / "handin"
    (handin / "data").mkdir(parents=True)
    (handin / "softmax.ipynb").write_text("mine")
    (handin / "data" / "notes.txt").write_text("notes")
    (handin / "linked.ipynb").symlink_to(secret)
    (handin / "passwd.csv").symlink_to("/etc/passwd")
    (handin / "elsewhere").symlink_to(tmp_path)
    os.link(secret, handin / "hard.ipynb")
    os.mkfifo(handin / "pipe")
    files, refused = read_handin(str(handin))
    assert files == {"softmax.ipynb": b"mine", "data/notes.txt": b"notes",
                     "linked.ipynb": refusal_note("a symbolic link"),
                     "hard.ipynb": refusal_note("a hard link (a second name of another file)")}
    assert refused == {"linked.ipynb": "a symbolic link", "passwd.csv": "a symbolic link",
                       "elsewhere": "a symbolic link", "pipe": "not a regular file",
                       "hard.ipynb": "a hard link (a second name of another file)"}
    copy = tmp_path / "copy"
    assert copy_handin(str(handin), str(copy)) == refused
    assert sorted(str(p.relative_to(copy)) for p in copy.rglob("*")) == [
        "data", "data/notes.txt", "hard.ipynb", "linked.ipynb", "softmax.ipynb"]
    assert refusal_of(copy / "linked.ipynb") == "a symbolic link" and refusal_of(copy / "softmax.ipynb") is None


def test_a_linked_assignment_or_student_folder_is_refused_whole(tmp_path):
    submitted = tmp_path / "submitted"
    (submitted / "bob" / "02_softmax").mkdir(parents=True)
    (submitted / "bob" / "02_softmax" / "softmax.ipynb").write_text("bob's")
    (submitted / "eve").mkdir()
    (submitted / "eve" / "02_softmax").symlink_to(submitted / "bob" / "02_softmax")
    (submitted / "mallory").symlink_to(submitted / "bob")
    for student in ("eve", "mallory"):
        files, refused = read_handin(str(submitted / student / "02_softmax"), notebooks=("softmax.ipynb",),
                                     within=str(submitted))
        assert files == {"softmax.ipynb": refusal_note("a symbolic link")}, student
        assert refused["."].startswith("a symbolic link ("), student
    files, _ = read_handin(str(submitted / "bob" / "02_softmax"), within=str(submitted))
    assert files == {"softmax.ipynb": b"bob's"}


def test_link_members_of_archives_are_dropped_and_a_linked_notebook_leaves_a_note(tmp_path):
    tar_path = tmp_path / "bundle.tar.gz"
    with tarfile.open(tar_path, "w:gz") as tar:
        for name, content in (("bob_softmax.ipynb", b"bob's"), ("readme.txt", b"hi")):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for name, kind in (("eve_softmax.ipynb", tarfile.SYMTYPE), ("hard_softmax.ipynb", tarfile.LNKTYPE)):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "bob_softmax.ipynb"
            tar.addfile(info)
    assert _plain_archive(str(tar_path)) == {"eve_softmax.ipynb": "a symbolic link",
                                             "hard_softmax.ipynb": "a hard link (a second name of another file)"}
    with tarfile.open(tar_path) as tar:
        assert {m.name: tar.extractfile(m).read() for m in tar.getmembers()} == {
            "bob_softmax.ipynb": b"bob's", "readme.txt": b"hi",
            "eve_softmax.ipynb": refusal_note("a symbolic link"),
            "hard_softmax.ipynb": refusal_note("a hard link (a second name of another file)")}
    zip_path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("bob_softmax.ipynb", "bob's")
        link = zipfile.ZipInfo("eve_softmax.ipynb")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "bob_softmax.ipynb")
    assert _plain_archive(str(zip_path)) == {"eve_softmax.ipynb": "a symbolic link"}
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.read("eve_softmax.ipynb") == refusal_note("a symbolic link")


def course_tree(root):
    for kind, path in (("source", SOURCE), ("release", RELEASE)):
        (root / kind / "02_softmax").mkdir(parents=True)
        (root / kind / "02_softmax" / "softmax.ipynb").write_bytes(path.read_bytes())
    return root / "submitted"


def first_cell(path):
    return nbformat.read(path, as_version=4).cells[0].source


@pytest.mark.parametrize("kind", ["notebook", "folder", "student", "hard", "note"])
def test_the_intake_grades_a_linked_hand_in_as_blank_and_says_why(tmp_path, kind):
    submitted = course_tree(tmp_path)
    (submitted / "bob" / "02_softmax").mkdir(parents=True)
    bob = submitted / "bob" / "02_softmax" / "softmax.ipynb"
    bob.write_bytes(SOURCE.read_bytes())
    folder = submitted / "eve" / "02_softmax"
    if kind == "student":
        (submitted / "eve").symlink_to(submitted / "bob")
    elif kind == "folder":
        (submitted / "eve").mkdir()
        folder.symlink_to(bob.parent)
    else:
        folder.mkdir(parents=True)
        if kind == "notebook":
            (folder / "softmax.ipynb").symlink_to(tmp_path / "source" / "02_softmax" / "softmax.ipynb")
        elif kind == "hard":
            os.link(bob, folder / "softmax.ipynb")
        else:  # a note left by collect or zip_collect
            (folder / "softmax.ipynb").write_bytes(refusal_note("a symbolic link"))
        (folder / "data.csv").symlink_to("/etc/passwd")
    notebooks = [str(folder / "softmax.ipynb")]
    prepare_submission("02_softmax", "eve", notebooks)
    graded = folder / "softmax.ipynb"
    assert notebooks == [str(graded)] and not graded.is_symlink() and os.stat(graded).st_nlink == 1
    assert not folder.is_symlink() and not folder.parent.is_symlink()
    assert "was handed in as a" in first_cell(graded) and "grading never follows links" in first_cell(graded)
    assert "BEGIN HIDDEN TESTS" not in graded.read_text()
    assert not (folder / "data.csv").exists() and not os.path.lexists(folder / "data.csv")
    assert bob.read_bytes() == SOURCE.read_bytes() and first_cell(bob) == first_cell(SOURCE)


def test_the_intake_leaves_a_plain_hand_in_alone(tmp_path):
    submitted = course_tree(tmp_path)
    folder = submitted / "ada" / "02_softmax"
    folder.mkdir(parents=True)
    (folder / "softmax.ipynb").write_bytes(RELEASE.read_bytes())
    prepare_submission("02_softmax", "ada", [str(folder / "softmax.ipynb")])
    assert (folder / "softmax.ipynb").read_bytes() == RELEASE.read_bytes()


# --- through real nbgrader ------------------------------------------------------------------------------

INBOUND_TIME = "2026-12-01 10:00:00.000000 UTC"


@pytest.fixture(scope="module")
def exchange_course(tmp_path_factory):
    base = tmp_path_factory.mktemp("handin")
    exchange = base / "exchange"
    course = run.make_course(base / "course", ["02_softmax"], settings=[
        f"c.Exchange.root = {str(exchange)!r}", "c.CollectApp.check_owner = False"])
    return course, exchange / "nn-from-scratch" / "inbound"


def hand_in_link(inbound, student, target):
    folder = inbound / f"{student}+02_softmax+{INBOUND_TIME}"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text(INBOUND_TIME)
    (folder / "softmax.ipynb").symlink_to(target)


@pytest.mark.nbgrader
def test_collect_through_the_exchange_takes_no_link_and_the_student_is_told(exchange_course):
    course, inbound = exchange_course
    hand_in_link(inbound, "mallory", course / "source" / "02_softmax" / "softmax.ipynb")
    collected = course / "submitted" / "mallory" / "02_softmax" / "softmax.ipynb"
    # nbgrader's own collector follows the link: the instructor's notebook becomes mallory's hand-in
    run.nbgrader(course, "collect", "02_softmax", "--ExchangeFactory.collect="
                 "nbgrader.exchange.default.collect.ExchangeCollect")
    assert "BEGIN HIDDEN TESTS" in collected.read_text()
    shutil.rmtree(collected.parent)
    log = run.nbgrader(course, "collect", "02_softmax")
    assert refusal_of(collected) == "a symbolic link" and "links are never followed" in log
    run.nbgrader(course, "autograde", "02_softmax", "--student", "mallory", "--create")
    run.generate_feedback(course, "02_softmax")
    assert sum(score for score, _ in run.cell_scores(course, "02_softmax")["mallory"].values()) == 0
    page = (course / "feedback" / "mallory" / "02_softmax" / "softmax.html").read_text()
    assert "was handed in as a symbolic link" in page and "BEGIN HIDDEN TESTS" not in page


@pytest.mark.nbgrader
def test_zip_collect_takes_no_link_from_an_archive(exchange_course):
    course = exchange_course[0]
    archive = course / "downloaded" / "02_softmax" / "archive"
    archive.mkdir(parents=True)
    with tarfile.open(archive / "bundle.tar.gz", "w:gz") as tar:
        content = RELEASE.read_bytes()
        info = tarfile.TarInfo("bob_softmax.ipynb")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
        link = tarfile.TarInfo("eve_softmax.ipynb")
        link.type, link.linkname = tarfile.SYMTYPE, "bob_softmax.ipynb"
        tar.addfile(link)
    regexp = "--FileNameCollectorPlugin.named_regexp=.*/(?P<student_id>[a-z]+)_(?P<file_id>softmax)"
    # nbgrader's own extractor turns eve's link into a copy of bob's notebook
    run.nbgrader(course, "zip_collect", "02_softmax", regexp, "--force",
                 "--ZipCollectApp.extractor_plugin=nbgrader.plugins.ExtractorPlugin")
    eve = course / "submitted" / "eve" / "02_softmax" / "softmax.ipynb"
    assert eve.read_bytes() == RELEASE.read_bytes()
    log = run.nbgrader(course, "zip_collect", "02_softmax", regexp, "--force")
    assert refusal_of(eve) == "a symbolic link" and "refused eve_softmax.ipynb" in log
    assert (course / "submitted" / "bob" / "02_softmax" / "softmax.ipynb").read_bytes() == RELEASE.read_bytes()
    assert json.loads(eve.read_text()) == json.loads(refusal_note("a symbolic link"))
