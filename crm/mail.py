"""Sending mail: password-reset links and invitations, through the SMTP server that
`CRM_SMTP_URL` names, with the standard library alone (`smtplib`, `email.message`).

- `smtp://host:25`: plain SMTP (a relay on the same machine or network);
  `smtp+starttls://user:password@host:587`: upgraded to TLS before anything is sent
  (submission); `smtps://user:password@host:465`: TLS from the start. Certificates are
  checked against the system's trusted ones. User and password are percent-encoded in
  the URL when they hold `@`, `:` or `/`.
- Without `CRM_SMTP_URL` nothing is sent: `is_configured()` tells the callers, who say so
  (an invitation shows its link to copy, "Forgot password?" says to ask an administrator).
- `send` sends now and raises `MailNotSent` with a reason a person can act on;
  `send_after_response` sends once the response has gone out (after the request's
  commit), so that the time a "Forgot password?" answer takes does not tell whether a
  mail was sent, i.e. whether the address has an account.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from flask import after_this_request, current_app, has_request_context, url_for

from crm.models import utcnow

TIMEOUT_SECONDS = 15
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailNotSent(Exception):
    """The message could not be handed to the SMTP server; `str()` says why."""


@dataclass(frozen=True)
class SmtpServer:
    scheme: str  # one of DEFAULT_PORTS
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            raise MailNotSent(
                "CRM_SMTP_URL must look like smtp://host:25, "
                "smtp+starttls://user:password@host:587 "
                f"or smtps://user:password@host:465, not {scheme or '(no scheme)'}://…")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as error:
            raise MailNotSent(f"CRM_SMTP_URL has a bad port: {error}") from None
        return cls(scheme, parts.hostname, port,
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)


def is_configured() -> bool:
    return bool(current_app.config.get("CRM_SMTP_URL"))


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for a link in a mail: under `CRM_BASE_URL` when it is set (always
    in production, config.ProductionConfig), else the address this request came to."""
    base = current_app.config.get("CRM_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def message(*, to_email: str, to_name: str | None, subject: str, body: str,
            language: str | None = None) -> EmailMessage:
    """A plain-text message from `CRM_MAIL_FROM` (UTF-8, so any script is fine), in
    `language` (the recipient's: the caller wrote it under `force_locale`)."""
    sender = current_app.config["CRM_MAIL_FROM"]
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    # One line, whatever was stored: a line break would be refused in a header.
    msg["To"] = Address(display_name=" ".join((to_name or "").split()), addr_spec=to_email)
    msg["Date"] = format_datetime(utcnow())
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    msg.set_content(body)
    if language:  # after set_content, which starts the Content-* headers afresh
        msg["Content-Language"] = language
    return msg


def _deliver(server: SmtpServer, msg: EmailMessage) -> None:
    context = ssl.create_default_context()
    try:
        if server.scheme == "smtps":
            connection = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                          context=context)
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        with connection:
            if server.scheme == "smtp+starttls":
                connection.starttls(context=context)
            if server.username:
                connection.login(server.username, server.password or "")
            connection.send_message(msg)
    except smtplib.SMTPAuthenticationError:
        raise MailNotSent("the mail server refused the user name or password in "
                          "CRM_SMTP_URL") from None
    except smtplib.SMTPRecipientsRefused:
        raise MailNotSent("the mail server refused the recipient's address") from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailNotSent(f"the mail server at {server.host}:{server.port} could not be "
                          f"reached or refused the message ({error.__class__.__name__}: "
                          f"{error})") from None


def send(msg: EmailMessage) -> None:
    """Hand `msg` to the SMTP server now. Raises MailNotSent (also when no server is
    configured)."""
    url = current_app.config.get("CRM_SMTP_URL")
    if not url:
        raise MailNotSent("no mail server is configured (CRM_SMTP_URL)")
    _deliver(SmtpServer.from_url(url), msg)


def send_after_response(msg: EmailMessage, what: str) -> None:
    """Send `msg` once this request's response has been sent, if the request succeeded
    (its work, e.g. the token the mail links to, is committed by then: crm.transactions).
    Failures are logged (`what` says which mail it was), never shown: the answer has gone.
    Outside a request it is sent at once."""
    url = current_app.config.get("CRM_SMTP_URL")
    logger = current_app.logger
    if not url:
        logger.warning("%s to %s was not sent: no mail server is configured (CRM_SMTP_URL)",
                       what, msg["To"].addresses[0].addr_spec)
        return
    if not has_request_context():
        send(msg)
        return

    def deliver() -> None:  # no app context here: everything it needs is bound already
        to = msg["To"].addresses[0].addr_spec
        try:
            _deliver(SmtpServer.from_url(url), msg)
        except MailNotSent as error:
            logger.error("%s to %s was not sent: %s", what, to, error)
        except Exception:  # the response has gone: nobody else would hear of it
            logger.exception("%s to %s was not sent", what, to)

    @after_this_request
    def _when_sent(response):
        if response.status_code < 400:
            response.call_on_close(deliver)
        return response
