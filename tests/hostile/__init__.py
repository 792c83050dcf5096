"""The analyzer, its rule files and its fixes under hostile input (issue 17)."""
