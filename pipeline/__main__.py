"""`python -m pipeline` runs the `koko` command."""

from .cli import main

main(prog_name="koko")
