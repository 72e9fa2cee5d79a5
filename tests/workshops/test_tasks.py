"""The scheduled tasks of workshops.tasks, called directly with the clock set: the day-before reminders (in WITA,
not before 08:00, once each, with the QR code), completing finished workshops, and the trainers' weekly list of
stuck participants."""

import io
from datetime import datetime, timedelta

import pytest
import segno
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from PIL import Image

from accounts.models import User
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ShopFactory
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, TrainerProfile, Workshop, WorkshopSession
from workshops.notifications import WITA
from workshops.selectors import participant_progress, stuck_participants_for_trainer
from workshops.services import registration_cancel, registration_create
from workshops.tasks import complete_finished_workshops, mail_stuck_participants, send_workshop_reminders

pytestmark = pytest.mark.django_db

# Friday 11 December 2026, 10:00 in Bali.
FRIDAY_MORNING = datetime(2026, 12, 11, 10, 0, tzinfo=WITA)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def clock():
    """Sets the clock: `clock(moment)`; it stands still until moved again."""
    traveller = None

    def travel(moment):
        nonlocal traveller
        if traveller is not None:
            traveller.stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()

    travel(FRIDAY_MORNING)
    yield travel
    traveller.stop()


def starting_at(moment, *, capacity=3, status=Workshop.Status.PUBLISHED, trainers=(), hours=3, **fields):
    """A workshop with one session starting at `moment` (registration left open: the tasks do not look at it)."""
    item = workshop(capacity=capacity, status=status, trainers=trainers, **fields)
    item.sessions.update(starts_at=moment, ends_at=moment + timedelta(hours=hours))
    return item


def seat(item, user=None):
    return registration_create(workshop=item, user=user or VerifiedUserFactory())


def qr_modules(png: bytes, *, scale: int = 8, border: int = 2) -> list[list[bool]]:
    """The dark/light modules read back from a QR code PNG (sampled at each module's centre)."""
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image = image.convert("L")
    size = image.width // scale - 2 * border
    assert image.width == image.height == (size + 2 * border) * scale
    return [
        [
            image.getpixel(((column + border) * scale + scale // 2, (row + border) * scale + scale // 2)) < 128
            for column in range(size)
        ]
        for row in range(size)
    ]


# --- Reminders -----------------------------------------------------------------------------------------


def test_seated_participants_of_tomorrows_workshop_are_reminded_once_with_their_qr_code(clock):
    item = starting_at(datetime(2026, 12, 12, 9, 0, tzinfo=WITA), capacity=2)
    first, second = seat(item), seat(item)
    mail.outbox.clear()

    assert send_workshop_reminders() == 2

    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.user.email, second.user.email])
    for message in mail.outbox:
        registration = first if message.to == [first.user.email] else second
        (attachment,) = message.attachments
        name, content, mimetype = attachment
        assert (name, mimetype) == (f"check-in-{registration.short_code}.png", "image/png")
        assert content.startswith(PNG_SIGNATURE)
        assert qr_modules(content) == [
            [bool(module) for module in row] for row in segno.make_qr(registration.qr_secret, error="m").matrix
        ]
        assert registration.short_code in message.body
        # The schedule in Bali time, in Indonesian.
        assert "Sabtu, 12 Desember 2026, 09:00-12:00 WITA" in message.body
        assert f"{settings.SITE_URL}/pelatihan/pendaftaran/{registration.pk}/" in message.body
        assert "Jualan Online untuk Pemula" in message.subject + message.body
    assert set(Registration.objects.values_list("reminded_at", flat=True)) == {timezone.now()}

    # An hour later, the hourly task finds nobody left to remind.
    mail.outbox.clear()
    clock(FRIDAY_MORNING + timedelta(hours=1))
    assert send_workshop_reminders() == 0
    assert mail.outbox == []


