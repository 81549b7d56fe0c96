"""Cloud audit trails: AWS CloudTrail, Alibaba Cloud ActionTrail, Huawei Cloud CTS."""

from __future__ import annotations

from govsoc.collectors.cloud import actiontrail as _actiontrail  # noqa: F401  (registers the parsers)
from govsoc.collectors.cloud import cloudtrail as _cloudtrail  # noqa: F401
from govsoc.collectors.cloud import huaweicloud_cts as _cts  # noqa: F401
