"""A system's declared cryptography in the asset inventory (inventory.yaml ``systems[].crypto``):
products and their samples, key management, item declarations, accepted mitigations and
compensations, trust-anchor and CRL files (GB/T 39786-2021, 密评). Checked by govsoc.crypto_eval;
the rest of the inventory's model is govsoc.core.inventory_model.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from govsoc.core.crl_files import read_crl_file
from govsoc.core.trust_anchors import read_anchor_file
from govsoc.core.yamlfile import LocatedValueError

__all__ = [
    "AnchorFile", "Compensation", "CrlFile", "CryptoProduct", "CryptoProfile", "ItemDeclaration", "Judgement",
    "KeyManagement", "Mitigation", "ProductSample",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Judgement = Literal["符合", "部分符合", "不符合", "不适用"]


_HEX = re.compile(r"[0-9A-Fa-f]*")


def _hex_bytes(value: str, what: str) -> int:
    """The byte length of a hex string; ValueError (with the field pydantic names) if it is not one."""
    if len(value) % 2 or not _HEX.fullmatch(value):
        raise ValueError(f"{what} must be hexadecimal digits, two per byte (got {value[:40]!r})")
    return len(value) // 2


class ProductSample(_Model):
    """A sample output a cryptographic product declares (hex), recomputed by crypto_eval.kat.
    Its shape is checked here (a typo is a ConfigError naming the field, not evidence that the
    product is faulty): hex everywhere, an SM3 digest of 32 bytes, an SM4 key of 16 bytes with
    input and output of whole 16-byte blocks of one length, an SM2 public key of 64 or 65 bytes and
    a 64-byte r ‖ s signature. Whether the SM2 point lies on the curve is crypto_eval's to check."""

    algorithm: Literal["sm3", "sm4-ecb", "sm2-verify"]
    output: str
    input: str = ""
    key: str = ""
    public_key: str = ""
    user_id: str = "31323334353637383132333435363738"

    @field_validator("output", "input", "key", "public_key", "user_id")
    @classmethod
    def _hex(cls, value: str) -> str:
        _hex_bytes(value, "the value")
        return value

    @model_validator(mode="after")
    def _shape(self) -> ProductSample:
        out, data = _hex_bytes(self.output, "output"), _hex_bytes(self.input, "input")
        if self.algorithm == "sm3" and out != 32:
            raise LocatedValueError(f"an SM3 digest is 32 bytes (64 hex digits), output has {out}", ("output",))
        if self.algorithm == "sm4-ecb":
            if _hex_bytes(self.key, "key") != 16:
                raise LocatedValueError("an SM4 key is 16 bytes (32 hex digits)", ("key",))
            if data == 0 or data % 16:
                raise LocatedValueError(f"SM4-ECB input is whole 16-byte blocks, input has {data} bytes", ("input",))
            if out != data:
                raise LocatedValueError(f"SM4-ECB output has the input's length ({data} bytes), output has {out}",
                                        ("output",))
        if self.algorithm == "sm2-verify":
            if _hex_bytes(self.public_key, "public_key") not in (64, 65):
                raise LocatedValueError("an SM2 public key is 64 bytes (X ‖ Y) or 65 (04 ‖ X ‖ Y)", ("public_key",))
            if out != 64:
                raise LocatedValueError(f"an SM2 signature sample is r ‖ s, 64 bytes; output has {out}", ("output",))
        return self


class CryptoProduct(_Model):
    """A commercial cryptographic product (商用密码产品) the system uses."""

    name: str
    vendor: str | None = None
    model: str | None = None
    certificate_no: str | None = None  # 商用密码产品认证证书编号
    module_level: int | None = Field(default=None, ge=1, le=4)  # GB/T 37092 security level
    algorithms: list[str] = []
    used_for: list[str] = []  # layers (network, device, application, storage), item ids or host:port
    samples: list[ProductSample] = []


class KeyManagement(_Model):
    """How keys are kept (GB/T 39786 Annex B lifecycle); None = not declared."""

    storage: str | None = None
    keys_in_plaintext: bool | None = None
    lifecycle: dict[str, str] = {}  # 生成, 存储, 分发, 导入导出, 使用, 备份恢复, 归档, 销毁 -> how
    rotation_days: int | None = Field(default=None, ge=1)


def _substantive(value: str, what: str, least: int) -> str:
    """Text a person must really write: at least ``least`` letters, digits or CJK characters."""
    if sum(1 for c in value if c.isalnum()) < least:
        raise ValueError(f"{what} must say something ({least} or more letters, digits or characters; got {value!r})")
    return value.strip()


