"""Factories for the core models; each app's tests add theirs in tests/<app>_tests/factories.py."""
import factory
from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from platform_core.models import IndustryChain, IndustryNode, Membership, Organisation, Region, Role, TechField


def valid_credit_code(n: int) -> str:
    body = f"91610131MA{n:07d}"
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "610100"
    name_zh = "西安市"
    name_en = "Xi'an"


class IndustryChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryChain
        django_get_or_create = ["code"]

    code = "new-energy"
    name_zh = "新能源"
    name_en = "New energy"


class IndustryNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryNode

    chain = factory.SubFactory(IndustryChainFactory)
    segment = IndustryNode.Segment.MIDSTREAM
    code = factory.Sequence(lambda n: f"node-{n}")
    name_zh = factory.Sequence(lambda n: f"节点{n}")
    keywords = factory.LazyFunction(lambda: ["锂离子电池", "储能"])


class TechFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechField

    code = factory.Sequence(lambda n: f"08{n:02d}")
    name_zh = factory.Sequence(lambda n: f"学科{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.ENTERPRISE
    name_zh = factory.Sequence(lambda n: f"测试单位{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Organisation {n}")
    credit_code = factory.Sequence(valid_credit_code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.RESEARCHER


def member(organisation, *roles, username=None, **user_fields):
    """A new user holding `roles` in `organisation`."""
    user = UserFactory(**({"username": username} if username else {}), **user_fields)
    for role in roles:
        MembershipFactory(user=user, organisation=organisation, role=role)
    return user
