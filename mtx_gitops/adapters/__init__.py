"""Adapters: the only modules that talk to git, YAML libraries and Kubernetes (one each)."""
