"""The capital chain's searchable selects offer only what the user may pick, and the forms accept nothing else."""
import pytest

from funds.models import FundingCommitment
from platform_core.autocomplete import search
from platform_core.models import Role
from tests.factories import member

from . import factories as f

pytestmark = pytest.mark.django_db


def texts(source, user, **params):
    return [r["text"] for r in search(source, user=user, query="", params=params)]


def test_projects_only_for_those_who_invest_or_commit_and_may_see_them(project, fund, fund_manager,
                                                                        enterprise_admin, researcher, program_officer):
    assert texts("funds-projects", enterprise_admin) != []  # the sponsor's manager
    assert texts("funds-projects", program_officer) == texts("funds-projects", enterprise_admin)
    assert texts("funds-projects", fund_manager) == []  # a project he takes no part in is invisible to him
    assert texts("funds-projects", researcher) == []


def test_sources_and_managers_are_the_users_own(enterprise, enterprise_admin, fund_org, fund_manager, government,
                                                program_officer):
    assert texts("funds-sources", enterprise_admin) == [enterprise.name_zh]
    assert texts("funds-sources", program_officer) == [government.name_zh]
    assert texts("funds-sources", fund_manager) == []
    assert texts("funds-managers", fund_manager) == [fund_org.name_zh]
    assert texts("funds-managers", enterprise_admin) == []


def test_milestones_of_a_commitment_only_for_its_managers(enterprise, enterprise_admin, program_officer, project):
    milestone = f.make_milestone(project, title="中试验证")
    commitment = f.make_commitment(enterprise, project=project)
    assert texts("funds-milestones", enterprise_admin, commitment=str(commitment.pk)) == [
        f"{project} · {milestone.title} ({milestone.get_status_display()})"]
    assert texts("funds-milestones", program_officer, commitment=str(commitment.pk)) == []  # reads, never manages
    assert texts("funds-milestones", enterprise_admin, commitment="x") == []
    assert texts("funds-milestones", enterprise_admin) == []


def test_commitment_form_refuses_a_source_the_user_does_not_hold(client, enterprise_admin, project):
    other = f.OrganisationFactory(kind=enterprise_admin.memberships.first().organisation.kind)
    member(other, Role.RD_MANAGER)
    client.force_login(enterprise_admin)
    response = client.post("/funds/commitments/new/", {
        "source": other.pk, "project": project.pk, "title": "研发投入", "amount": "1000", "currency": "CNY",
        "committed_on": f.today().isoformat()})
    assert response.status_code == 200 and "source" in response.context["form"].errors
    assert not FundingCommitment.objects.exists()
