import datetime

import factory
from factory.django import DjangoModelFactory

from accreditation.models import Organisation, Service, ServiceMembership, User
from standards.models import AwardRule, Edition, Standard, Value

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", PASSWORD)
        return model_class.objects.create_user(*args, password=password, **kwargs)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NHS_TRUST


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    setting_type = Service.SettingType.INPATIENT_WARD
    region = Service.Region.LONDON
    joined_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=60))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = ServiceMembership

    user = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceFactory)
    role = ServiceMembership.Role.MEMBER


class EditionFactory(DjangoModelFactory):
    class Meta:
        model = Edition

    code = factory.Sequence(lambda n: f"t{n}")
    title = factory.LazyAttribute(lambda o: f"Test edition {o.code}")
    status = Edition.Status.PUBLISHED
    published_on = factory.LazyFunction(datetime.date.today)


class AwardRuleFactory(DjangoModelFactory):
    class Meta:
        model = AwardRule

    edition = factory.SubFactory(EditionFactory)


class ValueFactory(DjangoModelFactory):
    class Meta:
        model = Value

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"V{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Value {n}")
    statement = "Relationships come first."
    order = factory.Sequence(int)


class StandardFactory(DjangoModelFactory):
    class Meta:
        model = Standard

    value = factory.SubFactory(ValueFactory)
    edition = factory.SelfAttribute("value.edition")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.value.code}.{n}")
    title = factory.Sequence(lambda n: f"Standard {n}")
    statement = "Staff and people who use the service know each other by name."
    guidance = "Reviewers look for everyday signs of warm, respectful relationships."
    evidence_examples = "Community meeting minutes\nSurvey results"
    type = Standard.Type.ESSENTIAL
    order = factory.Sequence(int)


VALUE_CODES = ["BEL", "BOU", "COM", "DEV", "INV", "SAF", "STR", "EMP", "LEA", "OPE"]


def edition_with(*, standards_per_value: int, status: str = Edition.Status.PUBLISHED) -> Edition:
    """A whole edition of ten values with `standards_per_value` standards each, and an award rule."""
    edition = EditionFactory(status=status)
    AwardRuleFactory(edition=edition)
    for order, code in enumerate(VALUE_CODES):
        value = ValueFactory(edition=edition, code=code, order=order)
        types = list(Standard.Type)
        for number in range(1, standards_per_value + 1):
            StandardFactory(value=value, code=f"{code}.{number}", order=number, type=types[(number - 1) % 3])
    return edition
