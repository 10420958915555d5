"""Benchmarks of mtx against kustomize and plain git (`python benchmarks/run.py`)."""
