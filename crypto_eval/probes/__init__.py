"""Active probes of 密评 evidence: TLS (versions, suites, chain), TLCP (GB/T 38636), TLS 1.3 with
the RFC 8998 ShangMi suites, SSH (banner, KEXINIT) and cleartext admin services, run concurrently
with a time-out per endpoint (runner.py). Each probe is one short asyncio conversation per
question, never holds idle connections, and returns a frozen result; failures become results too.
"""
