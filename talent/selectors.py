"""Reads of 一共享: visibility, the talent pool search, cost reports and dashboard counts."""
import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce

from platform_core.models import Membership, Organisation, Role
from platform_core.permissions import holds_role, is_platform_admin, member_organisation_ids
from platform_core.signoff import PartySpec, register_authority
from platform_core.visibility import visible

from .models import DualMentorAssignment, EnterpriseMentor, HireShare, SharedHire, TalentEvidence, TalentProfile

from .permissions import ENTERPRISE_SIGNER_ROLES, SHARED_HIRE_VISIBILITY, UNIVERSITY_HR_ROLES, UNIVERSITY_MENTOR_ROLES

CENT = Decimal("0.01")
OPEN_HIRE_STATUSES = (SharedHire.Status.SIGNING, SharedHire.Status.IN_EFFECT)


# Visibility


def talent_profiles_visible_to(user):
    """The talent pool is open to every signed-in user."""
    if not user.is_authenticated:
        return TalentProfile.objects.none()
    return TalentProfile.objects.select_related("organisation", "user")


def talent_pool_search(user, *, query: str = "", field=None, availability: str = "", overseas: bool | None = None):
    qs = talent_profiles_visible_to(user)
    if query:
        # Keywords live in a JSON list; icontains on its text finds them in SQLite and PostgreSQL alike.
        evidence = TalentEvidence.objects.filter(title__icontains=query).values("profile_id")
        qs = qs.filter(
            Q(name_zh__icontains=query) | Q(name_en__icontains=query) | Q(title__icontains=query)
            | Q(expertise__icontains=query) | Q(biography__icontains=query) | Q(pk__in=evidence)
        )
    if field:
        in_field = TalentProfile.fields.through.objects.filter(Q(techfield=field) | Q(techfield__parent=field))
        qs = qs.filter(pk__in=in_field.values("talentprofile_id"))
    if availability:
        qs = qs.filter(availability=availability)
    if overseas is not None:
        qs = qs.filter(is_overseas=overseas)
    return qs


def shared_hires_visible_to(user):
    """Hires whose terms the user may read (`SHARED_HIRE_VISIBILITY`: the parties' signatories and the person)."""
    return visible(SHARED_HIRE_VISIBILITY.key, user, SharedHire.objects.select_related("talent", "university"))


def with_shares(hires):
    """Hires with their shares and the shares' organisations, in share order (two queries for any number)."""
    return hires.prefetch_related(Prefetch("shares", queryset=HireShare.objects.select_related("organisation")))


def _with_party(hires, organisation):
    """Hires where `organisation` is the recruiting university or holds a share."""
    share = HireShare.objects.filter(organisation=organisation).values("hire_id")
    return hires.filter(Q(university=organisation) | Q(pk__in=share))


def enterprise_mentors_visible_to(user):
    """The mentor pool is open to every signed-in user."""
    if not user.is_authenticated:
        return EnterpriseMentor.objects.none()
    return EnterpriseMentor.objects.select_related("user", "organisation", "university")


def assignments_visible_to(user):
    """Students see theirs, mentors the students they mentor, university HR and enterprise managers their sides'."""
    qs = DualMentorAssignment.objects.select_related(
        "student", "university", "university_mentor", "enterprise_mentor__user", "enterprise"
    )
    if is_platform_admin(user):
        return qs
    hr_orgs = member_organisation_ids(user, *UNIVERSITY_HR_ROLES)
    enterprise_orgs = member_organisation_ids(user, *ENTERPRISE_SIGNER_ROLES)
    return qs.filter(_as_student_or_mentor(user) | Q(university_id__in=hr_orgs) | Q(enterprise_id__in=enterprise_orgs))


def _as_student_or_mentor(user) -> Q:
    # Every term a column of the assignment itself: the OR needs no join to the mentor's user.
    return (Q(student=user) | Q(university_mentor=user)
            | Q(enterprise_mentor_id__in=EnterpriseMentor.objects.filter(user=user).values("pk")))


def my_assignments(user):
    """The assignments in which the user is the student or one of the two mentors."""
    return assignments_visible_to(user).filter(_as_student_or_mentor(user))


def signatories_of(organisation, roles) -> list:
    return [m.user for m in Membership.objects.active().filter(organisation=organisation, role__in=roles)
            .select_related("user").order_by("user_id").distinct()]


def organisation_roles_party(organisation, label, roles) -> PartySpec:
    """The organisation signs through whoever holds one of `roles` there when signing."""
    return PartySpec(organisation, label, authority="organisation_roles",
                     authority_params={"organisation": organisation.pk, "roles": list(roles)})


