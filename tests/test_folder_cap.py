"""The cap on a kernel's folders on the grader's disk (grading_sandbox.folder_cap), measured on real folders."""

import os
import time

from grading_sandbox.folder_cap import FolderWatch, empty, usage


def test_usage_counts_bytes_and_entries_without_following_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_bytes(b"x" * 1000)
    (tmp_path / "y").write_bytes(b"y" * 24)
    (tmp_path / "link").symlink_to("/usr")
    size, count = usage([str(tmp_path), None])
    assert count == 4 and 1024 <= size < 1024 + 100  # the link counts as itself, not as /usr


def test_a_steady_writer_is_stopped_while_it_writes_and_a_quiet_one_is_not(tmp_path):
    stopped = []
    with FolderWatch([str(tmp_path)], 4 * 2**20, 1000, lambda: stopped.append(time.monotonic()),
                     interval=0.05) as watch:
        for n in range(40):
            if stopped:
                break
            (tmp_path / f"junk{n}").write_bytes(b"x" * 2**20)
            time.sleep(0.02)
    assert len(stopped) == 1 and watch.exceeded[0] > 4 * 2**20 and n < 20
    assert "(the cap is 4 MiB or 1000 files)" in watch.describe()
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    with FolderWatch([str(quiet)], 4 * 2**20, 1000, lambda: stopped.append(0), interval=0.05) as calm:
        (quiet / "record.json").write_text("{}")
        time.sleep(0.2)
    assert calm.exceeded is None and len(stopped) == 1


def test_what_the_last_interval_wrote_is_caught_when_the_block_ends(tmp_path):
    stopped = []
    with FolderWatch([str(tmp_path)], 2**20, 10, lambda: stopped.append(1), interval=60) as watch:
        for n in range(20):
            (tmp_path / f"f{n}").touch()
    assert stopped == [1] and watch.exceeded == (0, 20)


def test_empty_keeps_only_what_it_is_told(tmp_path):
    (tmp_path / "kernel.json").write_text("{}")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x").touch()
    (tmp_path / "y").touch()
    os.symlink("/usr", tmp_path / "link")
    empty(str(tmp_path), keep={"kernel.json"})
    assert sorted(os.listdir(tmp_path)) == ["kernel.json"] and os.path.isdir("/usr")
