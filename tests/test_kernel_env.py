"""The grading kernel's environment, staged on the host under a neutral name (grading_sandbox.kernel_env)."""

import fcntl
import os
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO

from grading_sandbox import kernel_env
from grading_sandbox.kernel_env import (
    ENV,
    KERNEL_PACKAGES,
    SITE,
    kernel_site_entries,
    staged_engine,
    staged_environment,
)


def test_the_stage_holds_what_a_notebook_imports_and_the_kernel_half_of_the_engine_only():
    env, engine = Path(staged_environment()), Path(staged_engine())
    site = env / SITE
    assert {"numpy", "sklearn", "matplotlib", "ipykernel"} <= {p.name for p in site.iterdir()}
    assert not {"solutions_lib", "course_grader", "class_grader", "grading_sandbox", "nbgrader", "dask",
                "distributed"} & {p.name for p in site.iterdir()}
    assert [p.name for p in engine.iterdir()] == list(KERNEL_PACKAGES)
    assert all(not any((site / package).iterdir()) for package in KERNEL_PACKAGES)  # mount points, empty
    modules = {p.name for p in (engine / "course_checks").glob("*.py")}
    assert {"protocol.py", "modes.py", "softmax_family.py"} <= modules
    assert not (engine / "course_checks" / "judges").exists()
    assert os.readlink(env / "bin" / "python") == os.path.realpath(sys._base_executable)
    assert f"home = {os.path.dirname(os.path.realpath(sys._base_executable))}" in (env / "pyvenv.cfg").read_text()


def test_the_stage_is_compiled_as_the_kernel_sees_it_except_the_distributions_test_suites():
    site = Path(staged_environment()) / SITE
    (compiled,) = (site / "numpy" / "__pycache__").glob("__init__.*.pyc")
    assert f"{ENV}/{SITE}/numpy/__init__.py".encode() in compiled.read_bytes()
    suites = [p for p in site.rglob("tests") if p.is_dir()]
    assert suites and all(list(p.glob("*.py")) for p in suites[:5])  # the test suites are staged ...
    assert [p for p in suites if (p / "__pycache__").exists()] == []  # ... and not compiled


def test_nothing_staged_names_the_checkout_or_the_graders_environment():
    """Every file of both stages, compiled ones and the font list included, is free of the host's paths."""
    hosts = {str(REPO).encode(), os.path.realpath(sys.prefix).encode(), sys.prefix.encode()}
    named = []
    for stage in (staged_environment(), staged_engine()):
        for path in Path(stage).rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                named += [str(path) for host in hosts if host in data]
    assert named == []
    assert os.path.basename(staged_environment()).startswith(f"nn-kernel-env-{os.geteuid()}-")


def test_the_grader_s_own_site_packages_would_have_named_the_checkout():
    """Proves the test above can fail: the grader's compiled files name where they were compiled."""
    host, _ = next((h, n) for h, n in kernel_site_entries() if n == "numpy")
    compiled = next(Path(host, "__pycache__").glob("*.pyc")).read_bytes()
    assert os.path.dirname(host).encode() in compiled


def test_a_stage_is_built_once_and_a_folder_that_others_may_read_is_never_used(tmp_path, monkeypatch):
    monkeypatch.setattr(kernel_env.tempfile, "tempdir", str(tmp_path))
    builds = []

    def build(folder):
        builds.append(folder)
        Path(folder, "built").write_text("yes")

    found = []
    threads = [threading.Thread(target=lambda: found.append(kernel_env._stage("nn-test-stage", build)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and found == [str(tmp_path / "nn-test-stage")] * 4
    assert (tmp_path / "nn-test-stage").stat().st_mode & 0o777 == 0o700

    planted = tmp_path / "nn-planted"
    planted.mkdir(mode=0o755)
    (planted / "built").write_text("planted")
    private = kernel_env._stage("nn-planted", build)
    assert private != str(planted) and Path(private, "built").read_text() == "yes"
    assert (planted / "built").read_text() == "planted"


@pytest.mark.skipif(os.geteuid() != 0, reason="another user's lock file needs chown, which needs root")
def test_another_users_lock_file_cannot_make_grading_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(kernel_env.tempfile, "tempdir", str(tmp_path))
    lock = tmp_path / "nn-locked.lock"
    lock.write_text("")
    os.chown(lock, 65534, 65534)
    with open(lock) as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # held for good, as a hostile local user would
        done = []
        worker = threading.Thread(target=lambda: done.append(kernel_env._stage("nn-locked", lambda f: None)),
                                  daemon=True)
        worker.start()
        worker.join(timeout=20)
    assert done == [str(tmp_path / "nn-locked")]
