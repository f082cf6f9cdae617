"""darkroom: an investigation platform for online child sexual exploitation network cases."""

__version__ = "0.1.0"
