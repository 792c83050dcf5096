"""Fix round-trip tests through the CLI: a package, so it can share ``cli.cli_helpers``."""
