"""The operators' workshop screens in the Wagtail admin (workshops.views_operator): the trainers list, granting
the role by email and revoking it, and the read-only list of every workshop. Only operators; anyone else is
refused and nothing changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.payments.conftest import make_operator
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, TrainerProfile, Workshop

pytestmark = pytest.mark.django_db

TRAINERS = "/cms/pelatih-program/"
WORKSHOPS = "/cms/pelatihan-program/"


def revoke_url(user) -> str:
    return f"{TRAINERS}{user.pk}/cabut/"


def profiles() -> list[tuple]:
    return list(
        TrainerProfile.objects.order_by("pk").values_list("user_id", "is_active", "granted_by_id", "granted_at")
    )


def test_the_urls_are_the_ones_the_menu_links_to():
    assert reverse("workshops_trainers:index") == TRAINERS
    assert reverse("workshops_operator:index") == WORKSHOPS


def test_operators_see_every_trainer_with_who_granted_the_role_and_their_workshop_count(operator_client, operator):
    active = trainer()
    TrainerProfile.objects.filter(user=active).update(granted_by=operator)
    revoked = VerifiedUserFactory(full_name="Luh Mantan Pelatih")
    TrainerProfile.objects.create(user=revoked, is_active=False)
    workshop(trainers=[active])
    workshop(trainers=[active, revoked])

    response = operator_client.get(TRAINERS)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-trainer="{active.pk}" data-active="1"' in html
    assert f'data-trainer="{revoked.pk}" data-active="0"' in html
    assert active.email in html
    assert revoked.email in html
    assert operator.full_name in html
    assert [profile.workshop_count for profile in response.context["profiles"]] == [2, 1]
    assert html.count(f'action="{revoke_url(active)}"') == 1
    assert f'action="{revoke_url(revoked)}"' not in html  # a revoked trainer gets "grant again" instead


def test_granting_the_role_by_email_makes_an_existing_account_a_trainer(operator_client, operator):
    person = VerifiedUserFactory(email="made.pelatih@contoh.id")

    response = operator_client.post(TRAINERS, {"email": "  Made.Pelatih@Contoh.id "})

    assert (response.status_code, response["Location"]) == (302, TRAINERS)
    profile = TrainerProfile.objects.get(user=person)
    assert profile.is_active
    assert profile.granted_by == operator


def test_an_unknown_email_is_a_form_error_and_nothing_changes(operator_client):
    trainer()
    before = profiles()

    response = operator_client.post(TRAINERS, {"email": "tidak.ada@contoh.id"})

    assert response.status_code == 200
    assert 'data-field-error="email"' in response.content.decode()
    assert [error.code for error in response.context["form"].errors.as_data()["email"]] == ["unknown"]
    assert profiles() == before


def test_a_malformed_email_is_refused_and_nothing_changes(operator_client):
    before = profiles()

    response = operator_client.post(TRAINERS, {"email": "bukan-email"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert profiles() == before


def test_revoking_takes_the_role_away_and_granting_again_restores_it(operator_client, operator):
    person = trainer()
    item = workshop(trainers=[person])

    response = operator_client.post(revoke_url(person))

    assert (response.status_code, response["Location"]) == (302, TRAINERS)
    assert TrainerProfile.objects.get(user=person).is_active is False
    assert list(item.trainers.all()) == [person]  # their workshops stay

    operator_client.post(TRAINERS, {"email": person.email})

    profile = TrainerProfile.objects.get(user=person)
    assert profile.is_active
    assert profile.granted_by == operator


def test_revoking_someone_who_never_was_a_trainer_is_not_found(operator_client):
    assert operator_client.post(revoke_url(VerifiedUserFactory())).status_code == 404


def test_revoking_needs_a_post(operator_client):
    person = trainer()

    assert operator_client.get(revoke_url(person)).status_code == 405
    assert TrainerProfile.objects.get(user=person).is_active


def test_operators_see_every_workshop_with_status_trainers_and_seats_linking_to_the_trainer_page(operator_client):
    first, second = trainer(), trainer()
    published = workshop(title="Jualan Online Batch 1", capacity=10, trainers=[first])
    draft = workshop(title="Foto Produk Draf", status=Workshop.Status.DRAFT, trainers=[first, second])
    for _ in range(3):
        Registration.objects.create(workshop=published, user=VerifiedUserFactory(), status="registered")
    Registration.objects.create(workshop=published, user=VerifiedUserFactory(), status="waitlisted")

    response = operator_client.get(WORKSHOPS)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-workshop="{published.pk}" data-status="published"' in html
    assert f'data-workshop="{draft.pk}" data-status="draft"' in html
    assert 'data-seats="3/10"' in html
    assert f'href="{reverse("trainer:workshop", args=[published.pk])}"' in html
    assert f'href="{reverse("trainer:workshop", args=[draft.pk])}"' in html
    assert second.full_name in html


def test_an_operator_may_open_the_trainer_page_the_list_links_to(operator_client):
    item = workshop(trainers=[trainer()])

    assert operator_client.get(reverse("trainer:workshop", args=[item.pk])).status_code == 200


def test_the_lists_run_the_same_queries_whatever_their_length(operator_client):
    def queries(url: str) -> int:
        operator_client.get(url)  # warm up the admin's own per-user lookups
        with CaptureQueriesContext(connection) as captured:
            assert operator_client.get(url).status_code == 200
        return len(captured.captured_queries)

    person = trainer()
    workshop(trainers=[person])
    few = (queries(TRAINERS), queries(WORKSHOPS))
    for _ in range(6):
        other = trainer()
        workshop(trainers=[person, other])
    many = (queries(TRAINERS), queries(WORKSHOPS))

    assert many == few


def test_operators_get_the_workshops_menu(operator_client):
    html = operator_client.get("/cms/").content.decode()

    assert TRAINERS in html
    assert WORKSHOPS in html


# --- Refusals ---------------------------------------------------------------------------------------------------


def attempts(client, person) -> list:
    return [
        client.get(TRAINERS),
        client.post(TRAINERS, {"email": "calon@contoh.id"}),
        client.post(revoke_url(person)),
        client.get(WORKSHOPS),
    ]


def test_admin_users_who_are_not_operators_are_refused_and_nothing_changes(client):
    person = trainer()
    VerifiedUserFactory(email="calon@contoh.id")
    editor = make_operator(confirm=False)  # may enter /cms/, not in the Operator group
    client.force_login(editor)
    before = profiles()

    responses = attempts(client, person)

    # Wagtail turns a refusal inside the admin into a redirect to the dashboard with an error message.
    assert [(response.status_code, response["Location"]) for response in responses] == [(302, "/cms/")] * 4
    assert profiles() == before
    html = client.get("/cms/").content.decode()
    assert TRAINERS not in html
    assert WORKSHOPS not in html


@pytest.mark.parametrize("who", ["trainer", "shopper", "anonymous"])
def test_people_without_admin_access_are_sent_to_the_login_page_and_nothing_changes(client, who):
    person = trainer()
    VerifiedUserFactory(email="calon@contoh.id")
    if who == "trainer":
        client.force_login(person)
    elif who == "shopper":
        client.force_login(UserFactory())
    before = profiles()

    responses = attempts(client, person)

    assert [response.status_code for response in responses] == [302] * 4
    assert all("login" in response["Location"] for response in responses)
    assert profiles() == before
