from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import DomainError
from workdays.models import PACKAGE_SOURCE
from workdays.notice import parse_notice
from workdays.services import calendar_year_load, package_year_days


class Command(BaseCommand):
    help = (
        "Load a year's holidays and adjusted working days: from the State Council's notice "
        "text (--file), or snapshot the chinese-calendar package's data (--from-package)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--file", help="the notice's text, or the plain one-line-a-day form")
        parser.add_argument("--from-package", action="store_true")
        parser.add_argument("--source", default="", help="e.g. 国办发明电〔2026〕7号")

    def handle(self, *args, year, file=None, from_package=False, source="", **options):
        if bool(file) == bool(from_package):
            raise CommandError("Give exactly one of --file or --from-package.")
        try:
            if from_package:
                days = package_year_days(year)
                if not days:
                    raise CommandError(f"chinese-calendar has no data for {year}.")
                source = source or PACKAGE_SOURCE
            else:
                days = parse_notice(Path(file).read_text(encoding="utf-8"), year)
            cal = calendar_year_load(year=year, days=days, source=source)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        holidays = sum(1 for _d, k, _n in days if k == "holiday")
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {cal.year}: {holidays} holidays, {len(days) - holidays} adjusted working "
            "days. Provisional deadlines in that year are being recomputed."))
