"""Bulk import of achievements and patents from Excel/CSV (GBK or UTF-8).

Re-importing the same file updates instead of duplicating. Natural keys:
- patent: the application number (normalised, so ``CN201910123456.X`` and ``2019 1 0123456.X`` match);
- achievement: the owner plus the reference number (成果编号) when the row has one, otherwise the
  owner plus the title. A row with a reference number that is new but whose title the owner already
  uses is refused rather than creating a second achievement of the same name.
Imports never change an achievement's status: screening is a broker's decision.
"""
import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from platform_core.importing import Column, Format, ImportFileError, RowResult, TabularImporter
from platform_core.models import IndustryNode, Organisation, TechField
from platform_core.permissions import is_platform_admin, member_organisation_ids

from .bulk import insert_with_history, update_with_history
from .models import Achievement, Patent
from .patent_numbers import application_patent_type, normalise_application_number, normalise_ipc_code
from .permissions import TRANSFER_ROLES, owner_side_ids
from .services import clean_keywords, clean_patent_numbers, first_fee_due

BATCH = 2000
ACHIEVEMENT_UPDATE_FIELDS = ["title", "school", "industry_node", "trl", "abstract", "keywords", "field",
                             "inventor_names", "confidential_detail", "external_ref"]
PATENT_UPDATE_FIELDS = ["publication_number", "title", "patent_type", "legal_status", "owner", "filing_date",
                        "grant_date", "ipc_codes", "next_fee_due"]

PATENT_TYPE_WORDS = {
    **{v: v for v in Patent.Type.values},
    "发明": "invention", "发明专利": "invention", "实用新型": "utility_model", "实用新型专利": "utility_model",
    "外观设计": "design", "外观设计专利": "design", "utility model": "utility_model",
}
LEGAL_STATUS_WORDS = {
    **{v: v for v in Patent.LegalStatus.values},
    "审中": "pending", "实审": "pending", "在审": "pending", "公开": "pending", "授权": "granted", "有效": "granted",
    "驳回": "rejected", "撤回": "withdrawn", "视为撤回": "withdrawn", "失效": "lapsed", "未缴年费": "lapsed",
    "届满": "expired", "期限届满": "expired",
}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00:00)?$")


def parse_date(value: str, label: str, errors: list[str]) -> datetime.date | None:
    text = (value or "").strip()
    if not text:
        return None
    match = _DATE.match(text)
    if match:
        try:
            return datetime.date(*map(int, match.groups()))
        except ValueError:
            pass
    errors.append(_("%(column)s “%(value)s” is not a date (use 2021-03-15).") % {"column": label, "value": value})
    return None


