"""`python -m sarcokg`: the command line."""
from sarcokg.cli import main

main()
