"""Each patent's history starts with its current legal status (dated by its grant or filing)."""
from django.db import migrations


def backfill(apps, schema_editor):
    Patent = apps.get_model("transfer", "Patent")
    Change = apps.get_model("transfer", "PatentStatusChange")
    batch = []
    for pk, status, filed, granted in Patent.objects.values_list("pk", "legal_status", "filing_date",
                                                                  "grant_date").iterator():
        batch.append(Change(patent_id=pk, status=status, changed_on=granted or filed))
        if len(batch) >= 2000:
            Change.objects.bulk_create(batch)
            batch = []
    Change.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("transfer", "0008_patent_fees_status_history")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
