"""The Kubernetes types mtx knows: the official OpenAPI of one Kubernetes version, plus the repo's CRDs."""