def split_list(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[;；,，、\n]", value or "") if v.strip()]


def _names_or_codes(rows) -> list[str]:
    """Names as the user reads them; a name two rows share is given by its (unique) code instead."""
    rows = list(rows)
    seen: dict[str, int] = {}
    for _code, name in rows:
        seen[name] = seen.get(name, 0) + 1
    return [name if seen[name] == 1 else code for code, name in rows]


def node_choices() -> list[str]:
    return _names_or_codes(IndustryNode.objects.order_by("chain__code", "code").values_list("code", "name_zh"))


def field_choices() -> list[str]:
    return _names_or_codes(TechField.objects.order_by("code").values_list("code", "name_zh"))


class PoolImporter(TabularImporter):
    """Shared lookups: organisations by name or credit code, and which owners the actor may import for."""

    def __init__(self, *, actor):
        if not actor.has_perm("transfer.import_pool"):
            raise PermissionDenied(_("Only technology-transfer staff and brokers can import into the pool."))
        super().__init__(actor=actor)
        self.is_admin = is_platform_admin(actor)
        self.transfer_ids = member_organisation_ids(actor, *TRANSFER_ROLES)

    def load_organisations(self) -> None:
        self.organisations: dict[str, Organisation] = {}
        for organisation in Organisation.objects.all():
            self.organisations[organisation.name_zh] = organisation
            if organisation.credit_code:
                self.organisations[organisation.credit_code] = organisation

    def owner_organisations(self):
        """Owners the actor may import for: their universities and institutes (all of them for platform staff)."""
        owners = Organisation.objects.filter(parent__isnull=True, kind__in=[Organisation.Kind.UNIVERSITY,
                                                                            Organisation.Kind.RESEARCH_INSTITUTE])
        return owners if self.is_admin else owners.filter(pk__in=self.transfer_ids)

    def owner_choices(self) -> list[str]:
        return list(self.owner_organisations().order_by("name_zh").values_list("name_zh", flat=True))

    def school_choices(self) -> list[str]:
        return list(Organisation.objects.filter(parent__in=self.owner_organisations()).order_by("name_zh")
                    .values_list("name_zh", flat=True))

    def may_import_for(self, *organisations) -> bool:
        return self.is_admin or bool(owner_side_ids(*organisations) & self.transfer_ids)

    def organisation(self, value: str, label: str, errors: list[str]) -> Organisation | None:
        organisation = self.organisations.get(value.strip())
        if organisation is None:
            errors.append(_("Unknown organisation “%(value)s” in %(column)s.") % {"value": value, "column": label})
        return organisation


class AchievementImporter(PoolImporter):
    kind = "achievements"
    columns = (
        Column("title", ("成果名称", "名称", "title"), help=_lazy("The achievement's title.")),
        Column("owner", ("权利人", "第一权利人", "所属单位", "owner"), format=Format.CHOICE,
               choices=lambda importer: importer.owner_choices(),
               help=_lazy("The owning university or institute, by name or credit code (one you work for).")),
        Column("industry_node", ("产业链节点", "产业链", "industry node"), format=Format.CHOICE,
               choices=lambda importer: node_choices(),
               help=_lazy("The industry-chain node, by name or code.")),
        Column("trl", ("技术成熟度", "成熟度", "TRL"), format=Format.INTEGER, bounds=(1, 9),
               help=_lazy("Technology readiness level: 1–3 research, 4–6 transfer, 7–9 industrialisation.")),
        Column("abstract", ("成果简介", "摘要", "简介", "abstract"), help=_lazy("Public summary of the achievement.")),
        Column("external_ref", ("成果编号", "编号", "reference"), required=False, max_length=60,
               help=_lazy("The owner's reference number; importing the same number again updates the row.")),
        Column("school", ("所属学院", "学院", "school"), required=False, format=Format.CHOICE,
               choices=lambda importer: importer.school_choices(),
               help=_lazy("A school (unit) of the owner.")),
        Column("keywords", ("关键词", "keywords"), required=False, format=Format.LIST, help=_lazy("Keywords.")),
        Column("field", ("学科领域", "技术领域", "field"), required=False, format=Format.CHOICE,
               choices=lambda importer: field_choices(),
               help=_lazy("Technology field, by name or code.")),
        Column("inventors", ("完成人", "发明人", "inventors"), required=False, format=Format.LIST,
               help=_lazy("Inventors' names.")),
        Column("confidential_detail", ("技术细节（保密）", "保密技术细节", "技术细节", "confidential detail"),
               help=_lazy("Confidential technical detail, shown only to the owner side and interested enterprises."),
               required=False),
    )

    def example_rows(self):
        owner = self.owner_organisations().order_by("pk").first()
        nodes, fields = node_choices(), field_choices()
        if owner is None or not nodes:
            return []
        school = Organisation.objects.filter(parent=owner).order_by("pk").first()
        # Fixed reference numbers: importing the template a second time updates the two examples.
        refs = iter(("EXAMPLE-0001", "EXAMPLE-0002"))
        return [
            {"title": "示例：高镍正极材料表面包覆技术", "owner": owner.name_zh, "industry_node": nodes[0], "trl": 4,
             "abstract": "通过原子层沉积在高镍正极颗粒表面形成纳米包覆层，提升循环寿命。", "external_ref": next(refs),
             "school": school.name_zh if school else "", "keywords": "高镍; 包覆; 循环寿命",
             "field": fields[0] if fields else "", "inventors": "张三; 李四", "confidential_detail": ""},
            {"title": "示例：工业设备振动故障诊断算法", "owner": owner.name_zh, "industry_node": nodes[-1], "trl": 6,
             "abstract": "基于振动信号的轴承早期故障诊断方法，已在产线试用。", "external_ref": next(refs),
             "school": "", "keywords": "故障诊断; 振动", "field": "", "inventors": "王五", "confidential_detail": ""},
        ]

    def prepare(self, rows):
        self.load_organisations()
        self.nodes = {}
        for node in IndustryNode.objects.all():
            self.nodes[node.code] = node
            self.nodes[node.name_zh] = node
        self.fields = {}
        for tech_field in TechField.objects.all():
            self.fields[tech_field.code] = tech_field
            self.fields[tech_field.name_zh] = tech_field
        owner_ids = {o.pk for name in {r.get("owner", "").strip() for r in rows}
                     if (o := self.organisations.get(name))}
        self.by_ref, self.by_title = {}, {}
        for pk, owner_id, ref, title in Achievement.objects.filter(owner_id__in=owner_ids).values_list(
                "pk", "owner_id", "external_ref", "title"):
            if ref:
                self.by_ref[(owner_id, ref)] = pk
            self.by_title[(owner_id, title)] = pk
        self.keys_in_file: dict[tuple, int] = {}
        self.titles_in_file: dict[tuple, int] = {}

    def clean_row(self, row, row_number):
        errors: list[str] = []
        title = row.get("title", "").strip()
        if not title:
            errors.append(_("The title is empty."))
        elif len(title) > 200:
            errors.append(_("The title is longer than 200 characters."))
        owner = self.organisation(row.get("owner", ""), _("owner"), errors) if row.get("owner") else None
        if not row.get("owner"):
            errors.append(_("The owner is empty."))
        school = None
        if row.get("school"):
            school = self.organisation(row["school"], _("school"), errors)
            if school and owner and school.parent_id != owner.pk and school.pk != owner.pk:
                errors.append(_("%(school)s is not a unit of %(owner)s.") % {"school": school, "owner": owner})
        if owner and not self.may_import_for(owner, school):
            errors.append(_("You may not import achievements of %(org)s.") % {"org": owner})
        node = self.nodes.get(row.get("industry_node", "").strip())
        if node is None:
            errors.append(_("Unknown industry-chain node “%(value)s”.") % {"value": row.get("industry_node", "")})
        trl_text = row.get("trl", "").strip()
        trl = int(trl_text) if trl_text.isdigit() else 0
        if not 1 <= trl <= 9:
            errors.append(_("TRL must be a whole number from 1 to 9, not “%(value)s”.") % {"value": trl_text})
        abstract = row.get("abstract", "").strip()
        if not abstract:
            errors.append(_("The abstract is empty."))
        tech_field = None
        if row.get("field"):
            tech_field = self.fields.get(row["field"].strip())
            if tech_field is None:
                errors.append(_("Unknown technology field “%(value)s”.") % {"value": row["field"]})
        ref = row.get("external_ref", "").strip()[:60]

        existing_pk = None
        if owner and title:
            key = (owner.pk, "ref", ref) if ref else (owner.pk, "title", title)
            if key in self.keys_in_file:
                errors.append(_("The same achievement already appears in row %(row)s.")
                              % {"row": self.keys_in_file[key]})
            elif (owner.pk, title) in self.titles_in_file:
                errors.append(_("The title “%(title)s” already appears in row %(row)s.")
                              % {"title": title, "row": self.titles_in_file[(owner.pk, title)]})
            else:
                self.keys_in_file[key] = row_number
                self.titles_in_file[(owner.pk, title)] = row_number
            existing_pk = self.by_ref.get((owner.pk, ref)) if ref else self.by_title.get((owner.pk, title))
            title_pk = self.by_title.get((owner.pk, title))
            if title_pk is not None and title_pk != existing_pk:
                errors.append(_("%(owner)s already has another achievement titled “%(title)s”.")
                              % {"owner": owner, "title": title})
        data = {
            "id": existing_pk, "title": title, "owner_id": getattr(owner, "pk", None),
            "school_id": getattr(school, "pk", None), "industry_node_id": getattr(node, "pk", None), "trl": trl,
            "abstract": abstract, "keywords": clean_keywords(row.get("keywords", "")),
            "field_id": getattr(tech_field, "pk", None),
            "inventor_names": "、".join(split_list(row.get("inventors", "")))[:300],
            "confidential_detail": row.get("confidential_detail", ""), "external_ref": ref,
        }
        return RowResult(row_number, data=data, errors=errors)

    def write(self, rows):
        new = [r.data for r in rows if r.data["id"] is None]
        for data in new:
            data.update(source=Achievement.Source.IMPORT, created_by_id=self.actor.pk)
        changed = changed_rows([r.data for r in rows if r.data["id"] is not None], Achievement,
                               ACHIEVEMENT_UPDATE_FIELDS)
        insert_with_history(Achievement, new, key=("owner_id", "title"), user=self.actor)
        update_with_history(Achievement, changed, fields=ACHIEVEMENT_UPDATE_FIELDS, user=self.actor)
        return len(new), len(changed)


def changed_rows(rows: list[dict], model, fields: list[str]) -> list[dict]:
    """The rows whose values differ from what is stored (an identical re-import writes nothing)."""
    attnames = [model._meta.get_field(name).attname for name in fields]
    current = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), 500):
        for stored in model.objects.filter(pk__in=ids[start:start + 500]).values("id", *attnames):
            current[stored["id"]] = stored
    return [row for row in rows if any(row[a] != current[row["id"]][a] for a in attnames)]


