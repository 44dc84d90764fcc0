"""Loading: bytes -> YAML with source positions -> validated models, errors as Diagnostics."""
