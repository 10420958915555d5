"""The pure core: plain data in, plain data out. No git, YAML, Kubernetes or Typer here."""
