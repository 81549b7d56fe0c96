"""govsoc.yaml: one validated configuration file, with secrets taken only from the environment.

A file looks like this (every key is optional)::

    data_dir: /var/lib/govsoc        # SQLite store, checkpoints, reports
    inventory: inventory.yaml        # agencies, zones, information systems
    store:
      backend: sqlite                # or elasticsearch; default: elasticsearch if a URL is set
      retention_days: 180            # Cybersecurity Law art. 21: keep logs at least six months
      alert_retention_days: 365      # alerts (with their evidence snapshots) outlive events
      elasticsearch:
        url: https://es.example:9200
        index_prefix: govsoc
    collectors:
      timezone: Asia/Shanghai        # for syslog lines that carry no zone
      year: 2025                     # for lines without a year (default: inferred from mtime)
      max_record_bytes: 1048576      # longer records are truncated and flagged
      spool_max_bytes: 1073741824    # on-disk spool while the store is down
      disk_full_wait_seconds: 60     # no room for the spool and the store refuses: DISK FULL after this
      sources:                       # what `govsoc ingest` reads without arguments
        - paths: [/var/log/auth.log*]
          parser: linux.auth
          timezone: Asia/Shanghai    # per-source overrides: timezone, year
          charset: auto              # auto (UTF-8, else GB18030, per line) | utf-8 | gbk (GB18030 first)
      receivers:                     # what `govsoc listen` serves without arguments
        - name: devices-udp
          transport: udp             # udp | tcp | tls (RFC 5426 / RFC 6587 / RFC 5425)
          listen: 0.0.0.0:514
          allow: [10.0.0.0/8]        # senders accepted (CIDRs); empty: every sender
          senders:                   # per-sender overrides, most specific CIDR first
            - match: [10.1.0.0/16]
              timezone: UTC          # Huawei devices log in UTC by default
              charset: gbk           # auto (UTF-8, else GB18030) | utf-8 | gbk
      netflow: [0.0.0.0:2055]        # NetFlow v5/v9, IPFIX (Huawei/H3C NetStream) listeners
      netflow_tcp_max_connections: 64  # IPFIX over TCP: connections at once; inside a message at
      netflow_tcp_partial_seconds: 60  # most 60 s, silent at most 600 s, else closed (an error
      netflow_tcp_idle_seconds: 600    # event names the peer)
    rules:
      paths: [/etc/govsoc/rules]     # Sigma rules besides the bundled packs
      suppress:                      # one alert with a count per source address and hour
        - {rule: SSH Login Failed, by: [source.ip], window: 1h}
    reports:
      lang: zh
    classification:                  # ingest-time tagging of personal data (govsoc.classification.*)
      tag_events: true
      mask_sources: [/var/log/app/*] # masked before storage (ID 110105********002X) for these
    schedule:                        # what the daemon `govsoc run` runs (core.schedule)
      detection: {every: 5m}
      reports: {at: "08:00"}

Environment: GOVSOC_CONFIG (the file), GOVSOC_HOME (data_dir when no file sets it),
GOVSOC_ES_URL, GOVSOC_ES_CA, and the credentials GOVSOC_ES_API_KEY or GOVSOC_ES_USER with
GOVSOC_ES_PASSWORD or GOVSOC_ES_PASSWORD_FILE; for `govsoc classify` of databases
GOVSOC_DB_PASSWORD or GOVSOC_DB_PASSWORD_FILE. Credentials are never read from the file or from
the command line, and never printed.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from govsoc.core.collector_settings import CollectorSettings, ReceiverSettings, TlsSettings, known_zone
from govsoc.core.errors import ConfigError, ConfigErrors, Location
from govsoc.core.schedule import ScheduleSettings
from govsoc.core.yamlfile import Positions, load_yaml, locate_validation_error

#: ReceiverSettings and TlsSettings stay importable from here: govsoc.collectors.receivers
#: reads them so (kept out of this split).
__all__ = [
    "ClassificationSettings", "CollectorSettings", "Config", "ElasticsearchSettings", "EsCredentials",
    "ReceiverSettings", "ReportSettings", "RuleSettings", "SqliteSettings", "StoreSettings",
    "SuppressionSettings", "TlsSettings", "default_data_dir", "es_credentials", "es_settings", "load_config",
    "read_secret_file", "redact_url",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ElasticsearchSettings(_Model):
    """Where the Elasticsearch cluster is and how govsoc lays out its indices."""

    url: str | None = None
    index_prefix: str = Field(default="govsoc", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    ca_certs: Path | None = None
    verify_certs: bool = True
    request_timeout: float = Field(default=30.0, gt=0)
    number_of_replicas: int = Field(default=1, ge=0)
    bulk_chunk_size: int = Field(default=2000, ge=1)


class SqliteSettings(_Model):
    """The embedded store: one SQLite file (WAL mode)."""

    path: Path | None = None


class StoreSettings(_Model):
    """Which event store, and how long it keeps events."""

    backend: Literal["sqlite", "elasticsearch"] | None = None
    retention_days: int = Field(default=180, ge=1)
    #: Alerts outlive their events (they keep an evidence snapshot): a year by default.
    alert_retention_days: int = Field(default=365, ge=1)
    sqlite: SqliteSettings = SqliteSettings()
    elasticsearch: ElasticsearchSettings = ElasticsearchSettings()


class SuppressionSettings(_Model):
    """Suppress a rule's matches that share the values of ``by`` within ``window`` into one alert
    with a count (see govsoc.rules.suppress); ``rule`` is its id, name or title."""

    rule: str
    by: list[str] = Field(min_length=1, max_length=3)
    window: str = Field(pattern=r"^[1-9][0-9]*[smhdMy]$")


class RuleSettings(_Model):
    """Which Sigma rules detection runs, and which of them suppress repeated matches."""

    builtin: bool = True
    paths: list[Path] = []
    suppress: list[SuppressionSettings] = []


class ReportSettings(_Model):
    """Report defaults."""

    lang: Literal["zh", "en"] = "zh"
    output_dir: Path | None = None
    timezone: str = "Asia/Shanghai"

    _zone = field_validator("timezone")(known_zone)


class ClassificationSettings(_Model):
    """Ingest-time classification: tag events carrying personal data (on by default) and mask it
    before storage for the sources these globs match (paths or origins, fnmatch): ID, phone and card
    numbers in every field; in messages, URLs and request bodies also names, addresses and the
    numbers a key or label names (xm=, 住址, hzhm=, tel=, cph=); accounts and host names kept
    (govsoc.classification.ingest_masking)."""

    tag_events: bool = True
    mask_sources: list[str] = []


class Config(_Model):
    """The whole validated configuration."""

    data_dir: Path
    inventory: Path | None = None
    store: StoreSettings = StoreSettings()
    collectors: CollectorSettings = CollectorSettings()
    rules: RuleSettings = RuleSettings()
    reports: ReportSettings = ReportSettings()
    classification: ClassificationSettings = ClassificationSettings()
    schedule: ScheduleSettings = ScheduleSettings()

    @property
    def backend(self) -> Literal["sqlite", "elasticsearch"]:
        """The store in use: as configured, else Elasticsearch when a URL is set, else SQLite."""
        if self.store.backend:
            return self.store.backend
        return "elasticsearch" if self.store.elasticsearch.url else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        """The SQLite database file."""
        return self.store.sqlite.path or self.data_dir / "events.db"

    @property
    def report_dir(self) -> Path:
        """Where reports are written by default."""
        return self.reports.output_dir or self.data_dir / "reports"


@dataclass(frozen=True, slots=True)
class EsCredentials:
    """Credentials for Elasticsearch, from the environment only. repr never shows secrets."""

    api_key: str | None = None
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        kind = "api_key" if self.api_key else "basic" if self.user else "none"
        return f"EsCredentials({kind})"


def redact_url(url: str) -> str:
    """A URL without any user:password part, safe to print or log."""
    return re.sub(r"//[^/@]*@", "//", url)


def default_data_dir(env: Mapping[str, str]) -> Path:
    """GOVSOC_HOME, else $XDG_DATA_HOME/govsoc, else ~/.local/share/govsoc."""
    if env.get("GOVSOC_HOME"):
        return Path(env["GOVSOC_HOME"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "govsoc"


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The configuration from ``path`` (or GOVSOC_CONFIG, or built-in defaults) plus environment.

    Raises ConfigError naming the file, line, column and key of the first problem.
    """
    env = os.environ if env is None else env
    if path is None and env.get("GOVSOC_CONFIG"):
        path = Path(env["GOVSOC_CONFIG"])
    data: dict[str, object] = {}
    positions: Positions = {}
    if path is not None:
        raw, positions = load_yaml(path)
        if raw is not None and not isinstance(raw, dict):
            raise ConfigError("the configuration must be a mapping of keys", location=Location(path=str(path)))
        data = dict(raw or {})
    data.setdefault("data_dir", str(default_data_dir(env)))
    try:
        config = Config.model_validate(data)
    except ValidationError as e:
        errors = [ConfigError(error["msg"], location=locate_validation_error(path, positions, error) if path
                              else Location(field=".".join(str(k) for k in error["loc"])))
                  for error in e.errors()]
        raise ConfigErrors.of(errors) from e
    if path is not None:
        config = _resolve_relative(config, path.parent)
    return _apply_env(config, env)


