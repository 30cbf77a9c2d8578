"""A non-editable install renders reports: build the wheel, install it into a fresh virtual
environment, run ``dataguard demo`` there, and check the templates came from the package."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = ("base.html.j2", "macros.html.j2", "report.css", "validation.html.j2")
SCHEMAS = ("validation-result.schema.json", "drift-report.schema.json")

CHECK = """
import json, sys
from importlib import resources
import dataguard
from dataguard.report import template_dirs
schemas = resources.files("dataguard").joinpath("schemas")
print(json.dumps({
    "package": dataguard.__file__,
    "templates": [str(p) for p in template_dirs()],
    "schemas": sorted(p.name for p in schemas.iterdir()),
}))
"""


def run(argv: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (argv, done.stdout[-2000:], done.stderr[-4000:])
    return done.stdout


def test_reports_render_from_a_wheel_install(tmp_path: Path) -> None:
    # Build offline with the project's own backend (hatchling is in the test extra).
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    run(
        [*pip, "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-w", str(wheels)], tmp_path
    )
    (wheel,) = wheels.glob("dataguard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"dataguard/_templates/{t}" for t in TEMPLATES} <= names
    assert {f"dataguard/schemas/{s}" for s in SCHEMAS} <= names
    assert not any(n.startswith("reports/") for n in names)

    # A fresh environment: dataguard from the wheel only; its dependencies are borrowed from
    # this one through a .pth file (paths only: this environment's editable hook is not run).
    env = tmp_path / "env"
    run([sys.executable, "-m", "venv", "--without-pip", str(env)], tmp_path)
    python = env / "bin" / "python"
    purelib = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
        ).strip()
    )
    borrowed = {*site.getsitepackages(), sysconfig.get_paths()["purelib"]}
    (purelib / "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], tmp_path)

    found = json.loads(run([str(python), "-I", "-c", CHECK], tmp_path))
    package = Path(found["package"]).parent
    assert package == purelib / "dataguard"  # not the checkout
    assert found["templates"] == [str(package / "_templates")]
    assert set(SCHEMAS) <= set(found["schemas"])

    out = tmp_path / "demo"
    printed = run([str(env / "bin" / "dataguard"), "demo", "--output", str(out)], tmp_path)
    assert f"validation report: {out / 'validation.html'}" in printed
    assert f"drift report: {out / 'drift.html'}" in printed
    assert ">FAILED<" in (out / "validation.html").read_text(encoding="utf-8")
    assert ">DRIFT<" in (out / "drift.html").read_text(encoding="utf-8")
    rendered = run(
        [str(env / "bin" / "dataguard"), "report", str(out / "orders.profile.json")], tmp_path
    )
    assert ">PROFILE<" in rendered
