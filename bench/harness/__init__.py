"""The benchmark harness behind bench/run.py: environment, corpora, measurement, scenarios, report."""
