"""Kubernetes: the API server's audit log (audit)."""

from __future__ import annotations

from govsoc.collectors.kubernetes import audit as _audit  # noqa: F401  (registers the parser)
