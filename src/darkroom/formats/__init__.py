"""Format parsers: one module per source format, registered by entry point (group `darkroom.formats`)."""
