"""Shared fixtures and helpers for the test suite."""

import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def no_warnings():
    """Turn every warning and floating-point error inside the block into an exception."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield
