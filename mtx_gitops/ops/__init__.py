"""Use cases, one per module: what each mtx command does to the repo."""
