"""Shared pytest fixtures, and the suite's own options.

``--clock-shift-days N`` runs the whole suite with the clock moved N days ahead, so a test
that passes only around the day it was written shows itself: dates taken from the clock
must be pinned in the test (a fixed ``now``, ``os.utime`` on files it makes). Only the clock
moves: file times, monotonic timers and subprocesses keep the real time. (A clock moved back
before the tests' fixed dates is not a day the tests can meet: their data would be from the
future.)

``--update-golden`` rewrites the golden files under ``tests/golden/`` from the current output
and lists those that changed (see ``tests/test_golden.py``).
"""

# ruff: noqa: E402 (the one setting below must come before the imports)
from __future__ import annotations

import sys

# The suite caches its compiled modules even where PYTHONDONTWRITEBYTECODE is set: with it,
# every run rewrote every test module's asserts in each worker (4 s a worker, against 1.5),
# and every `python -m digest` a test starts compiled digest's modules again. The caches go
# to __pycache__ folders, which git ignores; the subprocesses still write none themselves.
sys.dont_write_bytecode = False

import datetime as dt
import difflib
import itertools
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import jinja2
import pytest
import time_machine
from httpserver import FixtureServer
from seedsite import copy_seeds

from digest.templating import make_environment

# The property tests draw the same examples on every run ("repeatable"), so that a run's
# verdict depends on the code alone and CI passes or fails the same on any day: unseeded,
# a test could turn red one morning over a case no change brought. To look for new failing
# cases, run with HYPOTHESIS_PROFILE=explore (fresh examples on each run), and pin what it
# finds with @example, so that the repeatable runs keep it.
hypothesis.settings.register_profile("repeatable", derandomize=True)
hypothesis.settings.register_profile("explore", derandomize=False)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_GOLDEN = "python -m pytest tests/test_golden.py --update-golden"
# Lines of unified diff shown when a golden file no longer matches: enough to see what moved.
GOLDEN_DIFF_LINES = 40


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("digest")
    group.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files in tests/golden/ and list those that changed",
    )
    group.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        metavar="N",
        help="run every test with the clock moved N days (file times are not moved)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--update-golden"):
        config.pluginmanager.register(GoldenChanges(), "golden-changes")
    days = config.getoption("--clock-shift-days")
    if days:
        # Started before collection, so that module-level constants taken from the clock
        # are shifted too; ticking, so that time still passes as tests expect.
        traveller = time_machine.travel(real_utc_now() + dt.timedelta(days=days), tick=True)
        traveller.start()
        config.stash[_traveller] = traveller


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Workers for ``-n auto``: two a core. Many tests spend their time waiting (on a server
    that answers late, a deadline, a subprocess, a worker pool starting), and a core that one
    worker leaves idle while it waits the other can use: on two cores, 2 workers took 50 s,
    4 took 44 (3 took 44.4)."""
    import os

    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:  # pragma: no cover - macOS and Windows
        cores = os.cpu_count() or 1
    return 2 * cores


@pytest.hookimpl(trylast=True)  # after -k and -m have left out what they leave out
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow tests first, the others in their order: with the tests spread over worker
    processes, a test of several seconds started near the end would hold the whole run up.

    ``--dist worksteal`` hands each worker a run of consecutive tests, and a worker that runs
    dry takes the far end of another's run: all the slow tests at the head of the list went
    to one worker, one after the other, and the run ended on them while the other workers
    stood idle (6 to 16 worker-seconds at the end of a run of a minute; 2 to 4 with the
    slow tests shared out). Each worker's run begins with its share."""
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    others = [item for item in items if item.get_closest_marker("slow") is None]
    given = getattr(config, "workerinput", {})
    workers = given.get("workercount", 1)
    if workers < 2 or given.get(_DIST) != "worksteal":
        items[:] = slow + others
        return
    ordered: list[pytest.Item] = []
    rest = iter(others)
    left = len(items)
    for worker in range(workers):
        size = left // (workers - worker)  # as worksteal cuts the list, first to last
        left -= size
        share = slow[worker::workers]
        ordered.extend(share)
        ordered.extend(itertools.islice(rest, max(0, size - len(share))))
    ordered.extend(rest)
    items[:] = ordered


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """(pytest-xdist, in the main process) Tell each worker how the tests are handed out: a
    worker's own options say "no distribution", and it collects (and orders) the tests."""
    node.workerinput[_DIST] = node.config.getvalue("dist")


_DIST = "digest_dist"  # the key of the distribution mode in a worker's ``workerinput``


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_traveller, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    days = config.getoption("--clock-shift-days")
    return (
        f"clock shifted by {days} days: it is {dt.datetime.now(dt.UTC):%Y-%m-%d}" if days else None
    )


