"""``manage.py load_reference --area ID [--activate] [--replace]``: load the shipped reference
content (the four titles' county-level systems, point types with checklists, metrics) into a
campaign area, in one transaction."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chuangcheng.indicators.choices import SystemStatus
from chuangcheng.indicators.reference.loader import ReferenceLoadError, load_reference
from chuangcheng.org.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Load the reference assessment systems, point types with their checklists and metrics into a "
        "campaign area (a county or city org unit). Refuses if the area already has them, unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", type=int, required=True, help="Id of the county (or city) org unit.")
        parser.add_argument(
            "--activate",
            action="store_true",
            help="Make the loaded systems active, archiving the active system of the same title and level.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "Replace editions, point types and metrics the area already has "
                "(points and metric values are kept)."
            ),
        )

    def handle(self, *args, area, activate, replace, **options):
        unit = OrgUnit.objects.filter(pk=area).first()
        if unit is None:
            raise CommandError(_("There is no org unit with id {id}.").format(id=area))
        self.stdout.write(_("Loading the reference content into {area}…").format(area=unit.name))
        try:
            summary = load_reference(unit, activate=activate, replace=replace, write=self.stdout.write)
        except ReferenceLoadError as error:
            raise CommandError(str(error)) from error

        for warning in summary.warnings:
            self.stdout.write(self.style.WARNING(_("Note: {warning}").format(warning=warning)))
        for name in summary.replaced:
            self.stdout.write(_("Replaced: {system}").format(system=name))
        for system in summary.archived:
            self.stdout.write(
                _("Archived the previously active {system}").format(
                    system=f"{system.name}（{system.edition}）"
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Loaded {systems} systems ({status}), {indicators} indicators, {types} point types, "
                    "{items} check items, {metrics} metrics."
                ).format(
                    systems=len(summary.systems),
                    status=(SystemStatus.ACTIVE if activate else SystemStatus.DRAFT).label,
                    indicators=summary.indicators,
                    types=summary.point_types,
                    items=summary.check_items,
                    metrics=summary.metrics,
                )
            )
        )
        if summary.unresolved_units:
            names = "、".join(
                _("{name} ({count})").format(name=name, count=count)
                for name, count in sorted(summary.unresolved_units.items())
            )
            self.stdout.write(
                self.style.WARNING(
                    _("No unit of that name in {area}; left empty: {names}").format(
                        area=unit.name, names=names
                    )
                )
            )
