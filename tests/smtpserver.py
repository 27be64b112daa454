"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), recording what it receives.

    handler = Recorder(refuse=("bruno@example.org",))   # 550 for the addresses in refuse
    with smtp_server(handler, authenticator=authenticator, auth_require_tls=False) as port:
        ...                                              # send to 127.0.0.1:port
    envelope = handler.envelopes[0]                      # mail_from, rcpt_tos, original_content

``authenticator`` accepts the login ``USER`` with the password in ``server_password[0]``
(``PASSWORD`` unless a test changes it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from ports import free_port

USER = "reader"
PASSWORD = "correct horse battery staple"


class Recorder:
    """An aiosmtpd handler that keeps every envelope and refuses the addresses in ``refuse``."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.envelopes: list = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == server_password[0].encode("utf-8")
    )
    return AuthResult(success=ok, handled=False)


server_password = [PASSWORD]  # what the test server accepts; a test may change it


@contextlib.contextmanager
def smtp_server(handler: Recorder, **kwargs: object) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
