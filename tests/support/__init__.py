"""Test support shared by several suites (real servers started for tests)."""
