"""Writing notices: the one way any app tells a person something."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from chuangcheng.notifications.channels import send_outbound
from chuangcheng.notifications.models import Notification


def notify(
    recipients: Iterable, *, kind: str, title: str, body: str = "", url: str = "", subject_key: str = ""
):
    """Write one notice per distinct active recipient (in the caller's transaction) and send
    outbound copies once it commits. With ``subject_key``, a person who already has a notice of
    this kind about this subject gets no second one (reminders, escalations: safe to run twice)."""
    people = {p.pk: p for p in recipients if p is not None and p.is_active}
    if not people:
        return []
    if subject_key:
        already = set(
            Notification.objects.filter(
                kind=kind, subject_key=subject_key, recipient_id__in=sorted(people)
            ).values_list("recipient_id", flat=True)
        )
        people = {pk: p for pk, p in people.items() if pk not in already}
    notices = Notification.objects.bulk_create(
        [
            Notification(
                recipient=p, kind=kind, title=title[:200], body=body, url=url, subject_key=subject_key
            )
            for p in people.values()
        ]
    )
    transaction.on_commit(lambda: send_outbound(notices))
    return notices


def mark_read(user, notification_ids=None) -> int:
    qs = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
