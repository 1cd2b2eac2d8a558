"""The annual report at size (issue 11): on a `seed_scale` database, as the TTO of the university with the most
money received last year, record a licence's royalty receipt, read the payouts it produced, generate last year's
annual report and its xlsx, and compare part 3 with a direct sum over the records.

    python bench/annual_report.py --db postgres://platform:platform@127.0.0.1/scale1 [--year 2025]

Everything happens in one transaction that is rolled back: the database is left as it was. Prints the time of
each step, the payouts and the report's headline figures; exits 1 if part 3 differs from the records.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--year", type=int, default=datetime.date.today().year - 1)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from platform_core.models import Membership, Role
    from transfer import services
    from transfer.annual_report import report_xlsx_response
    from transfer.management.commands.annual_report_check import Command as Check
    from transfer.management.commands.annual_report_check import direct_contract_totals
    from transfer.models import AnnualReport, Contract, Payout

    institution = Check()._institution("", args.year)
    tto = (Membership.objects.active().filter(organisation=institution, role=Role.TTO_STAFF)
           .select_related("user").first().user)
    licence = (Contract.objects.filter(institution=institution, kind=Contract.Kind.LICENCE)
               .order_by("-signed_on", "-pk").first())
    print(f"{institution.name_zh}, {args.year}; TTO {tto.username}; licence {licence.pk} «{licence.title}»")
    failed = False
    try:
        with transaction.atomic():
            started = time.perf_counter()
            royalty = services.royalty_report_record(
                actor=tto, contract=licence, period_start=datetime.date(args.year + 1, 1, 1),
                period_end=datetime.date(args.year + 1, 3, 31), royalty_amount="12345.67",
                received_on=datetime.date(args.year + 1, 4, 15),
                over_reason="提成超出合同预估")  # a licence that keeps earning may pass its estimated amount
            payouts = list(Payout.objects.filter(distribution__receipt=royalty.receipt).select_related("person"))
            print(f"royalty receipt ¥{royalty.receipt.amount}: {len(payouts)} payouts in "
                  f"{(time.perf_counter() - started) * 1000:.0f} ms")
            for payout in payouts:
                print(f"    {payout.person.get_full_name() or payout.person.username}: ¥{payout.amount} "
                      f"({payout.kind}, {payout.status})")
            distribution = royalty.receipt.distribution
            parts = (distribution.inventors_amount + distribution.school_amount + distribution.tto_amount
                     + distribution.university_amount)
            print(f"    parts of the receipt add up to ¥{parts}; inventors' part ¥{distribution.inventors_amount}, "
                  f"paid out to people ¥{sum((p.amount for p in payouts), Decimal(0))}")

            started = time.perf_counter()
            report = services.annual_report_generate(actor=tto, institution=institution, year=args.year,
                                                     narrative="基准测试")
            services.annual_report_build(report_id=report.pk)
            report = AnnualReport.objects.get(pk=report.pk)
            print(f"annual report built in {time.perf_counter() - started:.2f} s (status {report.status})")
            started = time.perf_counter()
            size = len(report_xlsx_response(report).content)
            print(f"xlsx of {size / 1024:.0f} KB in {time.perf_counter() - started:.2f} s")
            total = report.data["part3"]["total"]
            direct = direct_contract_totals(institution, args.year, Contract.TRANSFORMATION_KINDS)
            for key, value in direct.items():
                if Decimal(str(total[key])) != value:
                    print(f"DIFFERENT part 3 {key}: report {total[key]}, records {value}")
                    failed = True
            print("part 3 equals the direct sum over the records" if not failed else "part 3 differs")
            call_command("annual_report_check", "--year", str(args.year), "--institution", str(institution.pk))
            raise Rollback
    except Rollback:
        pass
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
