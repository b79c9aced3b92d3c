"""The grading kernel's world: the sandbox (grading_sandbox) and, where it is turned off, the limits."""

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from grading_sandbox.bubblewrap import HOME, HOSTNAME, sandbox_problem
from grading_sandbox.kernel_env import SITE
from grading_sandbox.kernel_manager import SandboxedKernelManager
from grading_sandbox.limits import FORK_EXIT, remove_pids_cgroup

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
    run = subprocess.run([sys.executable, "-m", "grading_sandbox.unsandboxed", "--memory-mb", "512",
                          "--file-size-mb", "1", "--", sys.executable, "-m", "probe"],
                         cwd=probe, capture_output=True, text=True, timeout=60,
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
    km = SandboxedKernelManager(kernel_name="python3", memory_limit_mb=1024, file_size_limit_mb=8)
    km.records_dir = "/tmp/records-of-this-kernel"
    cmd = km.format_kernel_cmd()
    assert cmd[:4] == [sys.executable, "-I", "-m", "grading_sandbox.bubblewrap"]  # -I: handed-in files cannot shadow it
    assert cmd[cmd.index("--memory-mb") + 1] == "1024" and cmd[cmd.index("--file-size-mb") + 1] == "8"
    assert "/tmp/records-of-this-kernel" in cmd and km.transport == "ipc"
    assert "-c" in cmd and FORK_EXIT == 70 and km.kernel_spec.interrupt_mode == "message"
    plain = SandboxedKernelManager(kernel_name="python3", sandbox=False, memory_limit_mb=1024, file_size_limit_mb=8)
    assert plain.format_kernel_cmd()[:9] == [sys.executable, "-I", "-m", "grading_sandbox.unsandboxed", "--memory-mb",
                                               "1024", "--file-size-mb", "8", "--"]


# --- the sandbox ------------------------------------------------------------------------------------

SANDBOX_PROBE = textwrap.dedent("""
    import json, os, socket, sys
    report = {}
    def tries(name, action):
        try:
            action()
            report[name] = "yes"
        except BaseException as problem:
            report[name] = type(problem).__name__
    tries("sees_checkout", lambda: open(os.path.join(REPO, "README.md")).read())
    tries("sees_hidden_tests", lambda: open(os.path.join(REPO, "source", "02_softmax", "softmax.ipynb")).read())
    tries("reads_reference_file", lambda: open(os.path.join(REPO, "solutions_lib", "softmax_family.py")).read())
    report["checkout_listing"] = sorted(os.listdir(REPO)) if os.path.isdir(REPO) else []
    tries("imports_reference", lambda: __import__("solutions_lib"))
    tries("imports_grader", lambda: __import__("course_grader"))
    tries("imports_checks", lambda: __import__("course_checks"))
    tries("imports_judges", lambda: __import__("course_checks.judges.softmax_family"))
    import glob, marshal, pkgutil
    report["mountinfo"] = open("/proc/self/mountinfo").read()
    report["executable"], report["path"] = sys.executable, sys.path
    numpy_dir = os.path.dirname(__import__("numpy").__file__)
    report["compiled_as"] = sorted({marshal.loads(open(path, "rb").read()[16:]).co_filename.rsplit("/", 1)[0]
                                    for path in glob.glob(os.path.join(numpy_dir, "__pycache__", "*.pyc"))})
    engine = sys.modules.get("course_checks")
    report["engine_modules"] = sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "course_checks.")
                                      ) if engine else []
    tries("reads_grader_home", lambda: os.listdir("/root/.cache"))
    tries("writes_site_packages", lambda: open(os.path.join(os.path.dirname(os.__file__), "x.py"), "w"))
    tries("writes_numpy", lambda: open(__import__("numpy").__file__, "a"))
    tries("connects_out", lambda: socket.create_connection(("127.0.0.1", 22), timeout=2))
    tries("signals_parent", lambda: os.kill(os.getppid(), 0) if os.getppid() > 1 else (_ for _ in ()).throw(
        PermissionError("the parent is the sandbox's init")))
    tries("writes_home", lambda: open(os.path.expanduser("~/notes.txt"), "w").write("fine"))
    report["home"] = os.path.expanduser("~")
    report["uid"] = os.getuid()
    print(json.dumps(report))
""")

needs_sandbox = pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox here: {sandbox_problem()}")


def run_probe(tmp_path, sandboxed):
    code = f"REPO = {str(REPO)!r}\n" + SANDBOX_PROBE
    cmd = [sys.executable, "-I", "-c", code]
    if sandboxed:
        cmd = [sys.executable, "-m", "grading_sandbox.bubblewrap", "--memory-mb", "2048", "--file-size-mb", "8", "--",
               *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@needs_sandbox
def test_the_sandboxed_kernel_sees_only_its_own_world(tmp_path):
    report = run_probe(tmp_path, sandboxed=True)
    assert report["sees_checkout"] == report["sees_hidden_tests"] == "FileNotFoundError"
    assert report["reads_reference_file"] == "FileNotFoundError"
    assert report["checkout_listing"] == []
    assert report["imports_reference"] == "ModuleNotFoundError"
    assert report["imports_grader"] == "ModuleNotFoundError"
    assert report["imports_checks"] == "yes"
    # the kernel half of the engine, and nothing that judges: no judge, hint or reference to print
    assert "course_checks.protocol" in report["engine_modules"] and "course_checks.softmax_family" in report[
        "engine_modules"]
    assert not [m for m in report["engine_modules"] if "judg" in m or "reference" in m], report["engine_modules"]
    assert report["imports_judges"] == "ModuleNotFoundError"
    # neutral paths: neither the checkout nor the grader's virtual environment is named, not even as the source
    # of a mount; the kernel's environment is /opt/kernel, compiled under that name
    assert report["executable"] == "/opt/kernel/bin/python"
    for host in {str(REPO), os.path.realpath(sys.prefix), sys.prefix}:
        assert host not in report["mountinfo"] and host not in " ".join(report["path"]), host
    assert "/opt/kernel " in report["mountinfo"] and "nn-kernel-env-" in report["mountinfo"]
    assert report["compiled_as"] == [f"/opt/kernel/{SITE}/numpy"]
    assert report["reads_grader_home"] == "FileNotFoundError"
    assert report["writes_site_packages"] in ("OSError", "PermissionError")
    assert report["writes_numpy"] in ("OSError", "PermissionError")
    assert report["connects_out"] in ("OSError", "ConnectionRefusedError")
    assert report["signals_parent"] == "PermissionError"
    assert report["writes_home"] == "yes" and report["home"] == HOME and report["uid"] == 65534


def test_the_same_probe_outside_the_sandbox_reaches_everything(tmp_path):
    """Proves the test above can fail: run plainly, the probe sees the checkout and the reference."""
    report = run_probe(tmp_path, sandboxed=False)
    assert report["sees_checkout"] == "yes" and report["imports_reference"] == "yes"
    assert report["imports_grader"] == "yes" and report["imports_judges"] == "yes"
    assert report["executable"] == sys.executable and str(REPO) in " ".join(report["path"])
    assert "course_checks.judges.softmax_family" in report["engine_modules"]


FILL = textwrap.dedent("""
    import json, os, socket, sys
    written = {}
    for folder in sys.argv[1:]:
        total = 0
        try:
            for n in range(400):
                with open(os.path.join(folder, f"fill{n}"), "wb") as handle:
                    for _ in range(4):
                        handle.write(b"x" * 2**20)
                        total += 1
        except OSError:
            pass
        written[folder] = total
    print(json.dumps({"written_mib": written, "hostname": socket.gethostname()}))
""")


@needs_sandbox
def test_every_writable_place_of_the_kernel_is_capped_and_the_host_name_is_its_own(tmp_path):
    cmd = [sys.executable, "-m", "grading_sandbox.bubblewrap", "--memory-mb", "2048", "--file-size-mb", "8",
           "--scratch-mb", "48", "--shm-mb", "32", "--", sys.executable, "-I", "-c", FILL, "/dev/shm", "/tmp", HOME]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["written_mib"]["/dev/shm"] <= 32 and report["written_mib"]["/tmp"] <= 48
    assert report["written_mib"][HOME] <= 48 and min(report["written_mib"].values()) >= 16  # they are writable
    assert report["hostname"] == HOSTNAME != socket.gethostname()


@needs_sandbox
@pytest.mark.skipif(not os.path.isdir("/etc/fonts"), reason="this machine has no fontconfig configuration to share")
def test_fontconfig_reads_the_systems_configuration_in_the_sandbox():
    """A plot's font lookup (matplotlib may run fc-list) prints no "Fontconfig error" into the student's output."""
    probe = ("import os, shutil, subprocess\n"
             "print(os.path.isdir('/etc/fonts'))\n"
             "fc = shutil.which('fc-list')\n"
             "print(repr(subprocess.run([fc], capture_output=True, text=True).stderr if fc else ''))\n")
    done = subprocess.run([sys.executable, "-m", "grading_sandbox.bubblewrap", "--memory-mb", "2048", "--file-size-mb",
                           "8", "--", sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.split("\n")[:2] == ["True", "''"], done.stdout + done.stderr[-500:]


def test_outside_the_sandbox_the_same_fill_goes_past_the_caps(tmp_path):
    """Proves the test above can fail: a plain process writes 100 MiB into a folder."""
    done = subprocess.run([sys.executable, "-I", "-c", FILL.replace("range(400)", "range(25)"), str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout)["written_mib"][str(tmp_path)] == 100


FORK_BOMB = textwrap.dedent("""
    import ctypes, os, subprocess, time
    libc = ctypes.CDLL(None)
    started = 0
    for _ in range(500):
        pid = libc.fork()            # a raw fork, past Python's own fork hooks
        if pid == 0:
            time.sleep(30)
            libc._exit(0)
        started += pid > 0
    print("started", started)
""")


@needs_sandbox
def test_processes_are_capped_and_none_outlives_the_sandbox(tmp_path):
    (tmp_path / "bomb.py").write_text(FORK_BOMB)
    cmd = [sys.executable, "-m", "grading_sandbox.bubblewrap", "--memory-mb", "2048", "--file-size-mb", "8",
           "--processes", "32", "--cgroup", f"test-{tmp_path.name}", "--release-file", str(tmp_path / "bomb.py"),
           "--", sys.executable, "-I", "bomb.py"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    # the raw forks fail once the cap is reached (pids.max as root, RLIMIT_NPROC otherwise)
    assert done.returncode != 0 or int(done.stdout.split()[-1]) < 40, done.stdout + done.stderr[-500:]
    leftover = subprocess.run(["pgrep", "-f", "bomb.py"], capture_output=True, text=True).stdout.split()
    remove_pids_cgroup(f"test-{tmp_path.name}")
    assert leftover == [], "a process of the sandbox outlived it"
    assert not any(Path(root, "nn-grading", f"test-{tmp_path.name}").exists()
                   for root in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")), "its control group was left behind"


def test_grading_refuses_to_start_a_kernel_without_the_sandbox():
    import asyncio

    from grading_sandbox.bubblewrap import SandboxUnavailable

    km = SandboxedKernelManager(kernel_name="python3", bwrap="/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable, match="refusing to grade without the sandbox.*sandbox = False"):
        asyncio.run(km._async_start_kernel())
    assert not km.has_kernel


# --- what feedback may render ---------------------------------------------------------------------

def test_markdown_cells_keep_their_markdown_unless_they_carry_markup_the_allowlist_removes():
    import nbformat

    from course_grader.outputs import sanitize_markdown

    for path in sorted(REPO.glob("source/*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                assert sanitize_markdown(cell.source) == cell.source, path.name
    hostile = 'See $a < b$ <script>alert("x")</script><img src="x" onerror="alert(1)"><a href="javascript:go()">y</a>'
    clean = sanitize_markdown(hostile)
    assert "<script" not in clean and "onerror" not in clean and "javascript:" not in clean and "$a &lt; b$" in clean


def test_outputs_keep_only_text_and_images():
    from nbformat.v4 import new_output

    from course_grader.outputs import sanitize_output

    rich = new_output("display_data", data={"text/html": "<script>x()</script>", "application/javascript": "x()",
                                            "image/png": "iVBORw0KGgo=", "text/plain": "<HTML object>"})
    assert sanitize_output(rich).data == {"image/png": "iVBORw0KGgo=", "text/plain": "<HTML object>"}
    only_html = new_output("display_data", data={"text/html": "<b onmouseover=x()>hi</b>"})
    assert sanitize_output(only_html).data == {"text/plain": "[text/html output removed by the grader]"}


@needs_sandbox
def test_starting_kernels_leaves_no_descriptor_open_in_the_grader():
    import asyncio

    async def start_and_stop():
        km = SandboxedKernelManager(kernel_name="python3")
        await km.start_kernel()
        await km.shutdown_kernel(now=True)

    before = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        asyncio.run(start_and_stop())
    assert len(os.listdir("/proc/self/fd")) <= before


def test_the_private_tmp_and_home_are_mounted_before_what_is_bound_into_them():
    """A checkout or virtual environment under /tmp must stay visible in the sandbox."""
    from grading_sandbox.bubblewrap import bwrap_command

    if sandbox_problem() is not None:
        pytest.skip(f"no sandbox here: {sandbox_problem()}")
    cmd = bwrap_command([sys.executable, "-c", "pass"], writable=["/tmp/records-x"], env={})
    tmpfs = [i for i, arg in enumerate(cmd) if arg == "--tmpfs" and cmd[i + 1] in ("/tmp", HOME)]
    binds = [i for i, arg in enumerate(cmd) if arg in ("--bind", "--ro-bind", "--symlink")]
    assert len(tmpfs) == 2 and max(tmpfs) < min(binds)
