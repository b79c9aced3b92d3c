"""course_grader.kernel: the limits a grading kernel starts under."""

import json
import subprocess
import sys
import textwrap

import pytest

from course_grader.kernel import FORK_EXIT, LimitedKernelManager

PROBE = textwrap.dedent("""
    import json, os, resource, subprocess, time
    report = {"as_mib": resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20,
              "core": resource.getrlimit(resource.RLIMIT_CORE)[0]}
    statuses = []
    for _ in range(20):
        pid = os.fork()
        if pid == 0:
            print("a forked child survived", flush=True)
            os._exit(0)
        statuses.append(pid)
    time.sleep(0.5)
    def state_and_parent(pid):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            return None, None
        return fields[0], int(fields[1])
    report["zombies"] = sum(1 for p in os.listdir("/proc") if p.isdigit()
                            and state_and_parent(p) == ("Z", os.getpid()))
    report["subprocess"] = subprocess.run(["echo", "ok"], capture_output=True, text=True).stdout.strip()
    try:
        block = bytearray(600 * 2**20)
        report["allocated"] = True
    except MemoryError:
        report["allocated"] = False
    print(json.dumps(report))
""")


@pytest.fixture
def probe(tmp_path):
    (tmp_path / "probe.py").write_text(PROBE)
    return tmp_path


def test_the_kernel_command_runs_under_the_limits(probe):
    run = subprocess.run([sys.executable, "-m", "course_grader.kernel", "--memory-mb", "512", "--file-size-mb", "1",
                          "--", sys.executable, "-m", "probe"], cwd=probe, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": f"{probe}:{sys.path[0]}", "PATH": "/usr/bin:/bin"})
    lines = run.stdout.strip().splitlines()
    assert "a forked child survived" not in run.stdout
    report = json.loads(lines[-1])
    assert report == {"as_mib": 512, "core": 0, "zombies": 0, "subprocess": "ok", "allocated": False}


def test_without_the_launcher_the_probe_forks_and_allocates(probe):
    """The same probe, run plainly: proves the test above can fail."""
    run = subprocess.run([sys.executable, "-m", "probe"], cwd=probe, capture_output=True, text=True, timeout=60)
    assert run.stdout.count("a forked child survived") == 20
    assert json.loads(run.stdout.strip().splitlines()[-1])["allocated"] is True


def test_the_kernel_manager_wraps_the_kernelspec_command():
    km = LimitedKernelManager(kernel_name="python3", memory_limit_mb=1024, file_size_limit_mb=8)
    cmd = km.format_kernel_cmd()
    assert cmd[:3] == [sys.executable, "-m", "course_grader.kernel"]
    assert cmd[3:8] == ["--memory-mb", "1024", "--file-size-mb", "8", "--"]
    assert "ipykernel_launcher" in cmd and FORK_EXIT == 70
