"""Package data: the JSON Schemas this package ships (rule files, reports), read through importlib.resources."""
