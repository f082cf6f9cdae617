"""Exporters for partners' tools: `darkroom export --format NAME` (see `base` for the contract)."""