class PatentImporter(PoolImporter):
    kind = "patents"
    columns = (
        Column("application_number", ("申请号", "专利申请号", "application number"),
               help=_lazy("CN application number with its check digit, e.g. 201910123456.X; re-importing updates.")),
        Column("title", ("专利名称", "名称", "title"), max_length=200, help=_lazy("The patent's title.")),
        Column("owner", ("专利权人", "申请人", "权利人", "owner"), format=Format.CHOICE,
               choices=lambda importer: importer.owner_choices(),
               help=_lazy("The patentee, by name or credit code (one you work for).")),
        Column("filing_date", ("申请日", "filing date"), format=Format.DATE, help=_lazy("Filing date.")),
        Column("patent_type", ("专利类型", "类型", "type"), required=False, format=Format.CHOICE,
               choices=lambda importer: ["发明专利", "实用新型专利", "外观设计专利"],
               help=_lazy("Invention, utility model or design; read from the application number when empty.")),
        Column("publication_number", ("公开号", "公告号", "公开（公告）号", "publication number"), required=False,
               help=_lazy("Publication or grant number, e.g. CN110123456A.")),
        Column("legal_status", ("法律状态", "legal status"), required=False, format=Format.CHOICE,
               choices=lambda importer: ["审中", "授权", "驳回", "撤回", "失效", "届满"],
               help=_lazy("Legal status; pending when empty. A granted patent needs its grant date.")),
        Column("grant_date", ("授权日", "授权公告日", "grant date"), required=False, format=Format.DATE,
               help=_lazy("Grant date.")),
        Column("ipc_codes", ("IPC分类号", "IPC", "分类号", "ipc codes"), required=False, format=Format.LIST,
               help=_lazy("IPC classification codes, e.g. H01M 10/0525.")),
        Column("next_fee_due", ("年费到期日", "下次年费日", "next fee due"), required=False, format=Format.DATE,
               help=_lazy("Next annual-fee due date; computed from the filing date when empty.")),
        Column("achievement_refs", ("关联成果编号", "成果编号", "achievement refs"), required=False,
               format=Format.LIST, help=_lazy("Reference numbers of the owner's achievements this patent protects.")),
    )

    def example_rows(self):
        from .sample_data import application_number

        owner = self.owner_organisations().order_by("pk").first()
        if owner is None:
            return []
        taken = set(Patent.objects.values_list("application_number", flat=True))
        numbers = (n for n in (application_number(2023, "1", 9_000_000 + i) for i in range(10000))
                   if normalise_application_number(n) not in taken)
        return [
            {"application_number": next(numbers), "title": "示例：一种高镍正极材料的包覆方法", "owner": owner.name_zh,
             "filing_date": "2023-04-18", "patent_type": "发明专利", "legal_status": "审中", "ipc_codes": "H01M 4/36"},
            {"application_number": next(numbers), "title": "示例：一种轴承故障诊断装置", "owner": owner.name_zh,
             "filing_date": "2023-06-02", "patent_type": "发明专利", "legal_status": "授权", "grant_date": "2024-09-10",
             "ipc_codes": "G01M 13/045"},
        ]

    def prepare(self, rows):
        self.load_organisations()
        self.existing = dict(Patent.objects.values_list("application_number", "pk"))
        self.publications = dict(Patent.objects.exclude(publication_number="").values_list("publication_number", "pk"))
        self.achievements_by_ref = {
            (owner_id, ref): pk for pk, owner_id, ref in
            Achievement.objects.exclude(external_ref="").values_list("pk", "owner_id", "external_ref")
        }
        self.numbers_in_file: dict[str, int] = {}
        self.publications_in_file: dict[str, int] = {}
        self.today = timezone.localdate()
        self.links: dict[int, list[int]] = {}

    def clean_row(self, row, row_number):
        errors: list[str] = []
        raw_type = row.get("patent_type", "").strip().lower()
        patent_type = PATENT_TYPE_WORDS.get(raw_type) if raw_type else None
        if raw_type and patent_type is None:
            errors.append(_("Unknown patent type “%(value)s”.") % {"value": row["patent_type"]})
        application = publication = ""
        number = row.get("application_number", "")
        try:
            if patent_type is None and not raw_type:
                # The type may be left out: the application number encodes it.
                patent_type = application_patent_type(normalise_application_number(number))
            if patent_type:
                application, publication = clean_patent_numbers(number, row.get("publication_number", ""),
                                                                patent_type)
        except ValidationError as exc:
            errors.extend(exc.messages)
        if application:
            if application in self.numbers_in_file:
                errors.append(_("Patent %(number)s already appears in row %(row)s.")
                              % {"number": application, "row": self.numbers_in_file[application]})
            else:
                self.numbers_in_file[application] = row_number
        existing_pk = self.existing.get(application)
        if publication:
            other = self.publications.get(publication)
            if other is not None and other != existing_pk:
                errors.append(_("Publication number %(number)s belongs to another patent.") % {"number": publication})
            elif publication in self.publications_in_file:
                errors.append(_("Publication number %(number)s already appears in row %(row)s.")
                              % {"number": publication, "row": self.publications_in_file[publication]})
            else:
                self.publications_in_file[publication] = row_number
        title = row.get("title", "").strip()
        if not title:
            errors.append(_("The title is empty."))
        owner = self.organisation(row.get("owner", ""), _("patentee"), errors) if row.get("owner") else None
        if not row.get("owner"):
            errors.append(_("The patentee is empty."))
        if owner and not self.may_import_for(owner):
            errors.append(_("You may not import patents of %(org)s.") % {"org": owner})
        raw_status = row.get("legal_status", "").strip().lower()
        legal_status = LEGAL_STATUS_WORDS.get(raw_status, None) if raw_status else Patent.LegalStatus.PENDING
        if legal_status is None:
            errors.append(_("Unknown legal status “%(value)s”.") % {"value": row["legal_status"]})
        filing_date = parse_date(row.get("filing_date", ""), _("Filing date"), errors)
        if filing_date is None and not row.get("filing_date", "").strip():
            errors.append(_("The filing date is empty."))
        grant_date = parse_date(row.get("grant_date", ""), _("Grant date"), errors)
        next_fee_due = parse_date(row.get("next_fee_due", ""), _("Next annual fee due"), errors)
        if filing_date and grant_date and grant_date < filing_date:
            errors.append(_("A patent cannot be granted before it was filed."))
        if legal_status == Patent.LegalStatus.GRANTED and grant_date is None:
            errors.append(_("A granted patent needs its grant date."))
        ipc_codes = []
        for code in split_list(row.get("ipc_codes", "")):
            try:
                normalised = normalise_ipc_code(code)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                if normalised not in ipc_codes:
                    ipc_codes.append(normalised)
        achievement_ids = []
        for ref in split_list(row.get("achievement_refs", "")):
            pk = self.achievements_by_ref.get((owner.pk, ref)) if owner else None
            if pk is None:
                errors.append(_("%(org)s has no achievement numbered %(ref)s.") % {"org": owner or "-", "ref": ref})
            else:
                achievement_ids.append(pk)
        if filing_date and grant_date and legal_status == Patent.LegalStatus.GRANTED and next_fee_due is None:
            next_fee_due = first_fee_due(filing_date, grant_date, self.today)
        data = {
            "id": existing_pk, "application_number": application, "publication_number": publication,
            "title": title[:200], "patent_type": patent_type, "legal_status": legal_status,
            "owner_id": getattr(owner, "pk", None), "filing_date": filing_date, "grant_date": grant_date,
            "ipc_codes": ipc_codes, "next_fee_due": next_fee_due,
        }
        self.links[row_number] = achievement_ids
        return RowResult(row_number, data=data, errors=errors)

    def write(self, rows):
        new = [r.data for r in rows if r.data["id"] is None]
        changed = changed_rows([r.data for r in rows if r.data["id"] is not None], Patent, PATENT_UPDATE_FIELDS)
        insert_with_history(Patent, new, key=("application_number",), user=self.actor)
        update_with_history(Patent, changed, fields=PATENT_UPDATE_FIELDS, user=self.actor)
        wanted_by_number = {r.data["application_number"]: self.links[r.row_number] for r in rows
                            if self.links.get(r.row_number)}
        if wanted_by_number:
            pks = dict(Patent.objects.filter(application_number__in=list(wanted_by_number))
                       .values_list("application_number", "pk"))
            through = Patent.achievements.through
            wanted = {(pks[number], a) for number, ids in wanted_by_number.items() for a in ids}
            have = set(through.objects.filter(patent_id__in=pks.values()).values_list("patent_id", "achievement_id"))
            through.objects.bulk_create([through(patent_id=p, achievement_id=a) for p, a in wanted - have],
                                        batch_size=BATCH)
        return len(new), len(changed)


IMPORTERS = {AchievementImporter.kind: AchievementImporter, PatentImporter.kind: PatentImporter}

__all__ = ["AchievementImporter", "ImportFileError", "IMPORTERS", "PatentImporter"]
