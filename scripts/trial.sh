#!/usr/bin/env bash
# Set up, then start JupyterLab on a throwaway copy of the course with a local nbgrader exchange, to walk
# the whole loop alone (release, fetch, validate, submit, collect, autograde, feedback) in the browser.
# Extra arguments go to `python -m classroom.trial` (--port, --root) and then to `jupyter lab`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
python -m classroom.trial "$@"
