"""pytest configuration for the kiln Python package's tests.

Run through lit (test/python/pytest.test, part of `ninja check-kiln`), or
directly:
    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q test/python
"""

import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)  # models.py

# f32 results are compared with rtol 1e-4 and atol 1e-5 (as kiln-run does).
RTOL = 1e-4
ATOL = 1e-5


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def examples_dir():
    return os.path.join(SOURCE_ROOT, "examples")
