"""Template context: the unread count for the bell in the top bar (one indexed COUNT)."""

from chuangcheng.notifications.models import Notification


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.visible_to(user).unread().count()}
