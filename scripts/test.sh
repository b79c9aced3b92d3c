#!/usr/bin/env bash
# Set up, then run the whole test suite (fast tests and the real-nbgrader tests).
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not nbgrader" for the fast tests only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
python -m pytest "$@"
