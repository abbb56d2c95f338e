"""``python -m qalint`` runs the command-line interface."""

from qalint.cli import main

raise SystemExit(main())
