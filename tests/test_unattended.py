"""The README's ways of running digest unattended, run as written: its crontab lines under
cron's bare environment, and its systemd units checked by systemd and their command run with
their environment file. Mail goes over STARTTLS, with a login, to a real SMTP server on
127.0.0.1 whose certificate the job trusts through SSL_CERT_FILE (what a real machine's
trust store does for a real server).

The README names its user "ana", living in /home/ana: every such path is moved into a
folder of the test's own, and nothing else of the examples is changed.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import smtpserver
from conftest import real_utc_now
from seedsite import ROOT, copy_seeds
from smtpserver import USER, Recorder, authenticator, smtp_server

DIGEST = Path(sys.executable).parent / "digest"
README = ROOT / "README.md"
HOME = "/home/ana"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Running it every day")
    return text[start : text.index("\n## ", start + 1)]


def code_block(language: str) -> str:
    (block,) = re.findall(rf"```{language}\n(.*?)```", section(), re.S)
    return block


@dataclass
class Machine:
    """Ana's home folder, her digest folder with its virtual environment, and a mail server."""

    home: Path
    handler: Recorder
    certificate: Path

    def here(self, text: str) -> str:
        return text.replace(HOME, str(self.home))

    def env(self, **extra: str) -> dict[str, str]:
        """What cron or systemd gives a job: no variable of a login shell."""
        return {
            "HOME": str(self.home),
            "LOGNAME": "ana",
            "SHELL": "/bin/sh",
            "PATH": "/usr/bin:/bin",
            "SSL_CERT_FILE": str(self.certificate),
            **extra,
        }


@pytest.fixture
def machine(
    tmp_path: Path, certificate: tuple[Path, Path], server_tls: ssl.SSLContext
) -> Iterator[Machine]:
    home = tmp_path / "ana"
    folder = home / "digest"
    copy_seeds(folder, real_utc_now() - dt.timedelta(hours=1))
    (folder / ".venv" / "bin").mkdir(parents=True)
    (folder / ".venv" / "bin" / "digest").symlink_to(DIGEST)
    handler = Recorder()
    tls = {"tls_context": server_tls, "require_starttls": True, "auth_require_tls": True}
    with smtp_server(handler, authenticator=authenticator, **tls) as port:
        (folder / "digest.toml").write_text(
            '[[sources]]\npath = "seeds"\n'
            '[email]\nfrom = "Digest <digest@example.org>"\nto = ["ana@example.org"]\n'
            f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nusername = "{USER}"\n'
            'password_env = "DIGEST_SMTP_PASSWORD"\n',
            encoding="utf-8",
        )
        yield Machine(home, handler, certificate[0])


@pytest.fixture
def password() -> Iterator[list[str]]:
    """The password the mail server accepts, for a test to set; restored after it."""
    before = smtpserver.server_password[0]
    yield smtpserver.server_password
    smtpserver.server_password[0] = before


def crontab() -> tuple[dict[str, str], list[str]]:
    """The README's crontab: its variable lines, and each job's command."""
    variables, commands = {}, []
    for line in code_block("crontab").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if re.match(r"^[A-Za-z_]\w*=", line):
            name, value = line.split("=", 1)
            variables[name] = value.strip()
        else:
            commands.append(line.split(None, 5)[5])  # after minute, hour, day, month, weekday
    return variables, commands


