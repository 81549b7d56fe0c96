"""govsoc.scheduler: the daemon that runs collection, detection, scans and reports on a clock.

Stage placeholder in the foundation: `govsoc run` and the job state come with the reports and
scheduler issue. Until then each step runs from the CLI (ingest, detect, report).
"""
