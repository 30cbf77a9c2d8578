"""Bridges to other data-validation tools: Great Expectations suites in ``compat.gx``.

``read_gx_suite`` reads a GX suite into expectations without building a ``Suite``, so that
``Suite.from_gx`` can use it while ``compat.gx`` (which writes suites) depends on ``Suite``.
"""

from dataguard.compat._gx_import import GxSuite, read_gx_suite

__all__ = ["GxSuite", "read_gx_suite"]
