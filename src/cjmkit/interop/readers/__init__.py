"""Readers of journeys kept in other shapes, one module per family (see :mod:`cjmkit.interop.importing`)."""