class Mitigation(_Model):
    """A high-risk mitigation (高风险判定指引 2021, 可能的缓解措施) that an evaluator accepted: what is
    in place (``measure``), who accepted it (``accepted_by``) and when (``accepted_on``), for the
    objects it names (``objects``: host:port of the item's objects, or 声明 for a declared one).
    Only an accepted mitigation lifts a high-risk veto, and only for those objects."""

    measure: str
    accepted_by: str
    accepted_on: datetime.date
    objects: list[str] = Field(min_length=1)

    @field_validator("measure")
    @classmethod
    def _measure(cls, value: str) -> str:
        return _substantive(value, "measure", 4)

    @field_validator("accepted_by")
    @classmethod
    def _who(cls, value: str) -> str:
        return _substantive(value, "accepted_by", 2)

    @field_validator("objects")
    @classmethod
    def _objects(cls, value: list[str]) -> list[str]:
        return [_substantive(v, "an object", 1) for v in value]


class ItemDeclaration(_Model):
    """What a person declares for one catalogue item: a judgement (management items, or technical
    items no probe can see), or D/A/K for a technical item, with the evidence and any 不适用 reason
    or accepted high-risk mitigation. A judgement 符合 with d: false contradicts itself (refused)."""

    judgement: Judgement | None = None
    d: bool | None = None
    a: bool | None = None
    k: bool | None = None
    evidence: str = ""
    na_reason: str | None = None
    mitigation: Mitigation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ItemDeclaration:
        said = [name for name, v in (("d", self.d), ("a", self.a), ("k", self.k)) if v is False]
        if self.judgement == "符合" and said:
            raise LocatedValueError(f"judgement 符合 contradicts {said[0]}: false", ("judgement",))
        if self.judgement == "不适用" and any(v is not None for v in (self.d, self.a, self.k)):
            raise LocatedValueError("judgement 不适用 with d/a/k: an item is either not applicable or judged",
                                    ("judgement",))
        return self


class Compensation(_Model):
    """An evaluator-confirmed compensation (量化评估规则 2023, 弥补): object ``by_object`` of item
    ``by_item`` covers a deficiency of ``object`` in ``item`` (e.g. application-layer encryption
    of 个人信息 covering a plain channel), so that object scores max(0.5 × P_A, P_B). Never inferred:
    it needs the justification and who confirmed it (crypto_eval checks the item ids against its
    catalogue and refuses a management item or a declared-only object as the compensating one)."""

    item: str
    object: str
    by_item: str
    by_object: str
    justification: str
    confirmed_by: str

    @field_validator("justification")
    @classmethod
    def _justification(cls, value: str) -> str:
        return _substantive(value, "justification", 4)

    @field_validator("confirmed_by")
    @classmethod
    def _who(cls, value: str) -> str:
        return _substantive(value, "confirmed_by", 2)


def _relative(value: Path, info: ValidationInfo) -> Path:
    """A declared file's path, relative to the inventory's folder."""
    base = (info.context or {}).get("base") if isinstance(info.context, dict) else None
    path = value.expanduser()
    if not path.is_absolute() and isinstance(base, Path):
        path = base / path
    return path


def _anchor_file(value: Path, info: ValidationInfo) -> Path:
    """A trust-anchor file, relative to the inventory's folder, that holds CA certificates (read
    here so that a wrong one is a ConfigError naming file:line:field, not a missing root later)."""
    path = _relative(value, info)
    read_anchor_file(path)
    return path


def _crl_file(value: Path, info: ValidationInfo) -> Path:
    """A CRL file, relative to the inventory's folder (read here, as anchor files are)."""
    path = _relative(value, info)
    read_crl_file(path)
    return path


#: A PEM (or DER) file of CA certificates a certificate chain may end at (core.trust_anchors).
AnchorFile = Annotated[Path, AfterValidator(_anchor_file)]
#: A PEM (or DER) file of certificate revocation lists (core.crl_files).
CrlFile = Annotated[Path, AfterValidator(_crl_file)]


class CryptoProfile(_Model):
    """A system's declared cryptography for 密评 (GB/T 39786-2021). ``trust_anchors``: files of the
    CA roots its servers' certificates must chain to (beside the inventory's global ones); ``crls``:
    files of CRLs of the CAs of its servers' chains (beside the inventory's global ones and the
    distribution points the certificates name: crypto_eval.revocation)."""

    products: list[CryptoProduct] = []
    key_management: KeyManagement | None = None
    important_data: list[str] = []
    declarations: dict[str, ItemDeclaration] = {}
    compensations: list[Compensation] = []
    trust_anchors: list[AnchorFile] = []
    crls: list[CrlFile] = []
