"""`python -m govsoc.cli` runs the command line (govsoc itself is a namespace package)."""

from govsoc.cli.main import main

raise SystemExit(main())
