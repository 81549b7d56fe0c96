"""govsoc's processing pipeline as a pySigma plugin, installed as ``sigma.pipelines.govsoc``.

pySigma (1.x) finds pipelines by importing every module in the ``sigma.pipelines`` namespace and
reading its ``pipelines`` dict (sigma.plugins.InstalledSigmaPlugins.autodiscover), so sigma-cli
can use the mapping govsoc detects with: ``sigma convert -t lucene -p govsoc_ecs RULES``.
"""

from __future__ import annotations

from govsoc.rules.pipeline import govsoc_ecs_pipeline

__all__ = ["pipelines"]

#: Pipeline id -> factory, the table pySigma's plugin discovery reads.
pipelines = {"govsoc_ecs": govsoc_ecs_pipeline}
