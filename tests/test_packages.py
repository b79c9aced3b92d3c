"""The packages and their trust boundaries: what each may import, and what the grading environment holds."""

import ast
import subprocess
import sys

import pytest
from conftest import REPO

#: Package -> the project packages it may import (at module level or inside a function).
ALLOWED = {
    "solutions_lib": set(),
    "course_checks": set(),  # the judges reach the reference by name, late (course_checks.judges.reference)
    "grading_sandbox": {"course_checks"},
    "course_grader": {"course_checks", "grading_sandbox"},
    "class_grader": {"course_checks", "course_grader", "grading_sandbox"},
    "grading_service": {"course_checks", "course_grader", "grading_sandbox", "class_grader"},
}
PROJECT = {*ALLOWED, "classroom"}


def imported_packages(path):
    """The project packages a module imports, each with the line that does."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
        for name in names:
            top = name.split(".")[0]
            if top in PROJECT:
                found.setdefault(top, node.lineno)
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_the_packages_below_it(package):
    wrong = []
    for path in sorted((REPO / package).rglob("*.py")):
        for top, line in imported_packages(path).items():
            if top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(REPO)}:{line} imports {top}")
    assert not wrong


def test_the_sandbox_launchers_import_nothing_heavy():
    """They start every grading kernel: no NumPy, no Jupyter, no course code beyond their own package."""
    probe = ("import sys, grading_sandbox.bubblewrap, grading_sandbox.unsandboxed; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'jupyter_client', 'traitlets', "
             "'course_checks', 'course_grader', 'class_grader', 'nbgrader'}))")
    done = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_grading_environment_does_not_hold_the_simulated_class(tmp_path):
    """classroom (catalogue, hostile corpus, demo) runs from the checkout; it is not installed."""
    done = subprocess.run([sys.executable, "-I", "-c", "import classroom"], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert "ModuleNotFoundError" in done.stderr
    done = subprocess.run([sys.executable, "-I", "-c",
                           "import class_grader.coordinator, course_grader.judge, grading_service.service"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_a_recording_kernel_loads_no_judge_and_no_reference(tmp_path):
    """The kernel half of the engine records a check without importing course_checks.judges or solutions_lib
    (the sandbox holds neither); judging outside grading imports both."""
    probe = ("import os, sys\n"
             "from course_checks import check_cross_entropy_grad, protocol\n"
             "os.environ[protocol.RECORDS_ENV], os.environ[protocol.SEED_ENV] = sys.argv[1], '3'\n"
             "check_cross_entropy_grad(lambda Z, Y: Z - Y)\n"
             "recording = sorted(m for m in sys.modules if m.startswith(('course_checks.judges', 'solutions_lib')))\n"
             "del os.environ[protocol.RECORDS_ENV]\n"
             "try:\n"
             "    check_cross_entropy_grad(lambda Z, Y: Z - Y)\n"
             "except AssertionError:\n"
             "    pass\n"
             "judging = sorted(m for m in sys.modules if m.startswith(('course_checks.judges', 'solutions_lib')))\n"
             "print(recording, os.listdir(sys.argv[1]), 'course_checks.judges.softmax_family' in judging, "
             "'solutions_lib.softmax_family' in judging)\n")
    done = subprocess.run([sys.executable, "-I", "-c", probe, str(tmp_path)], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] ['cross_entropy_grad.values.json'] True True"
