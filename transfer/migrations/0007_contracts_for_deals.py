"""Every deal recorded before contracts existed gets its contract (the amount is the deal's price)."""
from django.db import migrations

KIND = {"assignment": "assignment", "licence": "licence", "equity": "equity", "spin_off": "equity"}


def contracts_for_deals(apps, schema_editor):
    Deal = apps.get_model("transfer", "Deal")
    Contract = apps.get_model("transfer", "Contract")
    rows = []
    for deal in Deal.objects.filter(contract__isnull=True).select_related("achievement__owner").iterator():
        owner = deal.achievement.owner
        rows.append(Contract(
            institution_id=owner.parent_id or owner.pk, school_id=deal.achievement.school_id, kind=KIND[deal.kind],
            licence_type=deal.exclusivity if deal.kind == "licence" else "", title=deal.achievement.title[:200],
            deal_id=deal.pk, achievement_id=deal.achievement_id, counterparty_id=deal.counterparty_id,
            amount=deal.price, signed_on=deal.signed_on, created_by_id=deal.created_by_id,
        ))
    Contract.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("transfer", "0006_income")]
    operations = [migrations.RunPython(contracts_for_deals, migrations.RunPython.noop)]
