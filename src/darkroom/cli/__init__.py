"""The darkroom command line: one module per command group."""
