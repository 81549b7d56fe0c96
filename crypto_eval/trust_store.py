"""The trust anchors a server's certificate chain is validated to (RFC 5280 6.1.1 d), as the
inventory declares them (core.trust_anchors), with where the revocation status of the chains'
certificates comes from (crypto_eval.revocation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from govsoc.core.errors import ConfigError
from govsoc.core.trust_anchors import read_anchor_file
from govsoc.crypto_eval.certificate_rules import Cert, load_cert
from govsoc.crypto_eval.revocation import FetchCache, Revocation


@dataclass(frozen=True, slots=True)
class TrustStore:
    """The declared trust anchors of one system (its own and the inventory's global ones)."""

    anchors: tuple[Cert, ...] = ()
    #: where the revocation status of the chains' certificates comes from (declared CRLs, fetched ones)
    revocation: Revocation = field(default_factory=Revocation, compare=False)

    @classmethod
    def from_files(cls, paths: Sequence[Path], crls: Sequence[Path] = (),
                   cache: FetchCache | None = None) -> TrustStore:
        """Read anchor files and CRL files (ConfigError naming the file when one is unusable);
        ``cache``: CRLs already fetched in this run (Revocation)."""
        ders: list[bytes] = []
        for path in dict.fromkeys(paths):
            try:
                ders += read_anchor_file(path)
            except ValueError as e:
                raise ConfigError(str(e)) from e
        return cls.from_der(ders, Revocation.from_files(crls, cache=cache))

    @classmethod
    def from_der(cls, ders: Sequence[bytes], revocation: Revocation | None = None) -> TrustStore:
        """Anchors from DER certificates (an unreadable one is left out)."""
        loaded = (load_cert(d) for d in dict.fromkeys(ders))
        return cls(tuple(c for c in loaded if c is not None), revocation or Revocation())

    def __bool__(self) -> bool:
        return bool(self.anchors)
