"""govsoc.yaml: validation errors name the file, line and key; secrets come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govsoc.core.config import es_credentials, load_config
from govsoc.core.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "govsoc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_embedded_default(tmp_path: Path) -> None:
    config = load_config(None, env={"GOVSOC_HOME": str(tmp_path / "home")})
    assert config.backend == "sqlite"
    assert config.sqlite_path == tmp_path / "home" / "events.db"
    assert config.store.retention_days == 180
    assert config.collectors.timezone == "Asia/Shanghai"


def test_relative_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "data_dir: data\ninventory: inv.yaml\nstore:\n  sqlite:\n    path: db/e.db\n")
    config = load_config(path, env={})
    assert config.data_dir == tmp_path / "data"
    assert config.inventory == tmp_path / "inv.yaml"
    assert config.sqlite_path == tmp_path / "db" / "e.db"


@pytest.mark.parametrize(("text", "line", "key", "words"), [
    # a wrong value nested two levels down
    ("data_dir: /tmp/x\nstore:\n  backend: mongo\n", 3, "store.backend", "sqlite"),
    # an unknown key (a typo) is refused, not ignored
    ("data_dir: /tmp/x\nstore:\n  retention_dayz: 30\n", 3, "store.retention_dayz", "Extra inputs"),
    # a number out of range
    ("store:\n  retention_days: 0\n", 2, "store.retention_days", "greater than or equal to 1"),
    # an unknown time zone
    ("collectors:\n  timezone: Mars/Olympus\n", 2, "collectors.timezone", "unknown time zone"),
    # a password in the file is an unknown key: secrets belong in the environment
    ("store:\n  elasticsearch:\n    url: http://x\n    password: hunter2\n", 4, "store.elasticsearch.password",
     "Extra inputs"),
])
def test_invalid_values_name_file_line_and_key(tmp_path: Path, text: str, line: int, key: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}:")
    assert key in message
    assert words in message
    assert "hunter2" not in message


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "store:\n  backend: [sqlite\n")
    with pytest.raises(ConfigError, match=rf"^{path}:3:1: invalid YAML"):
        load_config(path, env={})


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.yaml", env={})


def test_environment_overrides_url_and_ca_and_picks_elasticsearch(tmp_path: Path) -> None:
    config = load_config(None, env={"GOVSOC_HOME": str(tmp_path), "GOVSOC_ES_URL": "https://es:9200",
                                    "GOVSOC_ES_CA": "/etc/ca.pem"})
    assert config.backend == "elasticsearch"
    assert config.store.elasticsearch.url == "https://es:9200"
    assert str(config.store.elasticsearch.ca_certs) == "/etc/ca.pem"
    assert config.store.elasticsearch.verify_certs is True


def test_explicit_sqlite_backend_wins_over_an_es_url(tmp_path: Path) -> None:
    path = write(tmp_path, "store:\n  backend: sqlite\n")
    assert load_config(path, env={"GOVSOC_ES_URL": "http://es:9200"}).backend == "sqlite"


def test_credentials_from_environment_are_never_shown(tmp_path: Path) -> None:
    creds = es_credentials({"GOVSOC_ES_USER": "govsoc", "GOVSOC_ES_PASSWORD": "s3cret-value"})
    assert (creds.user, creds.password) == ("govsoc", "s3cret-value")
    assert "s3cret" not in repr(creds)
    assert es_credentials({"GOVSOC_ES_API_KEY": "abc"}).api_key == "abc"
    with pytest.raises(ConfigError, match="GOVSOC_ES_PASSWORD"):
        es_credentials({"GOVSOC_ES_USER": "govsoc"})


def test_password_file_must_be_private(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    os.chmod(secret, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        es_credentials({"GOVSOC_ES_USER": "u", "GOVSOC_ES_PASSWORD_FILE": str(secret)})
    os.chmod(secret, 0o600)
    assert es_credentials({"GOVSOC_ES_USER": "u", "GOVSOC_ES_PASSWORD_FILE": str(secret)}).password == "from-file"
