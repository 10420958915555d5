"""The Kubernetes types: the official OpenAPI (from `kubernetes-validate`) and the repo's CRDs.

Every module here is imported lazily, by the commands that need types, never on `mtx --help`'s path.
"""
