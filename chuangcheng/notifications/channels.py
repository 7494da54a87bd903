"""Outbound channels: a copy of a notice by email or SMS, besides the in-app inbox.

Which channels run is ``settings.NOTIFY_CHANNELS``. The SMS gateway is pluggable
(``settings.SMS_GATEWAY``: a class with ``send(phone, text)``); the shipped one writes to the
log only — no external call is ever made from here. A county plugs in its government SMS
platform by writing a gateway class; a failing channel is logged and never undoes the change.
"""

import logging
from collections import deque

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("chuangcheng.notifications")


def mask_phone(phone: str) -> str:
    """138****1234 — never a whole number in logs (security.md 20)."""
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


class ConsoleSmsGateway:
    """Logs the message instead of sending it (development, and counties without a gateway)."""

    # the last messages, masked, for a look in a shell or a test (bounded: a worker runs for weeks)
    sent: deque[tuple[str, str]] = deque(maxlen=100)

    def send(self, phone: str, text: str) -> None:
        type(self).sent.append((mask_phone(phone), text))
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def sms_gateway():
    return import_string(settings.SMS_GATEWAY)()


def send_outbound(notifications) -> None:
    """Send copies of saved notices through the configured channels (after commit)."""
    channels = set(settings.NOTIFY_CHANNELS)
    if not channels:
        return
    gateway = sms_gateway() if "sms" in channels else None
    for notice in notifications:
        person = notice.recipient
        text = notice.title if not notice.body else f"{notice.title}：{notice.body}"
        if "email" in channels and person.email:
            try:
                send_mail(notice.title, notice.body or notice.title, None, [person.email])
            except OSError as exc:  # SMTP down: the inbox still has it
                logger.warning("email to user %s failed: %s", person.pk, exc)
        if gateway is not None and person.phone and person.phone.startswith("1"):
            try:
                gateway.send(person.phone, text[:300])
            except OSError as exc:
                logger.warning("SMS to user %s failed: %s", person.pk, exc)
