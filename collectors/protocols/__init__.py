"""govsoc.collectors.protocols: wire decoders for application protocols seen in flows and probes.

Pure functions from bytes to frozen facts; malformed input raises only ParseError. The TLS/TLCP
(tls.py, tls_names.py, x509.py, tls_session.py) and SSH (ssh.py) decoders serve the passive flow
facts of collectors/flows and the active probes of crypto_eval; dns.py and http.py read one
direction of a flow's payload into Zeek dns.log/http.log columns and ECS fields.
"""
