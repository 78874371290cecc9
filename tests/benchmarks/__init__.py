"""Benchmarks run as commands (`flask --app wsgi bench ...`), never as timed tests."""
