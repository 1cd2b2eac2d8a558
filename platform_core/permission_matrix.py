"""The permission matrix: role × resource × field × action, in pages and API, on the demo data.

One source for two things: `tests/trust_tests/test_permission_matrix.py` plays every cell as the
demo account of its column, through the page or API request the row names, and
`manage.py permissions_doc` writes `docs/permissions.md` from the same rows (a test checks the
committed document is the generated one). Each row states, in demo accounts, who is allowed; the
visibility rules it exercises are declared in the apps' `permissions.py` (platform_core.visibility)
and listed in the document as well.

A row's outcome is read from the response: `status` (allowed = 2xx; refused = 400/403/404 and
nothing changed), `listed` (the record's id is in the API list), `shows` (a text is in the body).
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from .visibility import rules_registered

ACTIONS = ("list", "read", "read confidential", "create", "update", "delete", "sign", "score", "export")

# Columns: one demo account per role (platform_core/demo.py and the apps' loaders).
ROLES = (
    ("zhao", "student (doctoral, plain member of the energy center)"),
    ("li", "researcher (plain member of the energy center, bidder, founder)"),
    ("wang", "researcher, the center's university chief scientist"),
    ("ma", "enterprise mentor at the incubator's host"),
    ("tto", "university TTO / HR, the center's university director"),
    ("zhang", "enterprise R&D manager, poster, the center's enterprise director"),
    ("chen", "enterprise R&D manager and mentor, the center's enterprise chief scientist"),
    ("xu", "R&D manager of another enterprise"),
    ("sun", "government program officer"),
    ("zhou", "fund manager (angel fund institution)"),
    ("feng", "fund manager (bank)"),
    ("admin", "platform administrator"),
)
EVERYONE = frozenset(username for username, _who in ROLES)


def _model(label):
    return apps.get_model(label)


def battery_hire():
    return _model("talent.SharedHire").objects.get(position="固态电池首席科学家")


def draft_hire():
    return _model("talent.SharedHire").objects.get(status="draft")


def spin_off_round():
    """The guidance fund's angel round into the spin-off li founded."""
    return _model("funds.Investment").objects.get(company__name="西安循能梯次科技有限公司")


def seed_fund():
    return _model("funds.Fund").objects.get(name_zh="长安科创种子投资基金")


def center_commitment():
    return _model("funds.FundingCommitment").objects.filter(
        center__enterprise__name_zh="秦岭新能源科技股份有限公司", kind="enterprise_rd").order_by("pk").first()


def planned_tranche():
    return center_commitment().tranches.filter(status="planned").order_by("pk").first()


def center_challenge():
    return _model("projects.Challenge").objects.get(title_zh="固态电解质界面阻抗降低")


def government_bid():
    return _model("projects.Bid").objects.get(lead__username="hu")


def pending_topic_signoff():
    challenge = _model("projects.Challenge").objects.get(title_zh="储能电站热失控早期预警算法")
    return _model("platform.SignoffRequest").objects.get(kind="projects.topic_approval", target_id=str(challenge.pk),
                                                         status="pending")


def li_profile():
    return _model("talent.TalentProfile").objects.get(user__username="li")


def _score_payload(bid):
    return {"scores": {criterion["name"]: 80 for criterion in bid.call.criteria}, "comment": "matrix"}


@dataclass(frozen=True)
class Case:
    resource: str
    field: str
    action: str
    surface: str  # "API" or "page"
    record: str  # the demo record, in words
    allowed: frozenset
    locate: Callable
    request: Callable  # obj -> (method, url, data)
    outcome: str = "status"  # "status" | "listed" | "shows"
    text: Callable | None = None  # obj -> the text that `shows` looks for
    read_first: Callable | None = None  # obj -> a URL the actor reads first (a sign-off is read, then signed)

    @property
    def id(self) -> str:
        return f"{self.resource}:{self.field}:{self.action}:{self.surface}"


HIRE_READERS = frozenset({"tto", "zhang", "chen", "sun", "admin"})  # HR, paying managers, the subsidising agency
# The investee's founder and program officers (the guidance fund is the agency's: no fund manager of it here).
ROUND_READERS = frozenset({"li", "sun", "admin"})
COMMITMENT_READERS = frozenset({"wang", "tto", "zhang", "chen", "sun", "admin"})  # source, center leaders, POs
CONFIDENTIAL_READERS = frozenset({"zhang", "chen", "tto", "wang", "admin"})  # poster side, center leaders

