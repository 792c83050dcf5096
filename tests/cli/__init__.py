"""CLI tests: a package, so its module names (``cli.test_baseline``) do not clash with other folders'."""
