"""govsoc.crypto_eval: commercial-cryptography application evaluation (密评, GB/T 39786-2021).

Stage placeholder in the foundation: probes, evidence, checks and scoring come with the 密评
issue. The asset inventory (govsoc.core.inventory) already lists each system's 等保 level and
service endpoints, which it will probe.
"""
