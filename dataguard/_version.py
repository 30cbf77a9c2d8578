"""The package version, read by the build backend and reported in every result."""

__version__ = "0.1.0"