def _resolve_relative(config: Config, base: Path) -> Config:
    def fix(p: Path | None) -> Path | None:
        return None if p is None else (p if p.expanduser().is_absolute() else base / p).expanduser()

    es = config.store.elasticsearch
    store = config.store.model_copy(update={
        "sqlite": config.store.sqlite.model_copy(update={"path": fix(config.store.sqlite.path)}),
        "elasticsearch": es.model_copy(update={"ca_certs": fix(es.ca_certs)}),
    })
    receivers = [r if r.tls is None else r.model_copy(update={"tls": r.tls.model_copy(update={
        "cert": fix(r.tls.cert), "key": fix(r.tls.key), "client_ca": fix(r.tls.client_ca)})})
        for r in config.collectors.receivers]
    scans = config.schedule.classification
    targets = [t if "://" in t else str(fix(Path(t))) for t in scans.targets]  # URLs stay as they are
    schedule = config.schedule.model_copy(update={"classification": scans.model_copy(update={"targets": targets})})
    return config.model_copy(update={
        "data_dir": fix(config.data_dir),
        "schedule": schedule,
        "collectors": config.collectors.model_copy(update={"receivers": receivers}),
        "inventory": fix(config.inventory),
        "store": store,
        "rules": config.rules.model_copy(update={"paths": [fix(p) for p in config.rules.paths]}),
        "reports": config.reports.model_copy(update={"output_dir": fix(config.reports.output_dir)}),
    })


