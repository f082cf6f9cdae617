"""Identifiers: extraction and normalization, one module per identifier kind."""
