"""On PYTHONPATH only while the tests measure coverage: every Python started by a test (a
training script, a forked child) records the client's lines too."""

import coverage

coverage.process_startup()
