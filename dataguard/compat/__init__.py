"""Bridges to other data-validation tools: Great Expectations suites in ``compat.gx``."""
