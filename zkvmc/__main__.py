"""`python -m zkvmc` runs the command-line interface."""

from zkvmc.cli.main import main

main()