CASES = (
    Case("shared hire", "*", "list", "API", "the solid-state battery hire (energy 45 %, storage 25 %, agency 30 %)",
         HIRE_READERS, battery_hire, lambda o: ("get", "/api/talent/shared-hires/?page_size=100", None), "listed"),
    Case("shared hire", "*", "read", "page", "the solid-state battery hire", HIRE_READERS, battery_hire,
         lambda o: ("get", f"/talent/shared-hires/{o.pk}/", None)),
    Case("shared hire", "annual package, cost shares", "read confidential", "API", "the solid-state battery hire",
         HIRE_READERS, battery_hire, lambda o: ("get", f"/api/talent/shared-hires/{o.pk}/costs/", None)),
    Case("shared hire", "cost split", "export", "page", "the battery hire's cost split (CSV)", HIRE_READERS,
         battery_hire, lambda o: ("get", f"/talent/shared-hires/{o.pk}/costs.csv", None)),
    Case("shared hire", "cost report", "export", "page", "the cost report (CSV): the energy enterprise's row",
         HIRE_READERS, battery_hire, lambda o: ("get", "/talent/cost-report/?format=csv", None), "shows",
         lambda o: "秦岭新能源"),
    Case("shared hire", "notes", "update", "API", "the draft part-time hire (heavy equipment)",
         frozenset({"tto", "admin"}), draft_hire,
         lambda o: ("patch", f"/api/talent/shared-hires/{o.pk}/", {"notes": "matrix"})),
    Case("talent profile", "title", "update", "API", "li's profile", frozenset({"li", "tto", "admin"}), li_profile,
         lambda o: ("patch", f"/api/talent/profiles/{o.pk}/", {"title": "matrix"})),
    Case("talent profile", "performance record (projects, income, rewards)", "read confidential", "API",
         "li's profile", frozenset({"li", "tto", "admin"}), li_profile,
         lambda o: ("get", f"/api/talent/profiles/{o.pk}/performance/", None)),
    Case("talent profile", "performance record", "read confidential", "page", "li's profile page",
         frozenset({"li", "tto", "admin"}), li_profile, lambda o: ("get", f"/talent/profiles/{o.pk}/", None), "shows",
         lambda o: 'data-testid="performance"'),
    Case("investment", "*", "list", "API", "the guidance fund's round into the spin-off 西安循能", ROUND_READERS,
         spin_off_round,
         lambda o: ("get", "/api/funds/investments/?page_size=100", None), "listed"),
    Case("investment", "amount, equity", "read confidential", "API", "the guidance fund's round into the spin-off",
         ROUND_READERS, spin_off_round, lambda o: ("get", f"/api/funds/investments/{o.pk}/", None)),
    Case("investment", "amount, equity", "read confidential", "page", "the guidance fund's page: that round",
         ROUND_READERS, spin_off_round, lambda o: ("get", f"/funds/{o.fund_id}/", None), "shows",
         lambda o: o.company.name),
    Case("investment", "*", "create", "API", "a seed round of the seed fund into the spin-off",
         frozenset({"zhou", "admin"}), spin_off_round,
         lambda o: ("post", "/api/funds/investments/", {
             "fund": seed_fund().pk, "company": o.company_id, "round": "seed", "amount": "1.00",
             "equity_percent": "0.01", "invested_on": o.invested_on.isoformat()})),
    Case("fund", "invested total", "read confidential", "API", "the seed fund", frozenset({"zhou", "sun", "admin"}),
         seed_fund, lambda o: ("get", f"/api/funds/funds/{o.pk}/", None), "shows", lambda o: '"invested_total"'),
    Case("fund", "description", "update", "API", "the seed fund", frozenset({"zhou", "admin"}), seed_fund,
         lambda o: ("patch", f"/api/funds/funds/{o.pk}/", {"description": "matrix"})),
    Case("funding commitment", "*", "list", "API", "the energy enterprise's R&D money for its center",
         COMMITMENT_READERS, center_commitment, lambda o: ("get", "/api/funds/commitments/?page_size=100", None),
         "listed"),
    Case("funding commitment", "*", "read", "page", "the energy enterprise's R&D money for its center",
         COMMITMENT_READERS, center_commitment, lambda o: ("get", f"/funds/commitments/{o.pk}/", None)),
    Case("funding commitment", "note", "update", "API", "the energy enterprise's R&D money for its center",
         frozenset({"zhang", "chen", "admin"}), center_commitment,
         lambda o: ("patch", f"/api/funds/commitments/{o.pk}/", {"note": "matrix"})),
    Case("disbursement tranche", "*", "delete", "API", "a planned tranche of that commitment",
         frozenset({"zhang", "chen", "admin"}), planned_tranche,
         lambda o: ("delete", f"/api/funds/tranches/{o.pk}/", None)),
    Case("challenge", "title, public summary", "read", "API", "the open center challenge (solid electrolytes)",
         EVERYONE, center_challenge, lambda o: ("get", f"/api/projects/challenges/{o.pk}/", None)),
    Case("challenge", "confidential detail", "read confidential", "API", "the open center challenge",
         CONFIDENTIAL_READERS, center_challenge, lambda o: ("get", f"/api/projects/challenges/{o.pk}/", None),
         "shows", lambda o: '"confidential_detail"'),
    Case("challenge", "confidential detail", "read confidential", "page", "the open center challenge",
         CONFIDENTIAL_READERS, center_challenge, lambda o: ("get", f"/projects/challenges/{o.pk}/", None), "shows",
         lambda o: o.confidential_detail),
    Case("topic", "*", "sign", "API", "the thermal-runaway topic awaiting both sides (center sides sign)",
         frozenset({"zhang", "chen", "tto", "wang"}), pending_topic_signoff,
         lambda o: ("post", f"/api/signoffs/{o.pk}/sign/", {"confirm": True}),
         read_first=lambda o: f"/api/signoffs/{o.pk}/"),
    Case("bid", "*", "read", "API", "hu's bid on the government-led call", frozenset({"sun", "xu", "admin"}),
         government_bid, lambda o: ("get", f"/api/projects/bids/{o.pk}/", None)),
    Case("bid", "scores", "score", "API", "hu's bid on the government-led call (panel: sun, xu)",
         frozenset({"sun", "xu"}), government_bid,
         lambda o: ("post", f"/api/projects/bids/{o.pk}/score/", _score_payload(o))),
)


