"""The email outbox: a mail is a row written in the caller's transaction, delivered after commit by a task,
retried with backoff by the sweep, and never lost or failed because SMTP, the broker or a worker is down."""

import logging
import smtplib
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import ngettext

from accounts.models import User
from marketplace.core import services
from marketplace.core.models import OutgoingEmail
from marketplace.core.services import outgoing_email_claim
from marketplace.core.tasks import deliver_email, sweep_outgoing_email
from tests.accounts.helpers import link_in_mail
from tests.factories.accounts import SuperuserFactory
from tests.factories.core import OutgoingEmailFactory

OUTBOX = "marketplace.core.mail.OutboxEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP_DOWN = "tests.core.test_outbox.SMTPDownBackend"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Bali

SUBJECT = "[Pasar UMKM] Selamat datang"
BODY = "Halo Ani, toko Anda sudah aktif."
HTML = "<p>Halo Ani, toko Anda <strong>sudah aktif</strong>.</p>"
FROM = "Pasar UMKM <noreply@pasarumkm.localhost>"
RECIPIENT = "ani@contoh.id"
SERVER_HUNG_UP = "SMTPServerDisconnected: Connection unexpectedly closed"

# What the test delivery backends below were asked to send, in order: (backend, subject).
delivery_attempts: list[tuple[str, str]] = []


class SMTPDownBackend(BaseEmailBackend):
    """A delivery backend whose SMTP server hangs up on every connection."""

    def send_messages(self, email_messages):
        delivery_attempts.extend(("smtp-down", message.subject) for message in email_messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class UnknownRecipientBackend(BaseEmailBackend):
    """A delivery backend whose SMTP server answers 550 for every recipient: the address does not exist."""

    def send_messages(self, email_messages):
        delivery_attempts.extend(("unknown-recipient", message.subject) for message in email_messages)
        raise smtplib.SMTPRecipientsRefused({RECIPIENT: (550, b"5.1.1 User unknown")})


class SecondWorkerMidSendBackend(LocmemBackend):
    """Delivers to mail.outbox, but first another worker tries to deliver every pending mail, mid-send."""

    def send_messages(self, email_messages):
        delivery_attempts.extend(("mid-send", message.subject) for message in email_messages)
        for pk in OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).values_list("pk", flat=True):
            deliver_email(pk)
        return super().send_messages(email_messages)


class SlowBackend(LocmemBackend):
    """Delivers to mail.outbox after half a second, like a real SMTP conversation."""

    def send_messages(self, email_messages):
        delivery_attempts.extend(("slow", message.subject) for message in email_messages)
        time.sleep(0.5)
        return super().send_messages(email_messages)


class ThreadNotingBackend(LocmemBackend):
    """Delivers to mail.outbox and notes whether it ran in the main thread (eager) or not (a worker)."""

    def send_messages(self, email_messages):
        in_main_thread = threading.current_thread() is threading.main_thread()
        delivery_attempts.extend(
            ("main thread" if in_main_thread else "worker thread", m.subject) for m in email_messages
        )
        return super().send_messages(email_messages)


@pytest.fixture(autouse=True)
def _forget_delivery_attempts():
    delivery_attempts.clear()
    yield
    delivery_attempts.clear()


@pytest.fixture
def outbox(settings):
    """Mail goes through the outbox (as in production) and is delivered to mail.outbox; default retry policy."""
    settings.EMAIL_BACKEND = OUTBOX
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    settings.EMAIL_OUTBOX_MAX_ATTEMPTS = 8
    settings.EMAIL_OUTBOX_FIRST_RETRY_SECONDS = 60
    settings.EMAIL_OUTBOX_MAX_RETRY_SECONDS = 6 * 60 * 60
    settings.EMAIL_OUTBOX_CLAIM_SECONDS = 600
    return settings


