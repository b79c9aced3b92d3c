"""JupyterHub for the course: students and the instructor on one server, nbgrader's exchange, the grading
service started and watched by the Hub.

Run it as root from the course's environment (``deploy/hub/install.sh`` builds it)::

    NN_HUB_COURSE=/srv/nn-course/course NN_HUB_INSTRUCTOR=teacher NN_HUB_STUDENTS="ann ben" \\
        /opt/nn-course-hub/course/bin/jupyterhub -f deploy/hub/jupyterhub_config.py

Everything that differs between servers is read from the environment below; the rest is the course's.

- Log-in is PAM: the server's own Unix accounts and passwords. Each user's server runs as that account
  (JupyterHub's LocalProcessSpawner): a student's from the students' environment, on their home folder;
  the instructor's from the course's environment, on the course folder (the formgrader is there).
- nbgrader's exchange is a folder every account may write (``Exchange.root`` in the course's
  ``nbgrader_config.py``; the students' environment gets the same in its ``etc/jupyter``).
- The grading service (``python -m grading_service serve``) is a service the Hub starts as the instructor
  in the course folder, and starts again if it stops. Its log is ``class_grading/service/service.log``
  there; the Hub's own log says when it was started.
"""

import os
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

c = get_config()  # noqa: F821

#: The two environments (``deploy/hub/install.sh PREFIX``).
PREFIX = Path(os.environ.get("NN_HUB_PREFIX", "/opt/nn-course-hub"))
#: The instructor's course folder: nbgrader_config.py, source/, the gradebook. Owned by the instructor.
COURSE = Path(os.environ.get("NN_HUB_COURSE", "/srv/nn-course/course"))
#: The instructor's account, and the students' accounts allowed to log in (space-separated).
INSTRUCTOR = os.environ.get("NN_HUB_INSTRUCTOR", "instructor")
STUDENTS = set(os.environ.get("NN_HUB_STUDENTS", "").split())
#: The Hub's own state: its database, cookie secret and the proxy's pid file (root's only).
STATE = Path(os.environ.get("NN_HUB_STATE", "/srv/nn-course/hub"))
#: Where browsers reach the Hub (put TLS in front of it, or give it a certificate: JupyterHub's docs),
#: and the two ports of its own, on this machine only.
c.JupyterHub.bind_url = os.environ.get("NN_HUB_URL", "http://:8000")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('NN_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('NN_HUB_PROXY_API_PORT', '8001')}"

STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy"]

# What a student's nbgrader needs of the course (its id, the exchange), read from the course's own
# nbgrader_config.py and written where every student's server reads configuration: the students' environment.
course_config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
if "root" not in course_config.Exchange or "course_id" not in course_config.CourseDirectory:
    raise SystemExit(f"{COURSE / 'nbgrader_config.py'} must set c.CourseDirectory.course_id and c.Exchange.root "
                     "(a folder every account may write, e.g. /srv/nbgrader/exchange, mode 777)")
students_config = PREFIX / "students" / "etc" / "jupyter"
students_config.mkdir(parents=True, exist_ok=True)
(students_config / "nbgrader_config.py").write_text(
    "c = get_config()  # noqa: F821\n"
    f"c.CourseDirectory.course_id = {course_config.CourseDirectory.course_id!r}\n"
    f"c.Exchange.root = {course_config.Exchange.root!r}\n"
    "c.Validator.validate_all = True\n")

# The instructor's server runs in their home folder, as every server the Hub starts: the course's environment
# (this course's alone) names the course folder, so that the formgrader and nbgrader find it from anywhere.
(PREFIX / "course" / "etc" / "jupyter" / "nbgrader_config.py").write_text(
    "c = get_config()  # noqa: F821\n"
    f"c.CourseDirectory.root = {str(COURSE)!r}\n"
    f"load_subconfig({str(COURSE / 'nbgrader_config.py')!r})\n")

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = STUDENTS | {INSTRUCTOR}
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120


def environment_of(spawner):
    """A student's server runs from the students' environment, on their home folder; the instructor's from the
    course's, on the course folder."""
    instructor = spawner.user.name == INSTRUCTOR
    env = PREFIX / ("course" if instructor else "students")
    spawner.cmd = [str(env / "bin" / "jupyterhub-singleuser")]
    spawner.notebook_dir = str(COURSE) if instructor else "~"
    spawner.environment = {"PATH": f"{env / 'bin'}:/usr/local/bin:/usr/bin:/bin"}


c.Spawner.pre_spawn_hook = environment_of

c.JupyterHub.services = [{
    "name": "grading",
    "user": INSTRUCTOR,
    "cwd": str(COURSE),
    "command": [str(PREFIX / "course" / "bin" / "python"), "-m", "grading_service", "serve"],
    "environment": {"PATH": f"{PREFIX / 'course' / 'bin'}:/usr/local/bin:/usr/bin:/bin"},
}]
