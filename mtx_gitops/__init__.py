"""mtx: a GitOps repo compiler - spaces are directories, units are YAML files, every operation a commit."""

__version__ = "0.1.0"