def _apply_env(config: Config, env: Mapping[str, str]) -> Config:
    es = es_settings(config.store.elasticsearch, env)
    if es is config.store.elasticsearch:
        return config
    store = config.store.model_copy(update={"elasticsearch": es})
    return config.model_copy(update={"store": store})


def es_settings(settings: ElasticsearchSettings, env: Mapping[str, str] | None = None) -> ElasticsearchSettings:
    """``settings`` (store.elasticsearch) with the environment applied as the store has it:
    GOVSOC_ES_URL and GOVSOC_ES_CA, when set, win over the file's url and ca_certs. The same object
    when neither is set."""
    env = os.environ if env is None else env
    update: dict[str, object] = {}
    if env.get("GOVSOC_ES_URL"):
        update["url"] = env["GOVSOC_ES_URL"]
    if env.get("GOVSOC_ES_CA"):
        update["ca_certs"] = Path(env["GOVSOC_ES_CA"])
    return settings.model_copy(update=update) if update else settings


def es_credentials(env: Mapping[str, str] | None = None) -> EsCredentials:
    """Elasticsearch credentials from GOVSOC_ES_API_KEY, or GOVSOC_ES_USER with
    GOVSOC_ES_PASSWORD or GOVSOC_ES_PASSWORD_FILE (a file only its owner may read)."""
    env = os.environ if env is None else env
    if env.get("GOVSOC_ES_API_KEY"):
        return EsCredentials(api_key=env["GOVSOC_ES_API_KEY"])
    user = env.get("GOVSOC_ES_USER")
    if not user:
        return EsCredentials()
    password = env.get("GOVSOC_ES_PASSWORD")
    if password is None and env.get("GOVSOC_ES_PASSWORD_FILE"):
        password = read_secret_file(Path(env["GOVSOC_ES_PASSWORD_FILE"]))
    if password is None:
        raise ConfigError("GOVSOC_ES_USER is set but neither GOVSOC_ES_PASSWORD nor GOVSOC_ES_PASSWORD_FILE")
    return EsCredentials(user=user, password=password)


def read_secret_file(path: Path) -> str:
    """The first line of a secret file, refused when group or others may read it."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise ConfigError(f"cannot read secret file: {e.strerror}", location=Location(path=str(path))) from e
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"permissions {stat.filemode(mode)} are too open; run: chmod 600 {path}",
            location=Location(path=str(path)),
        )
    return path.read_text(encoding="utf-8").splitlines()[0].strip() if path.stat().st_size else ""
