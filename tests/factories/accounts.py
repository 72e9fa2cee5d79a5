import factory
from allauth.account.models import EmailAddress

from accounts.models import User

DEFAULT_PASSWORD = "kopi-bali-enak-2026"


class UserFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"pengguna{n}@contoh.id")
    full_name = factory.Faker("name", locale="id_ID")
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Meta:
        model = User
        skip_postgeneration_save = True


class VerifiedUserFactory(UserFactory):
    """A user whose primary email is verified, as allauth's mandatory verification requires to log in."""

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class SuperuserFactory(VerifiedUserFactory):
    """An operator with every permission (Wagtail admin at /cms/)."""

    is_staff = True
    is_superuser = True
