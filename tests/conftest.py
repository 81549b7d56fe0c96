"""Shared fixtures: real stores (SQLite in a temporary folder, Elasticsearch started by
scripts/elasticsearch.sh or given by GOVSOC_ES_URL) and the shared corpus.

Under CI=true a test that needs Elasticsearch fails when no node can be started; elsewhere it is
skipped with the reason, so a developer without Java can still run the rest.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from govsoc.core.config import ElasticsearchSettings, es_credentials
from govsoc.store.base import Store
from govsoc.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
#: The shared corpus beside the clone (CI's layout), or beside a folder above it (a git worktree
#: made under another folder of the same machine).
CORPUS = next((up / "shared" / "corpus" for up in ROOT.parents if (up / "shared" / "corpus").is_dir()),
              ROOT.parent / "shared" / "corpus")
ES_SCRIPT = ROOT / "scripts" / "elasticsearch.sh"
IN_CI = os.environ.get("CI", "").lower() == "true"
#: A cluster the developer named for the Elasticsearch tests (GOVSOC_ES_URL and its credentials).
#: Taken out of the environment, so that the `govsoc` processes of the SQLite tests, which inherit
#: it, keep their default store instead of writing to that cluster.
GIVEN_ES = {name: os.environ.pop(name) for name in ("GOVSOC_ES_URL", "GOVSOC_ES_CA", "GOVSOC_ES_USER",
                                                     "GOVSOC_ES_PASSWORD", "GOVSOC_ES_PASSWORD_FILE",
                                                     "GOVSOC_ES_API_KEY") if name in os.environ}
#: The previous major, to show the pinned 8.19 client serves 8.x clusters as well as 9.x ones.
#: Its own cache folder keeps it apart from the 9.x node; scripts/test.sh starts it the same way.
ES8_NODE = {"GOVSOC_CACHE": str(Path.home() / ".cache" / "govsoc-es8"), "GOVSOC_ES_VERSION": "8.19.8",
            "GOVSOC_ES_PORT": "19210", "GOVSOC_ES_TRANSPORT_PORT": "19310"}


def need(condition: bool, reason: str) -> None:
    """Fail under CI, skip elsewhere, when a real part a test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@contextmanager