def _mark(allowed: bool) -> str:
    return "✓" if allowed else "·"


def render_markdown() -> str:
    """docs/permissions.md: the declared visibility rules, then the matrix."""
    lines = [
        "# Permissions: who sees and does what",
        "",
        "Generated by `python manage.py permissions_doc` from `platform_core/permission_matrix.py` and the",
        "visibility rules the apps declare (`platform_core/visibility.py`); do not edit by hand.",
        "`tests/trust_tests/test_permission_matrix.py` plays every cell below with the demo accounts and",
        "checks this file is up to date.",
        "",
        "## Visibility by role (DESIGN §5 \"Who sees what\")",
        "",
        "Rows of these resources (or the fields named) are read only by the audiences listed;",
        "platform administrators read everything. Pages, API, exports and search use the same rule.",
        "",
    ]
    for declared in rules_registered():
        fields = "the whole record" if declared.whole_row else ", ".join(f"`{f}`" for f in declared.fields)
        lines += [f"### {declared.title}", "", f"`{declared.key}` on `{declared.model}`: {fields}.", ""]
        lines += [f"- {audience.describe}" for audience in declared.audiences]
        lines.append("")
    lines += [
        "## Writes reach only what the writer may see",
        "",
        "Every related field of every API serializer offers only the rows its writer may see or act for",
        "(`VisibleRelatedField`); an id outside them is refused with 400 as if it did not exist. Ownership",
        "fields (owner, creator, manager, source, poster …) are read-only or restricted to the writer's own",
        "organisations; a talent profile's account is never changed through the API, and on its page only",
        "by the university's HR. Directory models any signed-in user reads in full:",
        "",
    ]
    from .visibility import DIRECTORY_MODELS

    lines += [f"- `{label}`: {why}" for label, why in DIRECTORY_MODELS.items()]
    lines += ["", "## The matrix (demo accounts)", "", "Columns:", ""]
    lines += [f"- **{username}**: {who}" for username, who in ROLES]
    lines += ["", "✓ allowed, · refused (404, 403 or 400, nothing changed).", ""]
    header = "| resource | field | action | surface | record | " + " | ".join(u for u, _w in ROLES) + " |"
    lines += [header, "|" + "---|" * (5 + len(ROLES))]
    for case in CASES:
        cells = " | ".join(_mark(username in case.allowed) for username, _who in ROLES)
        lines.append(f"| {case.resource} | {case.field} | {case.action} | {case.surface} | {case.record} | {cells} |")
    lines.append("")
    return "\n".join(lines)