@pytest.fixture
def frozen(time_machine):
    """The clock stands still at NOW until the test moves it with `frozen.shift(...)`."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


def send_welcome(**overrides) -> int:
    fields = {"subject": SUBJECT, "body": BODY, "from_email": FROM, "to": [RECIPIENT]}
    fields.update(overrides)
    message = EmailMultiAlternatives(**fields)
    message.attach_alternative(HTML, "text/html")
    return message.send()


def send_welcome_then_roll_back() -> None:
    with transaction.atomic():
        assert send_welcome() == 1
        raise RuntimeError("abort")


def sweep(django_capture_on_commit_callbacks) -> int:
    """Run the beat task once, and the deliveries it queues (in this process: tasks are eager)."""
    with django_capture_on_commit_callbacks(execute=True):
        return sweep_outgoing_email()


def outbox_rows() -> list[tuple]:
    return list(OutgoingEmail.objects.order_by("pk").values_list("to", "status", "attempts"))


# --- The fast path: stored in the transaction, delivered after commit ------------------------------


@pytest.mark.django_db
def test_mail_sent_in_a_transaction_is_stored_and_delivered_only_after_commit(
    outbox, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert send_welcome() == 1
        assert outbox_rows() == [([RECIPIENT], "pending", 0)]
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    delivered = mail.outbox[0]
    assert (delivered.subject, delivered.body, delivered.from_email, delivered.to) == (SUBJECT, BODY, FROM, [RECIPIENT])
    assert delivered.alternatives == [(HTML, "text/html")]
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts, row.sent_at, row.claimed_until, row.last_error) == ("sent", 1, NOW, None, "")
    # The Message-ID was fixed when the mail was stored, so a retry would carry the same one.
    assert row.headers["Message-ID"].startswith("<")
    assert delivered.extra_headers == row.headers


@pytest.mark.django_db
def test_mail_sent_in_a_rolled_back_transaction_is_neither_stored_nor_delivered(
    outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError, match="abort"):
        send_welcome_then_roll_back()

    assert callbacks == []
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_outbox_keeps_cc_bcc_reply_to_headers_html_body_and_a_small_attachment(
    outbox, django_capture_on_commit_callbacks
):
    message = EmailMessage(
        subject="Sertifikat pelatihan",
        body="<p>Terlampir sertifikat Anda.</p>",
        from_email=FROM,
        to=[RECIPIENT],
        cc=["pelatih@contoh.id"],
        bcc=["arsip@contoh.id"],
        reply_to=["pelatihan@contoh.id"],
        headers={"X-Pasar-Kind": "certificate"},
    )
    message.content_subtype = "html"
    message.attach("sertifikat.pdf", b"%PDF-1.4 \x00\xff binary", "application/pdf")
    message.attach("catatan.txt", "Sampai jumpa di pelatihan berikutnya.", "text/plain")

    with django_capture_on_commit_callbacks(execute=True):
        assert message.send() == 1

    delivered = mail.outbox[0]
    assert (delivered.to, delivered.cc, delivered.bcc, delivered.reply_to) == (
        [RECIPIENT],
        ["pelatih@contoh.id"],
        ["arsip@contoh.id"],
        ["pelatihan@contoh.id"],
    )
    assert (delivered.content_subtype, delivered.body) == ("html", "<p>Terlampir sertifikat Anda.</p>")
    assert delivered.extra_headers["X-Pasar-Kind"] == "certificate"
    assert delivered.attachments == [
        ("sertifikat.pdf", b"%PDF-1.4 \x00\xff binary", "application/pdf"),
        ("catatan.txt", "Sampai jumpa di pelatihan berikutnya.", "text/plain"),
    ]
    assert OutgoingEmail.objects.get().status == "sent"


@pytest.mark.django_db
def test_attachments_over_the_outbox_limit_are_refused_loudly_and_nothing_is_stored(outbox):
    message = EmailMessage(subject=SUBJECT, body=BODY, from_email=FROM, to=[RECIPIENT])
    message.attach("foto.jpg", b"\xff" * (2 * 1024 * 1024 + 1), "image/jpeg")

    with pytest.raises(ValueError, match="over the outbox limit of 2097152 bytes"):
        message.send()

    assert OutgoingEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_header_with_a_newline_is_refused_in_the_caller_and_nothing_is_stored(outbox):
    with pytest.raises(BadHeaderError):
        send_welcome(subject="Halo\nBcc: semua@contoh.id")

    assert OutgoingEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_message_without_recipients_is_not_stored(outbox):
    assert get_connection().send_messages([EmailMessage(subject=SUBJECT, body=BODY, to=[])]) == 0

    assert OutgoingEmail.objects.count() == 0


@pytest.mark.django_db
def test_in_the_demo_the_mail_is_printed_on_the_console_right_after_the_request(
    outbox, settings, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        send_welcome()

    printed = capsys.readouterr().out
    assert f"Subject: {SUBJECT}" in printed
    assert f"To: {RECIPIENT}" in printed
    assert OutgoingEmail.objects.get().status == "sent"


# --- SMTP down: retried with backoff by the sweep, failed after the last attempt --------------------


@pytest.mark.django_db
def test_while_smtp_is_down_sending_succeeds_and_the_sweep_delivers_once_the_backoff_has_passed(
    outbox, settings, frozen, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_DOWN
    caplog.set_level(logging.WARNING, logger="marketplace.core.services")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_welcome() == 1  # the caller does not notice anything

    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, SERVER_HUNG_UP)
    assert (row.next_attempt_at, row.claimed_until, row.sent_at) == (NOW + timedelta(seconds=60), None, None)
    assert delivery_attempts == [("smtp-down", SUBJECT)]
    assert mail.outbox == []
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",
            f"Outgoing email {row.pk}: delivery attempt 1 of 8 failed ({SERVER_HUNG_UP}); "
            "next attempt at 2026-03-02T01:01:00+00:00.",
        )
    ]

    # Before the backoff has passed, the sweep leaves it alone.
    frozen.shift(timedelta(seconds=59))
    assert sweep(django_capture_on_commit_callbacks) == 0
    assert delivery_attempts == [("smtp-down", SUBJECT)]

    # SMTP is back, the backoff has passed: the next sweep delivers it.
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    frozen.shift(timedelta(seconds=1))
    assert sweep(django_capture_on_commit_callbacks) == 1

    assert [(m.subject, m.to, m.alternatives) for m in mail.outbox] == [(SUBJECT, [RECIPIENT], [(HTML, "text/html")])]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, NOW + timedelta(seconds=60))
    assert sweep(django_capture_on_commit_callbacks) == 0


@pytest.mark.django_db
def test_backoff_doubles_and_after_the_last_attempt_the_mail_is_failed_and_the_sweep_leaves_it_alone(
    outbox, settings, frozen, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_DOWN
    settings.EMAIL_OUTBOX_MAX_ATTEMPTS = 3
    caplog.set_level(logging.ERROR, logger="marketplace.core.services")
    with django_capture_on_commit_callbacks(execute=True):
        send_welcome()
    row = OutgoingEmail.objects.get()
    assert (row.attempts, row.next_attempt_at) == (1, NOW + timedelta(seconds=60))

    frozen.shift(timedelta(seconds=60))
    assert sweep(django_capture_on_commit_callbacks) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 2, NOW + timedelta(seconds=60 + 120))
    assert caplog.records == []

    frozen.shift(timedelta(seconds=120))
    assert sweep(django_capture_on_commit_callbacks) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error, row.claimed_until) == ("failed", 3, SERVER_HUNG_UP, None)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", f"Outgoing email {row.pk} to {RECIPIENT} failed for good after 3 attempts: {SERVER_HUNG_UP}")
    ]

    # Even with SMTP back and a day later, a failed mail is not retried by the sweep.
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    frozen.shift(timedelta(days=1))
    assert sweep(django_capture_on_commit_callbacks) == 0
    deliver_email(row.pk)
    assert delivery_attempts == [("smtp-down", SUBJECT)] * 3
    assert mail.outbox == []
    assert outbox_rows() == [([RECIPIENT], "failed", 3)]


@pytest.mark.django_db
def test_backoff_is_capped(outbox, settings, frozen, django_capture_on_commit_callbacks):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_DOWN
    settings.EMAIL_OUTBOX_MAX_RETRY_SECONDS = 100
    with django_capture_on_commit_callbacks(execute=True):
        send_welcome()

    frozen.shift(timedelta(seconds=60))
    assert sweep(django_capture_on_commit_callbacks) == 1

    row = OutgoingEmail.objects.get()
    assert (row.attempts, row.next_attempt_at) == (2, NOW + timedelta(seconds=60 + 100))


@pytest.mark.django_db
def test_a_recipient_the_server_refuses_for_good_fails_at_once_without_retries(
    outbox, settings, frozen, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = "tests.core.test_outbox.UnknownRecipientBackend"

    with django_capture_on_commit_callbacks(execute=True):
        send_welcome()

    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "SMTPRecipientsRefused: {'ani@contoh.id': (550, b'5.1.1 User unknown')}"
    frozen.shift(timedelta(days=1))
    assert sweep(django_capture_on_commit_callbacks) == 0
    assert delivery_attempts == [("unknown-recipient", SUBJECT)]


# --- Exactly once ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivering_a_sent_mail_again_sends_nothing(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_welcome()
    row = OutgoingEmail.objects.get()

    deliver_email(row.pk)
    deliver_email.delay(row.pk)
    assert sweep(django_capture_on_commit_callbacks) == 0

    assert len(mail.outbox) == 1
    assert outbox_rows() == [([RECIPIENT], "sent", 1)]


@pytest.mark.django_db
def test_two_sweeps_queueing_the_same_mail_deliver_it_once(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        send_welcome()  # the fast path is lost: nothing runs after commit

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_outgoing_email() == 1
        assert sweep_outgoing_email() == 1

    assert len(callbacks) == 2
    assert len(mail.outbox) == 1
    assert outbox_rows() == [([RECIPIENT], "sent", 1)]


@pytest.mark.django_db
def test_a_second_worker_arriving_while_the_first_is_sending_does_nothing(
    outbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = "tests.core.test_outbox.SecondWorkerMidSendBackend"

    with django_capture_on_commit_callbacks(execute=True):
        send_welcome()

    assert delivery_attempts == [("mid-send", SUBJECT)]
    assert len(mail.outbox) == 1
    assert outbox_rows() == [([RECIPIENT], "sent", 1)]


@pytest.mark.django_db
def test_a_mail_claimed_by_a_worker_that_died_is_delivered_by_the_sweep_once_the_claim_runs_out(
    outbox, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        send_welcome()
    row = OutgoingEmail.objects.get()
    # A worker claims the mail, then dies before sending it.
    assert outgoing_email_claim(outgoing_email_id=row.pk).pk == row.pk
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_until) == ("pending", 1, NOW + timedelta(seconds=600))

    # Its task is delivered again (acks late), and the sweep runs: both leave the claimed mail alone.
    deliver_email(row.pk)
    frozen.shift(timedelta(seconds=599))
    assert sweep(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []

    frozen.shift(timedelta(seconds=1))
    assert sweep(django_capture_on_commit_callbacks) == 1

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_until) == ("sent", 2, None)
    assert row.last_error == "The previous delivery attempt never finished (worker lost)."


@pytest.mark.django_db
def test_a_worker_that_died_on_the_last_attempt_leaves_a_failed_mail(
    outbox, settings, frozen, django_capture_on_commit_callbacks
):
    settings.EMAIL_OUTBOX_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=False):
        send_welcome()
    row = OutgoingEmail.objects.get()
    assert outgoing_email_claim(outgoing_email_id=row.pk) is not None

    frozen.shift(timedelta(seconds=600))
    assert sweep(django_capture_on_commit_callbacks) == 1

    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "The last delivery attempt never finished (worker lost).",
    )


def deliver_in_thread(pk: int, barrier: threading.Barrier) -> None:
    try:
        barrier.wait(timeout=5)
        deliver_email(pk)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_mail_at_the_same_moment_send_it_once(postgres, outbox, settings):
    settings.EMAIL_DELIVERY_BACKEND = "tests.core.test_outbox.SlowBackend"
    row = OutgoingEmailFactory(subject=SUBJECT)
    barrier = threading.Barrier(2)

    workers = [threading.Thread(target=deliver_in_thread, args=(row.pk, barrier)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)

    assert delivery_attempts == [("slow", SUBJECT)]
    assert len(mail.outbox) == 1
    assert outbox_rows() == [(row.to, "sent", 1)]


@pytest.mark.django_db(transaction=True)
def test_without_the_claim_two_workers_at_the_same_moment_would_both_send_the_mail(
    postgres, outbox, settings, monkeypatch
):
    """The test above can see a double send: with a claim that checks nothing, it happens."""
    settings.EMAIL_DELIVERY_BACKEND = "tests.core.test_outbox.SlowBackend"
    monkeypatch.setattr(
        services, "outgoing_email_claim", lambda *, outgoing_email_id: OutgoingEmail.objects.get(pk=outgoing_email_id)
    )
    row = OutgoingEmailFactory(subject=SUBJECT)
    barrier = threading.Barrier(2)

    workers = [threading.Thread(target=deliver_in_thread, args=(row.pk, barrier)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)

    assert delivery_attempts == [("slow", SUBJECT), ("slow", SUBJECT)]
    assert len(mail.outbox) == 2


# --- Broker down, and a real worker ---------------------------------------------------------------


@pytest.mark.django_db
def test_while_the_broker_is_down_sending_succeeds_and_the_sweep_delivers_once_it_is_back(
    outbox, unreachable_broker, settings, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="marketplace.core.queueing")
    broker_down = (
        "WARNING",
        "Broker unreachable; marketplace.core.tasks.deliver_email will be picked up by its sweep task.",
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert send_welcome() == 1

    assert len(callbacks) == 1
    assert outbox_rows() == [([RECIPIENT], "pending", 0)]
    assert mail.outbox == []
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [broker_down]

    # A sweep while the broker is still down cannot queue either; it says so and the mail stays pending.
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert outbox_rows() == [([RECIPIENT], "pending", 0)]
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [broker_down, broker_down]

    # The broker is back (here: tasks run in this process, as in the demo): the next sweep delivers.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert sweep(django_capture_on_commit_callbacks) == 1

    assert [(m.subject, m.to) for m in mail.outbox] == [(SUBJECT, [RECIPIENT])]
    assert outbox_rows() == [([RECIPIENT], "sent", 1)]


def wait_until(condition, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.celery_worker
def test_a_real_worker_delivers_a_mail_sent_through_the_outbox_after_commit(celery_worker, outbox, settings):
    settings.EMAIL_DELIVERY_BACKEND = "tests.core.test_outbox.ThreadNotingBackend"

    with transaction.atomic():
        assert send_welcome() == 1
        time.sleep(0.5)
        assert mail.outbox == []

    # The worker runs in a thread of this process, so its locmem deliveries land in this mail.outbox.
    assert wait_until(lambda: OutgoingEmail.objects.get().status == "sent")
    assert delivery_attempts == [("worker thread", SUBJECT)]
    assert [(m.subject, m.body, m.to, m.alternatives) for m in mail.outbox] == [
        (SUBJECT, BODY, [RECIPIENT], [(HTML, "text/html")])
    ]
    assert outbox_rows() == [([RECIPIENT], "sent", 1)]


# --- allauth through the outbox -------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_while_smtp_is_down_answers_normally_and_the_sweep_delivers_the_verification_mail_later(
    client, outbox, settings, frozen, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_DOWN
    password = "kopi-bali-enak-2026"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/akun/signup/",
            {"full_name": "Ni Luh Sari", "email": "luh.sari@contoh.id", "password1": password, "password2": password},
        )

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/confirm-email/"
    assert list(User.objects.values_list("email", "full_name")) == [("luh.sari@contoh.id", "Ni Luh Sari")]
    subject = "[Pasar UMKM] Mohon Konfirmasi Alamat E-mail Anda"
    assert delivery_attempts == [("smtp-down", subject)]
    assert outbox_rows() == [(["luh.sari@contoh.id"], "pending", 1)]
    assert mail.outbox == []

    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    frozen.shift(timedelta(seconds=60))
    assert sweep(django_capture_on_commit_callbacks) == 1

    assert [(m.subject, m.to) for m in mail.outbox] == [(subject, ["luh.sari@contoh.id"])]
    assert outbox_rows() == [(["luh.sari@contoh.id"], "sent", 2)]
    # The link in the late mail still verifies the address.
    confirmed = client.post(link_in_mail(mail.outbox[0]))
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/akun/login/"
    assert EmailAddress.objects.get().verified is True


# --- Operators -------------------------------------------------------------------------------------


@pytest.fixture
def operator_client(client, db):
    client.force_login(SuperuserFactory(email="operator@contoh.id"))
    return client


ADMIN_LIST = "/django-admin/core/outgoingemail/"


@pytest.mark.django_db
def test_admin_lists_outgoing_emails_filtered_by_status_and_searched_by_recipient(operator_client):
    sent = OutgoingEmailFactory(to=["ani@contoh.id"], status=OutgoingEmail.Status.SENT)
    failed = OutgoingEmailFactory(to=["budi@contoh.id"], status=OutgoingEmail.Status.FAILED)
    pending = OutgoingEmailFactory(to=["made@contoh.id"], bcc=["ani.arsip@contoh.id"])

    def listed(query: str) -> list[int]:
        response = operator_client.get(f"{ADMIN_LIST}{query}")
        assert response.status_code == 200
        return [row.pk for row in response.context["cl"].result_list]

    assert sorted(listed("")) == sorted([sent.pk, failed.pk, pending.pk])
    assert listed("?status__exact=failed") == [failed.pk]
    assert sorted(listed("?q=ani")) == sorted([sent.pk, pending.pk])
    assert listed("?q=budi@contoh.id") == [failed.pk]


@pytest.mark.django_db
def test_admin_is_read_only(operator_client):
    row = OutgoingEmailFactory(subject="Asli")

    assert operator_client.get(f"{ADMIN_LIST}add/").status_code == 403
    view = operator_client.get(f"{ADMIN_LIST}{row.pk}/change/")
    assert view.status_code == 200
    assert "Asli" in view.content.decode()
    assert operator_client.post(f"{ADMIN_LIST}{row.pk}/change/", {"subject": "Diubah"}).status_code == 403
    assert operator_client.post(f"{ADMIN_LIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.subject == "Asli"
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db
def test_admin_retry_now_delivers_failed_and_waiting_mails_at_once_and_leaves_sent_ones_alone(
    operator_client, outbox, frozen, django_capture_on_commit_callbacks
):
    failed = OutgoingEmailFactory(
        to=["budi@contoh.id"], status=OutgoingEmail.Status.FAILED, attempts=8, last_error=SERVER_HUNG_UP
    )
    waiting = OutgoingEmailFactory(to=["made@contoh.id"], attempts=2, next_attempt_at=NOW + timedelta(hours=1))
    sent = OutgoingEmailFactory(to=["ani@contoh.id"], status=OutgoingEmail.Status.SENT, attempts=1, sent_at=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            ADMIN_LIST, {"action": "retry_now", "_selected_action": [failed.pk, waiting.pk, sent.pk]}, follow=True
        )

    assert response.status_code == 200
    # /django-admin/ speaks the default language, Indonesian.
    with translation.override("id"):
        queued = ngettext("%(count)d email queued for delivery.", "%(count)d emails queued for delivery.", 2)
    assert [str(message) for message in response.context["messages"]] == [queued % {"count": 2}]
    assert sorted(m.to[0] for m in mail.outbox) == ["budi@contoh.id", "made@contoh.id"]
    assert list(OutgoingEmail.objects.order_by("pk").values_list("status", "attempts", "sent_at")) == [
        ("sent", 9, NOW),
        ("sent", 3, NOW),
        ("sent", 1, NOW),
    ]
