import io

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from transfer.importers import AchievementImporter, PatentImporter
from transfer.models import Achievement, Patent

from .factories import valid_application_number

pytestmark = pytest.mark.django_db

HEADER = "成果编号,成果名称,权利人,所属学院,产业链节点,技术成熟度,成果简介,关键词,完成人\n"


def achievement_csv(world, rows: list[str], encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("achievements.csv", (HEADER + "\n".join(rows) + "\n").encode(encoding))


def good_row(world, ref="CG001", title="高安全固态电解质", trl="5"):
    return f"{ref},{title},{world.university.name_zh},{world.school.name_zh},ne-cell,{trl},固态电解质界面改性,固态电池；电解质,李明、赵雪"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_any_encoding_imports_and_reimport_updates(world, encoding):
    upload = achievement_csv(world, [good_row(world), good_row(world, "CG002", "SiC 驱动电路", "6")], encoding)
    run = AchievementImporter(actor=world.tto).run(upload)
    assert (run.created_rows, run.updated_rows, run.rejected_rows) == (2, 0, 0), run.errors
    achievement = Achievement.objects.get(external_ref="CG001")
    assert achievement.school == world.school and achievement.keywords == ["固态电池", "电解质"]
    assert achievement.inventor_names == "李明、赵雪" and achievement.status == "stock"
    assert achievement.history.count() == 1
    # Screened meanwhile: a re-import with a changed TRL updates but keeps the broker's decision.
    Achievement.objects.filter(pk=achievement.pk).update(status="screened", screening_reason="好")
    again = achievement_csv(world, [good_row(world, trl="6"), good_row(world, "CG002", "SiC 驱动电路", "6")], encoding)
    run = AchievementImporter(actor=world.tto).run(again)
    assert (run.created_rows, run.updated_rows) == (0, 1)
    achievement.refresh_from_db()
    assert achievement.trl == 6 and achievement.status == "screened" and Achievement.objects.count() == 2
    assert achievement.history.count() == 2


def test_xlsx_import(world):
    frame = pd.DataFrame([{"成果名称": "激光熔覆修复工艺", "权利人": world.university.name_zh, "产业链节点": "ne-cell",
                           "技术成熟度": 7, "成果简介": "叶片修复"}])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    run = AchievementImporter(actor=world.tto).run(SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert run.created_rows == 1 and not run.file_error
    # Without a reference number the key is owner + title: importing again adds nothing.
    buffer.seek(0)
    run = AchievementImporter(actor=world.tto).run(SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert run.created_rows == 0 and Achievement.objects.count() == 1


def test_bad_rows_are_reported_and_good_rows_kept(world):
    rows = [
        good_row(world),
        good_row(world, "CG002", "TRL 错误", "12"),
        "CG003,未知单位成果,不存在大学,,ne-cell,5,简介,,",
        f"CG004,未知节点,{world.university.name_zh},,no-such-node,5,简介,,",
        good_row(world),  # same reference twice
        f"CG005,,{world.university.name_zh},,ne-cell,5,,,",
    ]
    run = AchievementImporter(actor=world.tto).run(achievement_csv(world, rows))
    assert run.created_rows == 1 and run.rejected_rows == 5
    reasons = {item["row"]: " ".join(item["errors"]) for item in run.errors}
    assert "技术成熟度" in reasons[3] and "不存在大学" in reasons[4] and "no-such-node" in reasons[5]
    assert "2" in reasons[6] and set(reasons) == {3, 4, 5, 6, 7}
    assert Achievement.objects.count() == 1


def test_wrong_columns_write_nothing(world):
    upload = SimpleUploadedFile("x.csv", "名称,颜色\n甲,红\n".encode())
    run = AchievementImporter(actor=world.tto).run(upload)
    assert "权利人" in run.file_error and run.created_rows == 0
    assert not Achievement.objects.exists()


def test_import_for_another_owner_is_refused(world):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(kind="university", name_zh="华东工业大学")
    row = f"CG9,别人的成果,{other.name_zh},,ne-cell,5,简介,,"
    run = AchievementImporter(actor=world.broker).run(achievement_csv(world, [row]))
    assert run.rejected_rows == 1 and not Achievement.objects.exists()
    with pytest.raises(PermissionDenied):
        AchievementImporter(actor=world.rd)


def test_patent_import_validates_numbers_and_updates(world):
    world.achievement(external_ref="CG001")
    good = valid_application_number()
    header = "申请号,专利名称,专利权人,申请日,专利类型,公开号,法律状态,授权日,IPC分类号,关联成果编号\n"
    rows = [
        f"CN{good},固态电解质,{world.university.name_zh},2019-03-01,发明,CN110123456A,授权,2020/6/1,H01M10/0562；H01M 4/36,CG001",
        f"201910123456.7,错误校验位,{world.university.name_zh},2019-03-01,发明,,审中,,,",
        f"{good},重复,{world.university.name_zh},2019-03-01,,,,,,",
        f"{valid_application_number(5)},类型不符,{world.university.name_zh},2019-03-01,外观设计,,,,,",
        f"{valid_application_number(6)},坏日期,{world.university.name_zh},2019-13-45,发明,,,,X99,",
    ]
    upload = SimpleUploadedFile("patents.csv", (header + "\n".join(rows)).encode("gbk"))
    run = PatentImporter(actor=world.tto).run(upload)
    assert (run.created_rows, run.rejected_rows) == (1, 4), run.errors
    patent = Patent.objects.get()
    assert patent.application_number == good and patent.ipc_codes == ["H01M 10/0562", "H01M 4/36"]
    assert patent.next_fee_due is not None and patent.achievements.get().external_ref == "CG001"
    reasons = " ".join(" ".join(item["errors"]) for item in run.errors)
    assert "check digit" in reasons or "校验" in reasons
    run = PatentImporter(actor=world.tto).run(SimpleUploadedFile("patents.csv", (header + rows[0]).encode("gbk")))
    assert (run.created_rows, run.updated_rows) == (0, 0) and Patent.objects.count() == 1
    changed = rows[0].replace("固态电解质", "固态电解质（修订）")
    run = PatentImporter(actor=world.tto).run(SimpleUploadedFile("patents.csv", (header + changed).encode()))
    assert run.updated_rows == 1 and Patent.objects.get().title == "固态电解质（修订）"
