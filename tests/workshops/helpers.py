"""Builders shared by the workshops tests."""

from datetime import timedelta

from django.utils import timezone

from tests.factories.accounts import VerifiedUserFactory
from workshops.models import TrainerProfile, Workshop, WorkshopSession


def trainer():
    user = VerifiedUserFactory(full_name="Kadek Pelatih")
    TrainerProfile.objects.create(user=user)
    return user


def workshop(*, capacity=3, status=Workshop.Status.PUBLISHED, deadline_days=5, trainers=(), **fields):
    starts = timezone.now() + timedelta(days=7)
    item = Workshop.objects.create(
        title=fields.pop("title", "Jualan Online untuk Pemula"),
        slug=fields.pop("slug", f"jualan-online-{Workshop.objects.count() + 1}"),
        capacity=capacity,
        status=status,
        registration_deadline=timezone.now() + timedelta(days=deadline_days),
        venue_name="Aula Kecamatan Kuta Utara",
        venue_address="Jl. Raya Kerobokan No. 1",
        questions=[
            {"key": "business", "label": "Jenis usaha", "kind": "choice", "choices": ["makanan", "kerajinan"]},
            {"key": "online", "label": "Sudah jualan online?", "kind": "yes_no"},
        ],
        **fields,
    )
    WorkshopSession.objects.create(workshop=item, starts_at=starts, ends_at=starts + timedelta(hours=3))
    for user in trainers:
        item.trainers.add(user)
    return item
