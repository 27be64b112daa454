"""digest.mail.password: the SMTP password from an environment variable or a file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mail_samples import make_config

from digest.mail import MailError, read_password


def test_read_password_from_env_or_file(tmp_path: Path) -> None:
    config = make_config(tmp_path, password_env="DIGEST_SMTP_PASSWORD")
    assert read_password(config.email, {"DIGEST_SMTP_PASSWORD": "s3cret"}) == "s3cret"

    secret = tmp_path / "smtp-password"
    secret.write_text("pâss wörd \nsecond line\n", encoding="utf-8")
    secret.chmod(0o600)
    email = make_config(tmp_path, password_file=secret).email
    assert read_password(email, {}) == "pâss wörd "

    assert read_password(make_config(tmp_path).email, {}) is None


def test_read_password_errors_name_the_setting(tmp_path: Path) -> None:
    email = make_config(tmp_path, password_env="DIGEST_SMTP_PASSWORD").email
    with pytest.raises(MailError) as unset:
        read_password(email, {})
    assert "DIGEST_SMTP_PASSWORD" in unset.value.problem and "is not set" in unset.value.problem
    assert "password_file" in unset.value.advice

    missing = tmp_path / "nope"
    with pytest.raises(MailError) as unreadable:
        read_password(make_config(tmp_path, password_file=missing).email, {})
    assert str(missing) in unreadable.value.problem
    assert "email.password_file" in unreadable.value.problem


def test_reading_the_password_loads_nothing_of_composing_or_sending() -> None:
    # 'digest check' reads the password: the templates and the email package that compose a
    # message (a tenth of a second) are loaded only by what composes one
    probe = (
        "import sys\n"
        "from digest.mail import MailError, read_password\n"
        "import digest.mail as mail\n"
        "print(sorted(m for m in sys.modules if m.startswith('digest.mail.')))\n"
        "assert mail.build_message is sys.modules['digest.mail.compose'].build_message\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "['digest.mail.errors', 'digest.mail.password']"