register_authority("organisation_roles", lambda params: signatories_of(params["organisation"], params["roles"]))


def universities_for_hr(user):
    """Universities where the user may recruit, appoint mentors and assign students."""
    qs = Organisation.objects.of_kind(Organisation.Kind.UNIVERSITY)
    if is_platform_admin(user):
        return qs.filter(parent__isnull=True)
    return qs.filter(pk__in=member_organisation_ids(user, *UNIVERSITY_HR_ROLES))


def _members_of_hr_universities(user, *roles):
    """People with an active role (one of `roles`, any if none) in a university where `user` does HR, or its schools."""
    universities = universities_for_hr(user)
    memberships = Membership.objects.active().filter(
        Q(organisation__in=universities) | Q(organisation__parent__in=universities))
    if roles:
        memberships = memberships.filter(role__in=roles)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


def accounts_for_profiles(user):
    """Accounts a talent profile may be linked to by `user`: people of the universities where they do HR."""
    return _members_of_hr_universities(user)


def students_for_assignment(user):
    return _members_of_hr_universities(user, Role.STUDENT)


def university_mentors_for_assignment(user):
    return _members_of_hr_universities(user, *UNIVERSITY_MENTOR_ROLES)


def enterprise_people(user):
    """People of enterprises: who a university's HR may appoint as enterprise mentors."""
    if not is_hr_anywhere(user):
        return get_user_model().objects.none()
    memberships = Membership.objects.active().filter(organisation__kind=Organisation.Kind.ENTERPRISE)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


def placement_centers(user):
    """Joint centers of a university where the user does HR (where its students may be placed)."""
    from consortia.models import JointCenter

    return JointCenter.objects.filter(university__in=universities_for_hr(user)).order_by("name_zh", "pk")


def placement_projects(user):
    """Projects a university where the user does HR (or one of its schools) performs, not finished."""
    from projects.models import Project

    universities = universities_for_hr(user)
    return (Project.objects.filter(Q(performer__in=universities) | Q(performer__parent__in=universities))
            .exclude(status__in=[Project.Status.SOLVED, Project.Status.CLOSED]).order_by("-created_at", "-id"))


def mentors_for_assignment(user):
    """Enterprise mentors appointed by a university where the user does HR (the ones they may assign)."""
    return EnterpriseMentor.objects.filter(university__in=universities_for_hr(user)) \
        .select_related("user", "organisation").order_by("user__username", "pk")


def is_hr_anywhere(user) -> bool:
    """universities_for_hr(user).exists(), answered from the user's (cached) memberships."""
    return is_platform_admin(user) or holds_role(user, *UNIVERSITY_HR_ROLES, kinds=(Organisation.Kind.UNIVERSITY,))


# Cost split: prorated by contract months in each calendar year


def contract_months_in_year(start: date, end: date, year: int) -> Decimal:
    """Months of the contract [start, end] (both inclusive) inside `year`; part months count by days."""
    first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    months = Decimal(0)
    if first > last:
        return months
    for month in range(first.month, last.month + 1):
        if first.month < month < last.month:
            months += 1  # a whole month, as its day count would give
            continue
        days_in_month = calendar.monthrange(year, month)[1]
        covered_from = max(first, date(year, month, 1))
        covered_to = min(last, date(year, month, days_in_month))
        months += Decimal((covered_to - covered_from).days + 1) / Decimal(days_in_month)
    return months


def _split_costs(annual_cost: Decimal, start: date, end: date, percents: list[Decimal]):
    """(year, months, party index, amount) for each party in each calendar year of the contract [start, end].

    The year's total is rounded to the cent first and the last party takes the
    rounding remainder, so the parties' amounts always add up to the year's total.
    """
    for year in range(start.year, end.year + 1):
        months = contract_months_in_year(start, end, year)
        year_total = (annual_cost * months / 12).quantize(CENT, ROUND_HALF_UP)
        allocated = Decimal(0)
        for index, percent in enumerate(percents):
            if index == len(percents) - 1:
                amount = year_total - allocated
            else:
                amount = (year_total * percent / 100).quantize(CENT, ROUND_HALF_UP)
            allocated += amount
            yield year, months, index, amount


@dataclass(frozen=True)
class CostLine:
    hire: SharedHire
    year: int
    share: HireShare
    months: Decimal
    amount: Decimal


def hire_cost_lines(hire: SharedHire) -> list[CostLine]:
    """Each party's cost in each calendar year of the contract (up to its early end), in CNY."""
    shares = list(hire.shares.all())  # prefetched by `with_shares` where many hires are read
    return [
        CostLine(hire, year, shares[index], months.quantize(CENT, ROUND_HALF_UP), amount)
        for year, months, index, amount in _split_costs(hire.annual_cost, hire.start_date,
                                                        hire.terminated_on or hire.end_date,
                                                        [share.salary_percent for share in shares])
    ]