def run_as_cron(machine: Machine, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", machine.here(command)],
        cwd=machine.home,  # cron starts a job in the home folder
        env=machine.env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_the_crontab_runs_under_cron_s_bare_environment_and_mails_once_a_day(
    machine: Machine, password: list[str]
) -> None:
    variables, (command,) = crontab()
    assert command.split()[3] == f"{HOME}/digest/.venv/bin/digest"  # by its absolute path
    password[0] = variables["DIGEST_SMTP_PASSWORD"]
    for _ in range(2):  # the second run the same day is silent too
        done = run_as_cron(machine, command, **variables)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert len(machine.handler.envelopes) == 1

    # Without the crontab's variable, the mail is what cron sends: the reason, in one place.
    done = run_as_cron(machine, command.replace("send -q", "send -q --force"))
    assert done.returncode == 1 and "DIGEST_SMTP_PASSWORD" in done.stderr
    assert "crontab" in done.stderr


def test_the_crontab_alternative_reads_the_systemd_environment_file(
    machine: Machine, password: list[str]
) -> None:
    prose = " ".join(section().split())
    (prefix,) = re.findall(r"`(cd /home/ana/digest && set -a && [^`]*?&&) \.\.\.`", prose)
    env_line = environment_line()
    (machine.home / ".config" / "digest").mkdir(parents=True)
    (machine.home / ".config" / "digest" / "smtp.env").write_text(env_line + "\n", "utf-8")
    password[0] = env_file_value(env_line)
    _, (command,) = crontab()
    job = command.split(" && ", 1)[1]  # the crontab's command after its own cd
    done = run_as_cron(machine, f"{prefix} {job}")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert len(machine.handler.envelopes) == 1


def environment_line() -> str:
    """The README's example line of the environment file, as it says to write it."""
    prose = " ".join(section().split())
    (line,) = re.findall(r"lines such as `(DIGEST_SMTP_PASSWORD=[^`]*)`", prose)
    return line


def env_file_value(line: str) -> str:
    """A value as systemd reads it from an environment file: its quotes taken off."""
    value = line.split("=", 1)[1]
    return value[1:-1] if value[:1] == value[-1:] and value[:1] in "'\"" else value


def systemd_units() -> dict[str, str]:
    """The README's units by file name (each follows a '# ~/.config/systemd/user/...' line)."""
    units: dict[str, str] = {}
    name = None
    for line in code_block("ini").splitlines():
        found = re.match(r"# ~/\.config/systemd/user/(\S+)$", line)
        if found:
            name = found.group(1)
            units[name] = ""
        elif name is not None:
            units[name] += line + "\n"
    return units


def analyze(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", *args],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_systemd_units_verify_and_their_job_runs_with_their_environment_file(
    machine: Machine, password: list[str], tmp_path: Path
) -> None:
    units = systemd_units()
    assert sorted(units) == ["digest.service", "digest.timer"]
    user = machine.home / ".config" / "systemd" / "user"
    user.mkdir(parents=True)
    for name, text in units.items():
        (user / name).write_text(text, encoding="utf-8")
    env_line = environment_line()
    (machine.home / ".config" / "digest").mkdir(parents=True)
    (machine.home / ".config" / "digest" / "smtp.env").write_text(env_line + "\n", "utf-8")

    if shutil.which("systemd-analyze"):
        probe = tmp_path / "probe.service"
        probe.write_text("[Service]\nType=oneshot\nExecStart=/bin/true\n", encoding="utf-8")
        if analyze("verify", str(probe), home=machine.home).returncode == 0:  # works here
            done = analyze("verify", *(str(user / n) for n in units), home=machine.home)
            assert (done.returncode, done.stderr) == (0, ""), done.stderr
        (calendar,) = re.findall(r"^OnCalendar=(.+)$", units["digest.timer"], re.M)
        assert analyze("calendar", calendar, home=machine.home).returncode == 0

    # The service's job, as systemd runs it: %h is the home folder, the environment file's
    # variables and nothing else of a login.
    service = units["digest.service"].replace("%h", str(machine.home))
    (folder,) = re.findall(r"^WorkingDirectory=(.+)$", service, re.M)
    (command,) = re.findall(r"^ExecStart=(.+)$", service, re.M)
    (env_file,) = re.findall(r"^EnvironmentFile=(.+)$", service, re.M)
    name, _ = Path(env_file).read_text("utf-8").strip().split("=", 1)
    value = env_file_value(env_line)
    password[0] = value
    for _ in range(2):  # a second run the same day rebuilds the site and mails nobody again
        done = subprocess.run(
            shlex.split(command),
            cwd=folder,
            env={**machine.env(**{name: value}), "PATH": "/usr/local/bin:/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert len(machine.handler.envelopes) == 1


def test_the_readme_says_a_user_timer_needs_lingering_and_cron_has_no_login_environment() -> None:
    text = " ".join(section().split())
    assert "loginctl enable-linger" in text
    assert "`PATH` is only `/usr/bin:/bin`" in text
    assert "absolute path" in text
