"""Statistical drift between a reference and current data."""