class GoldenChanges:
    """What ``--update-golden`` rewrote, listed at the end of the run. Each test's changes come
    with its report: when the tests run in worker processes, the reports are what reaches the
    process that prints the summary."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.lines.extend(str(line) for key, line in report.user_properties if key == CHANGED)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        terminalreporter.section("golden files")
        for line in self.lines or ["no golden file changed"]:
            terminalreporter.write_line(line)


CHANGED = "golden file changed"  # the key of a test's report property that names one
_traveller = pytest.StashKey[time_machine.travel]()


def real_utc_now() -> dt.datetime:
    """Now by the system clock, even while ``--clock-shift-days`` moves the tests' clock."""
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.datetime.datetime.now(dt.UTC)
    return dt.datetime.now(dt.UTC)


class Golden:
    """Compares outputs with their golden files, or rewrites those with ``--update-golden``."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.update = bool(request.config.getoption("--update-golden"))
        self.node = request.node

    def check(self, name: str, actual: str | bytes) -> None:
        """Fail with a short diff unless ``actual`` is, byte for byte, the file ``name``."""
        path = GOLDEN_DIR / name
        data = actual.encode("utf-8") if isinstance(actual, str) else actual
        expected = path.read_bytes() if path.is_file() else None
        if data == expected:
            return
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            change = f"{'rewrote' if expected is not None else 'created'} {name}"
            self.node.user_properties.append((CHANGED, change))
            return
        if expected is None:
            pytest.fail(f"no golden file tests/golden/{name}; create it with: {UPDATE_GOLDEN}")
        diff = list(
            difflib.unified_diff(
                expected.decode("utf-8", "replace").splitlines(),
                data.decode("utf-8", "replace").splitlines(),
                f"tests/golden/{name}",
                "this run",
                n=2,
                lineterm="",
            )
        )
        if not diff:  # the same lines: the bytes differ in line endings or a final newline
            diff = ["(same lines: line endings or the final newline differ)"]
        shown = diff[:GOLDEN_DIFF_LINES]
        if len(diff) > len(shown):
            shown.append(f"... {len(diff) - len(shown)} more diff lines")
        pytest.fail(
            f"the output differs from tests/golden/{name}:\n"
            + "\n".join(shown)
            + f"\nIf the change is intended, update the golden files: {UPDATE_GOLDEN}",
            pytrace=False,
        )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """``golden.check(name, output)``: the output must equal ``tests/golden/name``."""
    return Golden(request)


@pytest.fixture
def http_server() -> Iterator[FixtureServer]:
    """A real HTTP server on 127.0.0.1 with programmable routes (see tests/httpserver.py)."""
    with FixtureServer() as server:
        yield server


@pytest.fixture
def env() -> jinja2.Environment:
    """A Jinja environment with the built-in templates only."""
    return make_environment()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert, key)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        _certificate_with_cryptography(cert, key)
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("TLS tests need the 'cryptography' package or the openssl command")
        subprocess.run(
            [
                openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", str(key), "-out", str(cert), "-days", "2",
                "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return cert, key


def _certificate_with_cryptography(cert: Path, key: Path) -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    # TLS libraries check validity against the system clock, which --clock-shift-days does
    # not move.
    now = real_utc_now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture
def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.fixture
def client_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """The client's context: default verification, trusting only the test certificate."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder as a new user has it: a copy of seeds/ (dated SEEDS_DAY), no config."""
    copy_seeds(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    return tmp_path


# --- for the HTTP client's tests (tests/test_http_*.py) -----------------------------------


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every request on loopback even if the environment names a proxy."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def proxy_environment(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def set_proxy(proxy: str, no_proxy: str = "", name: str = "http_proxy") -> None:
        monkeypatch.setenv(name, proxy)
        monkeypatch.setenv("no_proxy", no_proxy)

    return set_proxy


@pytest.fixture
def slow_resolver(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, float], None]:
    """A resolver that takes ``seconds`` to answer for ``host`` (as 127.0.0.1), as a broken
    DNS server does: the lookup cannot be interrupted, only abandoned."""
    real_getaddrinfo = socket.getaddrinfo

    def slow(host: str, seconds: float) -> None:
        def getaddrinfo(name, *args, **kwargs):
            if name == host:
                time.sleep(seconds)
                name = "127.0.0.1"
            return real_getaddrinfo(name, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return slow


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a network connection."""

    def refuse(*args, **kwargs):
        raise AssertionError("the parser tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