def cost_report(hires) -> list[dict]:
    """Cost per party per year over the `hires` queryset: [{organisation, role, year, hires, amount}].

    Reads plain values (two queries, then the parties' names), not model rows: a report spans every agreement.
    """
    shares = defaultdict(list)
    for hire_id, organisation_id, role, percent in HireShare.objects.filter(hire__in=hires.values("pk")) \
            .order_by("hire_id", "id").values_list("hire_id", "organisation_id", "role", "salary_percent"):
        shares[hire_id].append((organisation_id, role, percent))
    terms = hires.order_by().annotate(contract_end=Coalesce("terminated_on", "end_date")) \
        .values_list("pk", "annual_cost", "start_date", "contract_end")
    totals: dict[tuple, dict] = {}
    for pk, annual_cost, start, end in terms:
        parties = shares[pk]
        for year, _months, index, amount in _split_costs(annual_cost, start, end, [p[2] for p in parties]):
            organisation_id, role, _percent = parties[index]
            row = totals.get((organisation_id, year))
            if row is None:
                row = totals[organisation_id, year] = {"organisation": organisation_id, "role": role, "year": year,
                                                       "hires": 0, "amount": Decimal(0)}
            row["hires"] += 1
            row["amount"] += amount
    organisations = Organisation.objects.only("name_zh", "name_en").in_bulk({key[0] for key in totals})
    roles = {code: str(label) for code, label in HireShare.Role.choices}
    for row in totals.values():
        row["organisation"], row["role"] = organisations[row["organisation"]], roles[row["role"]]
    return sorted(totals.values(), key=lambda r: (r["year"], r["organisation"].name_zh))


def cost_report_rows(rows: list[dict]) -> list[list]:
    """The cost report's cells (written by platform_core.exports.csv_response, formula-safe)."""
    return [[row["year"], row["organisation"].name_zh, row["role"], row["hires"], f"{row['amount']:.2f}"]
            for row in rows]


def cost_report_hires_visible_to(user, *, organisation=None, year: int | None = None):
    """Hires in effect (or ended early) that the user may see, for the cost split page."""
    qs = shared_hires_visible_to(user).filter(status__in=[SharedHire.Status.IN_EFFECT, SharedHire.Status.TERMINATED])
    if organisation is not None:
        qs = _with_party(qs, organisation)
    if year is not None:
        qs = qs.filter(start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1))
    return qs


def overlapping_enterprise_time(talent, start: date, end: date, exclude_pk=None) -> Decimal:
    """Enterprise time already committed for `talent` by other open agreements overlapping [start, end]."""
    hires = SharedHire.objects.filter(
        talent=talent, status__in=OPEN_HIRE_STATUSES, start_date__lte=end, end_date__gte=start,
    ).exclude(pk=exclude_pk)
    return sum(
        (s.time_percent for s in HireShare.objects.filter(hire__in=hires, role=HireShare.Role.ENTERPRISE)),
        Decimal(0),
    )


# Dashboard counts (人才链). Every function takes an optional organisation and date range.


def _overlapping(qs, start_field: str, end_field: str, start: date | None, end: date | None):
    if start is not None:
        qs = qs.filter(**{f"{end_field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{start_field}__lte": end})
    return qs


def shared_hires_in_effect(*, organisation=None, start: date | None = None, end: date | None = None):
    """Signed agreements whose contract term overlaps [start, end]; `organisation` = any party."""
    qs = SharedHire.objects.filter(status__in=[SharedHire.Status.IN_EFFECT, SharedHire.Status.TERMINATED])
    qs = _overlapping(qs, "start_date", "end_date", start, end)
    if start is not None:
        qs = qs.filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=start))
    if organisation is not None:
        qs = _with_party(qs, organisation)
    return qs


def shared_talent_in_effect_count(*, organisation=None, start: date | None = None, end: date | None = None) -> int:
    """Distinct people hired under 校招共用 in effect in the period (a renewal is the same person)."""
    return shared_hires_in_effect(organisation=organisation, start=start, end=end).values("talent").distinct().count()


def enterprise_mentors_appointed(*, organisation=None, start: date | None = None, end: date | None = None):
    """Appointments whose term overlaps [start, end]; `organisation` = the enterprise or the appointing university."""
    qs = _overlapping(EnterpriseMentor.objects.all(), "term_start", "term_end", start, end)
    if organisation is not None:
        qs = qs.filter(Q(organisation=organisation) | Q(university=organisation))
    return qs


