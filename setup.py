"""Package map only: each top-level stage folder is installed as govsoc.<folder>.
Metadata lives in pyproject.toml; setuptools' declarative config cannot discover
sub-packages under a renamed prefix, so this file computes them. One more folder,
sigma_plugin, is the pySigma plugin that pySigma discovers in the sigma.pipelines namespace."""
from pathlib import Path

from setuptools import find_namespace_packages, setup

STAGES = ("core", "cli", "scheduler", "collectors", "store", "rules", "crypto_eval", "classification", "reports",
          "demo")
DATA_SUFFIXES = {".yml", ".yaml", ".j2", ".html", ".css", ".json", ".csv", ".ttf", ".otf", ".txt", ".md", ".sql"}

package_dir = {f"govsoc.{stage}": stage for stage in STAGES}
packages, package_data = [], {}
for stage in STAGES:
    for name in ["", *find_namespace_packages(where=stage, exclude=["*__pycache__*"])]:
        pkg = f"govsoc.{stage}" + (f".{name}" if name else "")
        packages.append(pkg)
        folder = Path(stage, *name.split(".")) if name else Path(stage)
        data = [p.name for p in folder.iterdir()
                if p.is_file() and (p.suffix in DATA_SUFFIXES or p.name == "py.typed")]
        if data:
            package_data[pkg] = data

package_dir["sigma.pipelines.govsoc"] = "sigma_plugin"
packages.append("sigma.pipelines.govsoc")

setup(package_dir=package_dir, packages=packages, package_data=package_data)
