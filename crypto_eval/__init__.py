"""govsoc.crypto_eval: commercial-cryptography application evaluation (密评, GB/T 39786-2021 level 3).

catalogue.yml (the requirement items as data) and catalogue.py; scoring.py (量化评估规则 2023:
D/A/K, Ra/Rk, units, layers, total, verdict); kat.py and sm2.py (SM2/SM3/SM4 known-answer tests and
declared product samples); algorithms.py (A-factor classes and strengths); probes/ (TLS, TLCP,
TLS 1.3-SM, SSH, cleartext services, the concurrent runner).
"""
