"""The data-docs site: a static, offline website built from a run history, with an index of
datasets, a page per dataset and each run's validation or drift report, rebuilt incrementally.

``build_site(history, output)`` (``dg.build_site``) builds it from a run history;
``render_site(runs, output)`` from runs already read. docs/site.md describes the site.
"""

from dataguard.site._build import MANIFEST, SiteBuild, build_site, render_site
from dataguard.site._pages import SiteRun

__all__ = ["MANIFEST", "SiteBuild", "SiteRun", "build_site", "render_site"]