def test_no_reminder_for_the_waiting_list_the_cancelled_or_workshops_further_away(clock):
    tomorrow = starting_at(datetime(2026, 12, 12, 9, 0, tzinfo=WITA), capacity=1)
    seated, waiting, gone = VerifiedUserFactory(), VerifiedUserFactory(), VerifiedUserFactory()
    seat(tomorrow, seated)
    seat(tomorrow, waiting)
    registration_cancel(registration=seat(tomorrow, gone), user=gone)
    later = starting_at(datetime(2026, 12, 14, 9, 0, tzinfo=WITA))
    seat(later)
    called_off = starting_at(datetime(2026, 12, 12, 9, 0, tzinfo=WITA))
    seat(called_off)
    Workshop.objects.filter(pk=called_off.pk).update(status=Workshop.Status.CANCELLED)
    mail.outbox.clear()

    assert send_workshop_reminders() == 1

    assert [message.to for message in mail.outbox] == [[seated.email]]
    assert list(Registration.objects.filter(reminded_at__isnull=False).values_list("user_id", flat=True)) == [seated.pk]


def test_tomorrow_ends_at_midnight_in_bali_not_in_utc(clock):
    # Saturday 23:30 WITA is tomorrow; Sunday 01:00 WITA (Saturday 17:00 UTC) is the day after.
    late_tomorrow = starting_at(datetime(2026, 12, 12, 23, 30, tzinfo=WITA), hours=1)
    day_after = starting_at(datetime(2026, 12, 13, 1, 0, tzinfo=WITA), hours=1)
    on_time, too_early = seat(late_tomorrow), seat(day_after)
    mail.outbox.clear()

    assert send_workshop_reminders() == 1
    assert [message.to for message in mail.outbox] == [[on_time.user.email]]
    too_early.refresh_from_db()
    assert too_early.reminded_at is None


def test_no_reminders_before_eight_in_the_morning_in_bali(clock):
    item = starting_at(datetime(2026, 12, 12, 9, 0, tzinfo=WITA))
    registration = seat(item)
    mail.outbox.clear()

    # 07:59 WITA is 23:59 UTC the day before: still night in Bali.
    clock(datetime(2026, 12, 11, 7, 59, tzinfo=WITA))
    assert send_workshop_reminders() == 0
    assert mail.outbox == []
    registration.refresh_from_db()
    assert registration.reminded_at is None

    clock(datetime(2026, 12, 11, 8, 0, tzinfo=WITA))
    assert send_workshop_reminders() == 1
    assert [message.to for message in mail.outbox] == [[registration.user.email]]


def test_a_workshop_whose_first_session_has_started_gets_no_reminder_for_its_next_one(clock):
    item = starting_at(datetime(2026, 12, 11, 9, 0, tzinfo=WITA))
    WorkshopSession.objects.create(
        workshop=item,
        starts_at=datetime(2026, 12, 12, 9, 0, tzinfo=WITA),
        ends_at=datetime(2026, 12, 12, 12, 0, tzinfo=WITA),
    )
    seat(item)
    mail.outbox.clear()
    assert send_workshop_reminders() == 0
    assert mail.outbox == []


# --- Completing finished workshops ---------------------------------------------------------------------


def test_published_workshops_whose_every_session_ended_are_completed(clock):
    yesterday = datetime(2026, 12, 10, 9, 0, tzinfo=WITA)
    finished = starting_at(yesterday)
    going_on = starting_at(yesterday)  # a second session tomorrow
    WorkshopSession.objects.create(
        workshop=going_on, starts_at=yesterday + timedelta(days=2), ends_at=yesterday + timedelta(days=2, hours=3)
    )
    running_now = starting_at(datetime(2026, 12, 11, 9, 0, tzinfo=WITA))  # until 12:00
    draft = starting_at(yesterday, status=Workshop.Status.DRAFT)
    cancelled = starting_at(yesterday, status=Workshop.Status.CANCELLED)
    without_sessions = workshop()
    without_sessions.sessions.all().delete()

    assert complete_finished_workshops() == 1

    statuses = dict(Workshop.objects.values_list("pk", "status"))
    assert statuses == {
        finished.pk: "completed",
        going_on.pk: "published",
        running_now.pk: "published",
        draft.pk: "draft",
        cancelled.pk: "cancelled",
        without_sessions.pk: "published",
    }
    assert complete_finished_workshops() == 0

    clock(datetime(2026, 12, 11, 12, 0, 1, tzinfo=WITA))
    assert complete_finished_workshops() == 1
    assert Workshop.objects.get(pk=running_now.pk).status == "completed"


# --- Stuck participants --------------------------------------------------------------------------------


