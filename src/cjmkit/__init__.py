"""cjmkit: Customer Journey Maps as YAML files in git."""

__version__ = "0.1.0"
