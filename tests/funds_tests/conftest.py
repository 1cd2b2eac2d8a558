"""People and records of the capital chain: a financial institution and its fund manager,
a government agency and its program officer, an enterprise that sponsors a project and hosts
the incubator, a university that performs it."""
import pytest

from platform_core.models import Role
from tests.factories import member

from . import factories as f


@pytest.fixture
def fund_org(db):
    return f.financial_org(name_zh="长安科创天使投资基金管理有限公司")


@pytest.fixture
def fund_manager(fund_org):
    return member(fund_org, Role.FUND_MANAGER, username="fm")


@pytest.fixture
def other_fund_manager(db):
    return member(f.financial_org(name_zh="秦商银行科技支行"), Role.FUND_MANAGER, username="other_fm")


@pytest.fixture
def government(db):
    return f.government_org(name_zh="陕西省科学技术厅")


@pytest.fixture
def program_officer(government):
    return member(government, Role.PROGRAM_OFFICER, username="po")


@pytest.fixture
def fund(fund_org):
    return f.make_fund(fund_org)


@pytest.fixture
def project(enterprise, university, researcher):
    return f.make_project(enterprise, university, lead=researcher)


@pytest.fixture
def company(enterprise):
    return f.make_company(enterprise)


@pytest.fixture
def center(enterprise, university):
    return f.make_center(enterprise, university)


@pytest.fixture
def outsider(db):
    return member(f.OrganisationFactory(), Role.RD_MANAGER, Role.ORG_ADMIN, username="outsider")
