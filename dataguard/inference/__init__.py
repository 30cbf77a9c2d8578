"""Drafting a suite from data (``dg.infer_suite``, ``dataguard infer``)."""

from dataguard.inference._infer import Inferred, draft, infer_suite
from dataguard.inference._write import write_draft

__all__ = ["Inferred", "draft", "infer_suite", "write_draft"]