def stuck(item, *, name, days=20):
    """A participant (email verified, nothing more) who registered `days` days ago."""
    user = VerifiedUserFactory(full_name=name)
    registration = seat(item, user)
    moment = timezone.now() - timedelta(days=days)
    Registration.objects.filter(pk=registration.pk).update(created_at=moment)
    User.objects.filter(pk=user.pk).update(date_joined=moment)
    return user


def test_a_trainer_gets_one_list_of_their_participants_stuck_for_more_than_two_weeks(clock):
    coach = trainer()
    item = workshop(trainers=[coach], title="Foto Produk dengan Ponsel", slug="foto-produk")
    stuck(item, name="Ni Luh Sekar Wangi")
    stuck(item, name="I Gede Baru Daftar", days=3)
    mail.outbox.clear()

    assert mail_stuck_participants() == 1

    (message,) = mail.outbox
    assert message.to == [coach.email]
    assert "Ni Luh Sekar Wangi" in message.body
    assert "Foto Produk dengan Ponsel" in message.body
    assert "I Gede Baru Daftar" not in message.body
    assert TrainerProfile.objects.get(user=coach).stuck_digest_sent_at == timezone.now()

    # A re-run the same week sends nothing; a week later the list goes out again.
    mail.outbox.clear()
    clock(FRIDAY_MORNING + timedelta(days=3))
    assert mail_stuck_participants() == 0
    assert mail.outbox == []
    clock(FRIDAY_MORNING + timedelta(days=7))
    assert mail_stuck_participants() == 1
    assert [message.to for message in mail.outbox] == [[coach.email]]


def test_nobody_stuck_means_no_mail(clock):
    coach = trainer()
    item = workshop(trainers=[coach])
    stuck(item, name="I Made Rajin", days=5)
    user = stuck(item, name="Ni Ketut Selesai", days=40)
    ShopFactory(owner=user)  # moved on 0 days ago: a shop created today
    mail.outbox.clear()

    assert mail_stuck_participants() == 0
    assert mail.outbox == []
    assert TrainerProfile.objects.get(user=coach).stuck_digest_sent_at is None


def test_a_participant_of_two_of_their_workshops_is_listed_once_and_only_their_own_participants(clock):
    coach, other_coach = trainer(), trainer()
    one = workshop(trainers=[coach], slug="satu")
    two = workshop(trainers=[coach], slug="dua")
    elsewhere = workshop(trainers=[other_coach], slug="lain")
    both = stuck(one, name="Ni Wayan Dua Kali")
    seat(two, both)
    Registration.objects.filter(user=both).update(created_at=timezone.now() - timedelta(days=20))
    stuck(elsewhere, name="I Nyoman Bukan Peserta")
    called_off = workshop(trainers=[coach], slug="batal")
    stuck(called_off, name="I Komang Batal")
    Workshop.objects.filter(pk=called_off.pk).update(status=Workshop.Status.CANCELLED)
    mail.outbox.clear()

    assert mail_stuck_participants() == 2

    (message,) = [message for message in mail.outbox if message.to == [coach.email]]
    assert message.body.count("Ni Wayan Dua Kali") == 1
    assert "I Nyoman Bukan Peserta" not in message.body
    assert "I Komang Batal" not in message.body
    rows = stuck_participants_for_trainer(trainer=coach)
    assert [row.registration.user_id for row in rows] == [both.pk]


def test_a_revoked_trainer_gets_no_list(clock):
    coach = trainer()
    stuck(workshop(trainers=[coach]), name="Ni Putu Lama")
    TrainerProfile.objects.filter(user=coach).update(is_active=False)
    mail.outbox.clear()
    assert mail_stuck_participants() == 0
    assert mail.outbox == []


def test_the_weekly_list_and_the_stuck_flag_agree(clock):
    coach = trainer()
    cohort = workshop(trainers=[coach])
    stuck(cohort, name="Ni Kadek Hampir", days=14.5)
    assert stuck_participants_for_trainer(trainer=coach) == []
    assert not any(row.stuck for row in participant_progress(workshop=cohort))
    stuck(cohort, name="Ni Kadek Lama", days=15.5)
    rows = stuck_participants_for_trainer(trainer=coach)
    assert [row.name for row in rows] == ["Ni Kadek Lama"]
    assert all(row.stuck for row in rows)
