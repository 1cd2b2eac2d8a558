"""Import of organisations from Excel/CSV.

Re-importing updates instead of duplicating. Natural key: the unified social credit code when the row has
one; otherwise the Chinese name together with the region (a row without a code whose name and region match
two organisations is refused as ambiguous). An update never clears a stored credit code.
"""
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from stdnum.cn import uscc
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .importing import Column, Format, RowResult, TabularImporter
from .models import IndustryNode, Organisation, Region
from .permissions import require
from .validators import normalise_credit_code, validate_credit_code

TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}
KIND_WORDS = {
    **{k: k for k in Organisation.Kind.values},
    "企业": "enterprise", "高校": "university", "大学": "university", "科研院所": "institute",
    "研究院": "institute", "政府": "government", "政府部门": "government", "金融机构": "financial",
    "中介机构": "intermediary", "中介": "intermediary",
}


def parse_flag(value: str, label: str, errors: list[str]) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        errors.append(_("%(column)s must be yes/no (是/否), not “%(value)s”.") % {"column": label, "value": value})
    return False


KIND_CHOICES = ["企业", "高校", "科研院所", "政府部门", "金融机构", "中介机构"]  # each a key of KIND_WORDS


def region_choices(importer=None) -> list[str]:
    return list(Region.objects.order_by("code").values_list("name_zh", flat=True))


def node_code_choices(importer=None) -> list[str]:
    return list(IndustryNode.objects.order_by("chain__code", "code").values_list("code", flat=True))


