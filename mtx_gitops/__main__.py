"""`python -m mtx_gitops` runs the mtx CLI."""

from mtx_gitops.cli.main import main

main()
