"""Return steps written before this release recorded no old deadline. The monthly evaluation
reads a problem's deadline at a month's end back from the first deadline-changing step after
it, so each such step gets the deadline it removed: the newest deadline set by an earlier step
of the same problem."""

from django.db import migrations
from django.db.models import OuterRef, Q, Subquery


def backfill(apps, schema_editor):
    Event = apps.get_model("problems", "ProblemEvent")
    set_before = (
        Event.objects.filter(problem=OuterRef("problem"), new_deadline__isnull=False)
        .filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")))
        .order_by("-at", "-pk")
        .values("new_deadline")[:1]
    )
    Event.objects.filter(action="return", old_deadline__isnull=True).update(old_deadline=Subquery(set_before))


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