class OrganisationImporter(TabularImporter):
    kind = "organisations"
    columns = (
        Column("name_zh", ("名称", "中文名称", "单位名称", "name"), max_length=200,
               help=_lazy("The organisation's registered Chinese name; without a credit code, name and region "
                          "identify it on re-import.")),
        Column("kind", ("类型", "机构类型", "type"), format=Format.CHOICE, choices=lambda importer: KIND_CHOICES,
               help=_lazy("企业, 高校, 科研院所, 政府部门, 金融机构 or 中介机构.")),
        Column("credit_code", ("统一社会信用代码", "信用代码", "credit code"), required=False,
               help=_lazy("18 characters, check digit verified; importing a registered code again updates that organisation.")),
        Column("name_en", ("英文名称", "english name"), required=False, max_length=200, help=_lazy("English name.")),
        Column("region", ("地区", "地区代码", "region"), required=False, format=Format.CHOICE, choices=region_choices,
               help=_lazy("Region name or its 6-digit division code.")),
        Column("industry_nodes", ("产业链节点", "industry nodes"), required=False, format=Format.LIST,
               choices=node_code_choices, help=_lazy("Codes of industry-chain nodes, separated by ;.")),
        Column("is_fortune_global_500", ("世界500强", "fortune global 500"), required=False, format=Format.FLAG,
               choices=lambda importer: ["是", "否"], help=_lazy("Fortune Global 500 enterprise.")),
        Column("is_china_top_500", ("中国500强", "china top 500"), required=False, format=Format.FLAG,
               choices=lambda importer: ["是", "否"], help=_lazy("China Top 500 enterprise.")),
        Column("website", ("网站", "website"), required=False, max_length=200,
               help=_lazy("Web address, starting with https://.")),
    )

    def __init__(self, *, actor):
        require(actor, "platform.import_organisations")
        super().__init__(actor=actor)

    def example_rows(self):
        existing = set(Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True))
        codes = (body + uscc.calc_check_digit(body) for body in (f"91610131MA6X{n:05d}" for n in range(100000)))
        free = (code for code in codes if code not in existing)
        region = Region.objects.order_by("code").first()
        node = IndustryNode.objects.order_by("code").first()
        return [
            {"name_zh": "示例新材料科技有限公司", "kind": "企业", "credit_code": next(free),
             "name_en": "Example New Materials Co., Ltd.", "region": region.name_zh if region else "",
             "industry_nodes": node.code if node else "", "is_fortune_global_500": "否", "is_china_top_500": "否",
             "website": "https://example.com"},
            {"name_zh": "示例理工大学", "kind": "高校", "credit_code": next(free), "name_en": "Example University",
             "region": region.name_zh if region else "", "industry_nodes": "", "is_fortune_global_500": "否",
             "is_china_top_500": "否", "website": ""},
        ]

    def prepare(self, rows):
        names = {row.get("name_zh", "") for row in rows}
        self.by_code: dict[str, int] = {}
        self.by_name_region: dict[tuple, list[int]] = {}
        for pk, code, name, region_id in Organisation.objects.filter(
                Q(name_zh__in=names) | ~Q(credit_code="")).values_list("pk", "credit_code", "name_zh", "region_id"):
            if code:
                self.by_code[code] = pk
            if name in names:
                self.by_name_region.setdefault((name, region_id), []).append(pk)
        self.regions = {}
        for region in Region.objects.all():
            self.regions[region.code] = region
            self.regions[region.name_zh] = region
        self.nodes = {node.code: node for node in IndustryNode.objects.all()}
        self.keys_in_file: dict[tuple, int] = {}

    def clean_row(self, row, row_number):
        errors: list[str] = []
        name = row.get("name_zh", "")
        if not name:
            errors.append(_("The Chinese name is empty."))
        kind = KIND_WORDS.get(row.get("kind", "").strip().lower())
        if kind is None:
            errors.append(_("Unknown organisation type “%(value)s”.") % {"value": row.get("kind", "")})
        code = normalise_credit_code(row.get("credit_code", ""))
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                errors.extend(exc.messages)
                code = ""
        region = None
        if row.get("region"):
            region = self.regions.get(row["region"])
            if region is None:
                errors.append(_("Unknown region “%(value)s”.") % {"value": row["region"]})
        existing = None
        key = ("code", code) if code else ("name", name, getattr(region, "pk", None))
        if name and not errors:
            if key in self.keys_in_file:
                errors.append(_("The same organisation already appears in row %(row)s.")
                              % {"row": self.keys_in_file[key]})
            else:
                self.keys_in_file[key] = row_number
            if code:
                existing = self.by_code.get(code)
            else:
                matches = self.by_name_region.get((name, getattr(region, "pk", None)), [])
                if len(matches) > 1:
                    errors.append(_("%(count)s organisations are called “%(name)s” in this region; give the "
                                    "credit code.") % {"count": len(matches), "name": name})
                existing = matches[0] if len(matches) == 1 else None
        nodes = []
        for node_code in filter(None, (c.strip() for c in row.get("industry_nodes", "").replace("；", ";").split(";"))):
            node = self.nodes.get(node_code)
            if node is None:
                errors.append(_("Unknown industry-chain node “%(value)s”.") % {"value": node_code})
            else:
                nodes.append(node)
        data = {
            "name_zh": name, "name_en": row.get("name_en", ""), "kind": kind,
            "credit_code": code, "region": region, "website": row.get("website", ""),
            "is_fortune_global_500": parse_flag(row.get("is_fortune_global_500", ""), _("Fortune Global 500"), errors),
            "is_china_top_500": parse_flag(row.get("is_china_top_500", ""), _("China Top 500"), errors),
        }
        if not errors:
            try:
                Organisation(**data).full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                errors.extend(f"{k}: {'; '.join(v)}" for k, v in exc.message_dict.items())
        return RowResult(row_number, data={**data, "id": existing, "nodes": nodes}, errors=errors)

    def write(self, rows):
        fields = ["name_zh", "name_en", "kind", "credit_code", "region", "website", "is_fortune_global_500",
                  "is_china_top_500"]
        new_rows = [r for r in rows if r.data["id"] is None]
        organisations = bulk_create_with_history(
            [Organisation(**{k: r.data[k] for k in fields}) for r in new_rows], Organisation, default_user=self.actor,
        )
        stored = Organisation.objects.in_bulk([r.data["id"] for r in rows if r.data["id"] is not None])
        changed = []
        for r in rows:
            organisation = stored.get(r.data["id"])
            if organisation is None:
                continue
            values = {k: r.data[k] for k in fields if k != "credit_code" or r.data[k]}
            if any(getattr(organisation, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(organisation, k, v)
                changed.append(organisation)
        if changed:
            bulk_update_with_history(changed, Organisation, fields, batch_size=500, default_user=self.actor)
        through = Organisation.industry_nodes.through
        wanted = {(org.pk, node.pk) for org, r in zip(organisations, new_rows) for node in r.data["nodes"]}
        listed = {r.data["id"]: {node.pk for node in r.data["nodes"]} for r in rows
                  if r.data["id"] is not None and r.data["nodes"]}
        wanted |= {(pk, node) for pk, nodes in listed.items() for node in nodes}
        stale = []
        for pk, organisation_id, node_id in through.objects.filter(organisation_id__in=listed).values_list(
                "pk", "organisation_id", "industrynode_id"):
            if node_id in listed[organisation_id]:
                wanted.discard((organisation_id, node_id))
            else:
                stale.append(pk)
        through.objects.filter(pk__in=stale).delete()
        through.objects.bulk_create([through(organisation_id=o, industrynode_id=n) for o, n in wanted])
        return len(organisations), len(changed)
