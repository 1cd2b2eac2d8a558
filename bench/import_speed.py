"""Import benchmark: 30,000 realistic achievements (and their patents) from xlsx and csv.

Run from the repository root:
    python bench/import_speed.py [--rows 30000]
It uses a throw-away SQLite database (/tmp/transfer_bench.sqlite3 unless BENCH_DATABASE_URL is set),
loads the core demo organisations, writes the files to /tmp and prints the times. Figures, not a test.
"""
import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/transfer_bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBUG", "0")  # as in production: no SQL logging


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30_000)
    args = parser.parse_args()

    import django

    django.setup()
    import pandas as pd
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from platform_core import demo
    from transfer.importers import AchievementImporter, PatentImporter
    from transfer.models import Achievement, Patent
    from transfer.sample_data import achievement_rows, patent_rows

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    ctx = demo.DemoContext()
    demo.load(ctx)
    admin = ctx.users["admin"]
    nodes = [(n.code, n.name_zh, n.keywords) for n in ctx.nodes.values()]
    schools = [ctx.orgs[k].name_zh for k in ("school_ee", "school_materials", "school_me")]
    rows = achievement_rows(args.rows, owner=ctx.orgs["university"].name_zh, schools=schools, nodes=nodes,
                            fields=["0805", "0808", "0802", "0809"])
    frame = pd.DataFrame(rows)
    patents = pd.DataFrame(patent_rows(rows, owner=ctx.orgs["university"].name_zh))

    def files(frame, stem):
        xlsx = io.BytesIO()
        t0 = time.perf_counter()
        frame.to_excel(xlsx, index=False)
        made = time.perf_counter() - t0
        csv = frame.to_csv(index=False).encode("gb18030")  # the GBK family, as Chinese offices export
        Path(f"/tmp/{stem}.xlsx").write_bytes(xlsx.getvalue())
        Path(f"/tmp/{stem}.csv").write_bytes(csv)
        return {"xlsx": xlsx.getvalue(), "csv": csv}, made

    def run(importer_class, name, content):
        t0 = time.perf_counter()
        result = importer_class(actor=admin).run(SimpleUploadedFile(name, content))
        elapsed = time.perf_counter() - t0
        assert not result.file_error, result.file_error
        return result, elapsed

    achievement_files, _ = files(frame, "bench_achievements")
    patent_files, _ = files(patents, "bench_patents")
    print(f"{args.rows:,} rows; xlsx {len(achievement_files['xlsx']) / 1e6:.1f} MB, "
          f"csv (GBK) {len(achievement_files['csv']) / 1e6:.1f} MB")
    for fmt in ("xlsx", "csv"):
        Achievement.history.all().delete()
        Patent.objects.all().delete()
        Achievement.objects.all().delete()
        result, first = run(AchievementImporter, f"achievements.{fmt}", achievement_files[fmt])
        print(f"achievements {fmt}: first import {first:6.1f} s  created={result.created_rows:,} "
              f"rejected={result.rejected_rows}")
        result, again = run(AchievementImporter, f"achievements.{fmt}", achievement_files[fmt])
        print(f"achievements {fmt}: re-import   {again:6.1f} s  created={result.created_rows} "
              f"updated={result.updated_rows:,}  (total in pool: {Achievement.objects.count():,})")
        changed = frame.assign(技术成熟度=frame["技术成熟度"] % 9 + 1, 关键词=frame["关键词"] + "；中试")
        changed_file = files(changed, "bench_achievements_changed")[0][fmt]
        result, update = run(AchievementImporter, f"achievements-changed.{fmt}", changed_file)
        print(f"achievements {fmt}: every row changed {update:6.1f} s  created={result.created_rows} "
              f"updated={result.updated_rows:,}")
        result, first = run(PatentImporter, f"patents.{fmt}", patent_files[fmt])
        print(f"patents      {fmt}: first import {first:6.1f} s  created={result.created_rows:,} "
              f"rejected={result.rejected_rows}")
        result, again = run(PatentImporter, f"patents.{fmt}", patent_files[fmt])
        print(f"patents      {fmt}: re-import   {again:6.1f} s  created={result.created_rows} "
              f"updated={result.updated_rows:,}  (total: {Patent.objects.count():,})")


if __name__ == "__main__":
    main()
