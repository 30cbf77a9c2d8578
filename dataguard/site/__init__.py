"""The data-docs site: a static, offline website built from a run history, with an index of
datasets, a page per dataset and each run's validation or drift report, rebuilt incrementally."""

from dataguard.site._build import MANIFEST, SiteBuild, render_site
from dataguard.site._pages import SiteRun

__all__ = ["MANIFEST", "SiteBuild", "SiteRun", "render_site"]
