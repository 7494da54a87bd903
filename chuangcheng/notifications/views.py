"""消息 inbox: every signed-in person's notices."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from chuangcheng.notifications import actions
from chuangcheng.notifications.models import Notification


@require_GET
def inbox(request):
    notices = Notification.objects.visible_to(request.user)
    if request.GET.get("unread") == "1":
        notices = notices.unread()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": request.GET.get("unread") == "1",
            "unread_count": Notification.objects.visible_to(request.user).unread().count(),
        },
    )


@require_GET
def open_notification(request, pk):
    """Mark one notice read and follow its link (only ever to a page of this site)."""
    notice = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    if (
        notice.url
        and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None)
        and notice.url.startswith("/")
    ):
        return redirect(notice.url)
    return redirect("notifications:inbox")


@require_POST
def read_all(request):
    actions.mark_read(request.user)
    return redirect("notifications:inbox")