def enterprise_mentors_appointed_count(*, organisation=None, start: date | None = None,
                                       end: date | None = None) -> int:
    """Distinct people appointed as enterprise mentors in the period."""
    return enterprise_mentors_appointed(organisation=organisation, start=start, end=end) \
        .values("user").distinct().count()


def _assignments_of(organisation):
    qs = DualMentorAssignment.objects.all()
    if organisation is not None:
        qs = qs.filter(Q(university=organisation) | Q(enterprise=organisation))
    return qs


def _in_training_during(qs, start: date | None, end: date | None):
    if start is not None:
        qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    return qs


def students_trained_count(*, organisation=None, start: date | None = None, end: date | None = None) -> int:
    """Dual-mentor students who graduated in [start, end] (the seed's “工程硕士博士 trained”)."""
    qs = _assignments_of(organisation).filter(status=DualMentorAssignment.Status.GRADUATED)
    if start is not None:
        qs = qs.filter(ended_on__gte=start)
    if end is not None:
        qs = qs.filter(ended_on__lte=end)
    return qs.values("student").distinct().count()


def students_in_training_count(*, organisation=None, start: date | None = None, end: date | None = None) -> int:
    """Dual-mentor students in training at some time in [start, end]."""
    return _in_training_during(_assignments_of(organisation), start, end).values("student").distinct().count()


def talent_counts(*, organisation=None, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """The 人才链 figures of the dashboard in one call."""
    period = {"organisation": organisation, "start": start, "end": end}
    return {
        "shared_talent_in_effect": shared_talent_in_effect_count(**period),
        "enterprise_mentors_appointed": enterprise_mentors_appointed_count(**period),
        "students_trained": students_trained_count(**period),
        "students_in_training": students_in_training_count(**period),
    }


def talent_counts_by_organisation(*, start: date | None = None, end: date | None = None) -> list[dict]:
    """Per enterprise: shared hires it pays for, its appointed mentors and the students they train."""
    hires = shared_hires_in_effect(start=start, end=end)
    mentors = enterprise_mentors_appointed(start=start, end=end)
    rows: dict[int, dict] = {}

    def row(org_id):
        return rows.setdefault(org_id, {"organisation_id": org_id, "shared_talent": 0, "mentors": 0, "students": 0})

    for item in HireShare.objects.filter(hire__in=hires).values("organisation_id") \
            .annotate(n=Count("hire__talent", distinct=True)):
        row(item["organisation_id"])["shared_talent"] = item["n"]
    for item in mentors.values("organisation_id").annotate(n=Count("user", distinct=True)):
        row(item["organisation_id"])["mentors"] = item["n"]
    students = _in_training_during(DualMentorAssignment.objects.all(), start, end)
    for item in students.values("enterprise_id").annotate(n=Count("student", distinct=True)):
        row(item["enterprise_id"])["students"] = item["n"]
    return sorted(rows.values(), key=lambda r: r["organisation_id"])


def reporting_records() -> dict:
    """Every record of this app the reporting app aggregates and lists (issue 10): unscoped and read-only.
    Reporting applies its own scope (program officers read across organisations, leaders their own) and
    reads only non-confidential fields."""
    return {"mentor": EnterpriseMentor.objects.all(), "assignment": DualMentorAssignment.objects.all(),
            "hire": SharedHire.objects.all()}


def can_read_performance(viewer, profile: TalentProfile) -> bool:
    """The performance record (projects, transfer income, rewards to the person) is read by the person, the
    technology-transfer staff of the profile's organisation or its university, and platform administrators."""
    if not viewer.is_authenticated:
        return False
    if profile.user_id and viewer.pk == profile.user_id or is_platform_admin(viewer):
        return True
    keepers = [profile.organisation_id, profile.organisation.parent_id]
    return Membership.objects.active().filter(user=viewer, role=Role.TTO_STAFF, organisation_id__in=keepers).exists()


def performance_record(profile: TalentProfile) -> dict | None:
    """项目绩效: the person's projects (seed 003's evaluation and rewards) and technology-transfer results, from
    the projects and transfer apps; None for a profile without an account (nothing links records to it)."""
    from projects.selectors import project_performance_of
    from transfer.selectors import transfer_performance_of

    if profile.user_id is None:
        return None
    return {"projects": project_performance_of(profile.user), "transfer": transfer_performance_of(profile.user)}


def center_students(user, center):
    """The dual-mentor students placed in a joint center, as far as the user may see them (HR of the university,
    managers of the enterprise, the students and their mentors)."""
    return assignments_visible_to(user).filter(center=center).order_by("status", "-start_date", "-id")
