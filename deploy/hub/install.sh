#!/usr/bin/env bash
# The course on a JupyterHub server: build its two Python environments and install the proxy (as root).
#
#   deploy/hub/install.sh [PREFIX]           # PREFIX: /opt/nn-course-hub unless given
#
# PREFIX/students  what every student's server and kernel runs: JupyterHub's single-user server,
#                  JupyterLab, nbgrader's extensions and the libraries the notebooks import; none of the
#                  course's own packages, so that no student's kernel can import the reference solutions.
# PREFIX/course    the course installed (the grading engine, the grader and the grading service, the
#                  reference solutions among them) with JupyterHub: the Hub, the instructor's server and the
#                  grading service run from it. Readable only by root and the group nn-instructors.
# configurable-http-proxy comes from npm (Debian's nodejs and npm). Versions are the ranges of pyproject.toml.
# Running it again updates both environments.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PREFIX=${1:-/opt/nn-course-hub}
PYTHON=${PYTHON:-/usr/bin/python3}
[ "$(id -u)" = 0 ] || { echo "error: run as root (it makes a group and installs system-wide)" >&2; exit 1; }

if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv nodejs npm >/dev/null
fi
if ! command -v configurable-http-proxy >/dev/null 2>&1; then
    npm install --global --silent 'configurable-http-proxy@^4.6' >/dev/null
fi
# The students' requirements: the hub extra and the notebooks' libraries, with the project's own ranges.
mapfile -t STUDENT_REQUIREMENTS < <("$PYTHON" - "$REPO/pyproject.toml" <<'PY'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
wanted = {"numpy", "scikit-learn", "matplotlib", "nbgrader", "jupyterlab", "ipykernel"}
for requirement in project["dependencies"] + project["optional-dependencies"]["hub"]:
    if re.match(r"[A-Za-z0-9_.-]+", requirement)[0].lower() in wanted | {"jupyterhub"}:
        print(requirement)
PY
)
for env in students course; do
    [ -x "$PREFIX/$env/bin/python" ] || "$PYTHON" -m venv "$PREFIX/$env"
    "$PREFIX/$env/bin/python" -m pip install --quiet --upgrade pip
done
"$PREFIX/students/bin/python" -m pip install --quiet "${STUDENT_REQUIREMENTS[@]}"
# A student's JupyterLab has the Assignment List and Validate, not the instructor's tools (nor the news popup).
"$PREFIX/students/bin/jupyter" labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader \
    @jupyter/nbgrader:create-assignment @jupyter/nbgrader:course-list @jupyterlab/apputils-extension:announcements \
    >/dev/null 2>&1
"$PREFIX/students/bin/jupyter" server extension disable --sys-prefix nbgrader.server_extensions.formgrader \
    nbgrader.server_extensions.course_list >/dev/null 2>&1
"$PREFIX/course/bin/python" -m pip install --quiet "$REPO[hub,postgres]"
# 2 s of every process that imports nbformat, for formats no Jupyter schema uses (scripts/setup.sh says more)
for env in students course; do "$PREFIX/$env/bin/python" -m pip uninstall --quiet --yes rfc3987-syntax; done
rm -rf "$REPO/build/lib" "$REPO"/build/bdist.*  # setuptools' scratch copies, left in the checkout
MPLBACKEND=Agg "$PREFIX/course/bin/python" -c 'import matplotlib.pyplot' >/dev/null 2>&1
getent group nn-instructors >/dev/null || groupadd --system nn-instructors
chgrp -R nn-instructors "$PREFIX/course"
chmod -R o-rwx "$PREFIX/course"
chmod 755 "$PREFIX" "$PREFIX/students"
# The formgrader's pages carry the course's Content-Security-Policy, in the instructor's server.
mkdir -p "$PREFIX/course/etc/jupyter/jupyter_server_config.d"
printf '{"ServerApp": {"jpserver_extensions": {"course_grader.formgrader_policy": true}}}\n' \
    > "$PREFIX/course/etc/jupyter/jupyter_server_config.d/course_grader.json"
chgrp -R nn-instructors "$PREFIX/course/etc" && chmod -R o-rwx "$PREFIX/course/etc"
echo "installed: $PREFIX/students (students), $PREFIX/course (the course; group nn-instructors)," \
     "configurable-http-proxy $(configurable-http-proxy --version)"