def machine_wide(resource: str) -> Iterator[None]:
    """Hold ``resource`` alone on this machine while the block runs: an exclusive flock on a file of
    the temporary folder, which the kernel releases if the holder dies. The suite runs on two xdist
    workers (scripts/test.sh), and other checkouts may run theirs at the same time: tests that share
    a machine-wide resource (a fixed port, a fixed subnet, traffic on lo) take turns through it."""
    with (Path(tempfile.gettempdir()) / f"govsoc-tests-{resource}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(autouse=True)
def _one_live_capture_at_a_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """The netns and capture tests one at a time: the veth tests all put HOST (10.231.7.1/24) on an
    interface of the root namespace (two at once route the subnet two ways), and captures on lo see
    each other's traffic. Autouse, so taken before the test's other fixtures and freed after them."""
    if request.node.get_closest_marker("netns") or request.node.get_closest_marker("capture"):
        with machine_wide("live-capture"):
            yield
    else:
        yield


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared third-party corpus (loghub, SigmaHQ, Zeek traces)."""
    need(CORPUS.is_dir(), f"the shared corpus is missing at {CORPUS}")
    return CORPUS


def _start_node(secure: bool, overrides: dict[str, str] | None = None) -> dict[str, str]:
    args = [str(ES_SCRIPT), "start"] + (["--secure"] if secure else [])
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False,
                              env={**os.environ, **(overrides or {})})
    except (OSError, subprocess.TimeoutExpired) as e:
        need(False, f"cannot start Elasticsearch with {ES_SCRIPT}: {e}")
    tail = done.stderr.strip().splitlines()[-5:]
    need(done.returncode == 0, f"scripts/elasticsearch.sh start failed: {' | '.join(tail)}")
    env: dict[str, str] = {}
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("export ") and "=" in line:
            key, _, value = line[len("export "):].partition("=")
            env[key] = value.strip("'\"")
    need("GOVSOC_ES_URL" in env, f"scripts/elasticsearch.sh printed no GOVSOC_ES_URL: {done.stdout[:200]}")
    return env


@pytest.fixture(scope="session")
def es_env() -> dict[str, str]:
    """How to reach a plain (no TLS, no auth) test node, or the cluster in GOVSOC_ES_URL."""
    if GIVEN_ES.get("GOVSOC_ES_URL"):
        return dict(GIVEN_ES)
    return _start_node(secure=False)


@pytest.fixture(scope="session")
def es8_env() -> dict[str, str]:
    """A plain Elasticsearch 8.19 node (on Java 17)."""
    return _start_node(secure=False, overrides=ES8_NODE)


@pytest.fixture(scope="session")
def es_secure_env() -> dict[str, str]:
    """A node that demands TLS (verified against its own CA) and a password."""
    return _start_node(secure=True)


#: Node URL -> index prefixes a finished test left without an index, their templates kept. The
#: next test on that node takes one, so that its store finds the templates it would put and puts
#: none (each put, like each delete, is a cluster-state update: together most of a short test's
#: time). The templates go at the end of the session (pytest_sessionfinish).
_PREFIXES: dict[str, list[str]] = {}
#: Node URL -> how to reach it (credentials, CA), for the clean-up at the end.
_NODES: dict[str, dict[str, str]] = {}


def es_store(env: dict[str, str]) -> Iterator[Store]:
    """An Elasticsearch store under an index prefix no other test is using and that holds no
    index, emptied afterwards."""
    from govsoc.store.elasticsearch import ElasticsearchStore

    free = _PREFIXES.setdefault(env["GOVSOC_ES_URL"], [])
    _NODES[env["GOVSOC_ES_URL"]] = env
    prefix = free.pop() if free else f"govsoc-test-{uuid.uuid4().hex[:10]}"
    settings = ElasticsearchSettings(url=env["GOVSOC_ES_URL"], index_prefix=prefix, number_of_replicas=0,
                                     ca_certs=env.get("GOVSOC_ES_CA"))
    store = ElasticsearchStore(settings, credentials=es_credentials(env))
    try:
        yield store
    finally:
        try:
            store.drop_all(templates=False)
            free.append(prefix)
        finally:
            store.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Delete the index templates of the prefixes the tests left (their indices are gone). A
    node that cannot be reached now is named on stderr; the tests' outcome stands."""
    from govsoc.core.errors import StoreError
    from govsoc.store.elasticsearch import ElasticsearchStore

    for url, prefixes in _PREFIXES.items():
        env = _NODES[url]
        try:
            for prefix in prefixes:
                settings = ElasticsearchSettings(url=url, index_prefix=prefix, number_of_replicas=0,
                                                 ca_certs=env.get("GOVSOC_ES_CA"))
                store = ElasticsearchStore(settings, credentials=es_credentials(env))
                try:
                    store.drop_all()
                finally:
                    store.close()
        except StoreError as e:
            print(f"\nconftest: the index templates of {len(prefixes)} test prefixes stay on {url}: {e}",
                  file=sys.stderr)
        prefixes.clear()


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es),
                        pytest.param("elasticsearch-8", marks=pytest.mark.es)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store implementation in turn: the contract tests run against SQLite and against
    Elasticsearch 9 and 8 (the client is pinned to 8.19, which speaks to both)."""
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "events.db")
        yield sqlite
        sqlite.close()
    else:
        fixture = "es_env" if request.param == "elasticsearch" else "es8_env"
        yield from es_store(request.getfixturevalue(fixture))


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    """A SQLite store in a temporary folder."""
    store = SqliteStore(tmp_path / "events.db")
    yield store
    store.close()


@pytest.fixture(params=["9", "8"])
def elastic_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An Elasticsearch store on the 9.x test node, then on the 8.x one."""
    yield from es_store(request.getfixturevalue("es_env" if request.param == "9" else "es8_env"))


@pytest.fixture
def elastic9_store(es_env: dict[str, str]) -> Iterator[Store]:
    """An Elasticsearch store on the 9.x test node only (for the longest tests)."""
    yield from es_store(es_env)


@pytest.fixture(scope="session")
def openssl() -> str:
    """The openssl CLI (SM2 certificates and keys, s_server, signature cross-checks)."""
    found = shutil.which("openssl")
    need(found is not None, "openssl is not installed (apt-get install openssl)")
    assert found is not None
    return found


@pytest.fixture
def govsoc_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory for CLI runs (GOVSOC_HOME, no configuration file)."""
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_KEY_PASSPHRASE", "GOVSOC_KEY_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs under ``tmp_path`` (``tmp_path / "disk"``), unmounted at the end."""
    need(os.geteuid() == 0 and shutil.which("mount") is not None, "a tmpfs mount needs root and mount(8)")
    folder = tmp_path / "disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill_disk(folder: Path) -> None:
    """Take every free block (again: what the daemon frees, a journal it truncates, is taken back)."""
    with (folder / "filler").open("ab") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
