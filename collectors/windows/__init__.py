"""Windows event logs: EVTX files and Winlogbeat JSON, normalised as Elastic's Windows integration
normalises them (winlog.*, event.code, host.name, and ECS process/user/source/file/registry fields
for Sysmon and Security events)."""

from __future__ import annotations

from govsoc.collectors.windows.evtx import EvtxFileSource, WindowsEvtxParser
from govsoc.collectors.windows.winlogbeat import WinlogbeatParser

__all__ = ["EvtxFileSource", "WindowsEvtxParser", "WinlogbeatParser"]
