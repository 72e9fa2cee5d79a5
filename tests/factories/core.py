import factory

from marketplace.core.models import OutgoingEmail


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    """A pending mail in the outbox, due now, as `OutboxEmailBackend` writes it."""

    subject = "[Pasar UMKM] Pesanan baru"
    body = "Ada pesanan baru di toko Anda."
    from_email = "Pasar UMKM <noreply@pasarumkm.localhost>"
    to = factory.Sequence(lambda n: [f"penjual{n}@contoh.id"])
    headers = factory.Sequence(lambda n: {"Message-ID": f"<outbox-test-{n}@pasarumkm.localhost>"})

    class Meta:
        model = OutgoingEmail
