"""Check an annual report's computed figures against the records, read-only: the report's part 3 (and part 4's
technology contracts, part 5's distribution) recomputed by adding up the contracts and receipts one by one in
Python, compared with the figures the report would show, and its headline figures printed.

    python manage.py annual_report_check [--year 2025] [--institution <credit code or id>]

Without --institution the university with the most money received in the year is taken. Exits 1 on any
difference. Nothing is written (no report is stored)."""
import datetime
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q, Sum

from platform_core.models import Organisation
from transfer.models import Contract, Distribution, Receipt
from transfer.selectors import annual_report_figures

BAND = Decimal("1000000")


def direct_contract_totals(institution, year: int, kinds) -> dict:
    """Count, amount and money received in the year, and the ≥ ¥1 M band, by adding rows one at a time."""
    totals = dict.fromkeys(("count", "amount", "received", "band_count", "band_amount", "band_received"), 0)
    band_contracts = set()
    for pk, amount, signed_on in (Contract.objects.filter(institution=institution, kind__in=kinds)
                                  .values_list("pk", "amount", "signed_on").iterator()):
        if amount >= BAND:
            band_contracts.add(pk)
        if signed_on.year == year:
            totals["count"] += 1
            totals["amount"] += amount
            if amount >= BAND:
                totals["band_count"] += 1
                totals["band_amount"] += amount
    for contract, amount, received_on in (Receipt.objects.filter(contract__institution=institution,
                                                                 contract__kind__in=kinds)
                                          .values_list("contract_id", "amount", "received_on").iterator()):
        if received_on.year == year:
            totals["received"] += amount
            if contract in band_contracts:
                totals["band_received"] += amount
    return totals


class Command(BaseCommand):
    help = "Compare an annual report's computed figures with a direct sum over the records (read-only)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=datetime.date.today().year - 1)
        parser.add_argument("--institution", default="", help="credit code or id (default: most money received)")

    def handle(self, *args, year, institution, **options):
        found = self._institution(institution, year)
        started = time.perf_counter()
        figures = annual_report_figures(found, year)
        seconds = time.perf_counter() - started
        differences = []
        for label, kinds, block in (("part 3", Contract.TRANSFORMATION_KINDS, figures["part3"]),
                                    ("part 4 contracts", Contract.COLLABORATION_KINDS, figures["part4"]["contracts"])):
            direct = direct_contract_totals(found, year, kinds)
            for key, value in direct.items():
                shown = block["total"][key]  # counts as numbers, amounts as text
                if Decimal(str(shown)) != value:
                    differences.append(f"{label} {key}: report {shown}, records {value}")
        part5 = figures["part5"]
        received = sum((amount for amount, received_on in Receipt.objects.filter(contract__institution=found)
                        .values_list("amount", "received_on").iterator() if received_on.year == year), Decimal(0))
        split = sum((sum(row) for row in Distribution.objects.filter(
            receipt__contract__institution=found, receipt__received_on__year=year)
            .values_list("inventors_amount", "school_amount", "tto_amount", "university_amount").iterator()), Decimal(0))
        if Decimal(part5["received"]) != received:
            differences.append(f"part 5 received: report {part5['received']}, records {received}")
        if split and split != received:
            differences.append(f"part 5 distributed {split} ≠ received {received}")

        p3 = figures["part3"]["total"]
        p4 = figures["part4"]
        self.stdout.write(f"{found.name_zh} ({found.pk}), {year}: computed in {seconds:.2f} s")
        self.stdout.write(f"  part 2: patents filed {figures['part2']['patents_total']['filed']}, granted "
                          f"{figures['part2']['patents_total']['granted']}; achievements {figures['part2']['achievements_total']}")
        self.stdout.write(f"  part 3: {p3['count']} contracts, amount ¥{p3['amount']}, received ¥{p3['received']}; "
                          f"≥ ¥1 M: {p3['band_count']} contracts, ¥{p3['band_amount']}, received ¥{p3['band_received']}")
        for kind, row in figures["part3"]["rows"].items():
            self.stdout.write(f"          {kind}: {row['count']} contracts, ¥{row['amount']}, received ¥{row['received']}")
        self.stdout.write(f"  part 4: joint centers {p4['centers']['total']} ({p4['centers']['signed_in_year']} in the "
                          f"year), TTO staff {p4['tto_staff']}, brokers {p4['brokers']}; technology contracts "
                          f"{p4['contracts']['total']['count']} (¥{p4['contracts']['total']['amount']}); companies "
                          f"created {p4['companies_created']}, held {p4['companies_held']}")
        self.stdout.write(f"  part 5: received ¥{part5['received']} → inventors ¥{part5['inventors']}, school "
                          f"¥{part5['school']}, TTO ¥{part5['tto']}, university ¥{part5['university']}; cash rewards "
                          f"¥{part5['cash_rewards']} to {part5['cash_people']} people, equity ¥{part5['equity_rewards']}")
        self.stdout.write(f"  part 6: {len(figures['part6'])} transformation projects listed")
        if differences:
            for line in differences:
                self.stderr.write(f"DIFFERENT {line}")
            raise CommandError(f"{len(differences)} figures differ from the records")
        self.stdout.write("every checked figure equals the direct sum over the records")

    def _institution(self, given: str, year: int) -> Organisation:
        universities = Organisation.objects.filter(kind=Organisation.Kind.UNIVERSITY, parent=None)
        if given:
            found = universities.filter(Q(credit_code=given) | Q(pk=int(given) if given.isdigit() else None)).first()
            if found is None:
                raise CommandError(f"No university {given!r}.")
            return found
        in_year = Q(technology_contracts__receipts__received_on__year=year)
        busiest = (universities.annotate(received=Sum("technology_contracts__receipts__amount", filter=in_year))
                   .order_by(F("received").desc(nulls_last=True), "pk").first())
        if busiest is None:
            raise CommandError("There is no university.")
        return busiest
