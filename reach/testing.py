"""The test suite's environment, set before Django reads its settings (a pytest plugin that
pyproject's addopts load with `-p reach.testing`; conftest.py files load too late for that).

The suite runs as a demo (the built-in key, local host names) and reads static files from the
apps' folders, so a fresh clone needs no environment and no collectstatic."""

import os

os.environ.setdefault("REACH_TESTING", "1")
