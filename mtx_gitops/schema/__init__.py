"""The Kubernetes types mtx knows: the official OpenAPI of one Kubernetes version, plus the repo's CRDs.

Every module here is imported lazily, by the commands that need types, never on `mtx --help`'s path.
"""
