"""The attendance certificate of a workshop participant, as PDF (fpdf2, pure Python).

A4 landscape: "Certificate of attendance" (in the active language), the participant's name, the workshop's
title, its dates in WITA, the venue (or "Online"), the trainers' names, the certificate code given at check-in and
the public page that confirms it (`workshops:certificate-verify`). Only a checked-in registration has a
certificate; the view decides who may download it (`registration_get_for_user`).

Text goes through `orders.documents.latin1_text`, as on the invoices: fpdf2's core fonts draw Latin-1 only, and
Indonesian names and places survive it.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from marketplace.core.pdf import latin1_text

from .models import Registration
from .notifications import site_url

WITA = ZoneInfo("Asia/Makassar")
FONT = "helvetica"
BRAND_RGB = (15, 118, 110)  # the site's --brand colour
MUTED_RGB = (75, 85, 99)
MAX_DATE_LINES = 4


def participant_name(user) -> str:
    """The name printed for a participant: their full name; never their email address."""
    return (user.full_name or "").strip() or _("Participant")


def trainer_names(workshop) -> list[str]:
    """The trainers' names (reads `workshop.trainers`, prefetched by the selectors)."""
    names = [(trainer.full_name or "").strip() for trainer in workshop.trainers.all()]
    return sorted(name for name in names if name)


def session_dates(workshop) -> list[str]:
    """One line per session: "Sabtu, 12 Desember 2026, 09:00-12:00 WITA" (an end on another day is written
    out in full)."""
    lines = []
    for session in workshop.sessions.all():
        starts, ends = session.starts_at.astimezone(WITA), session.ends_at.astimezone(WITA)
        day = formats.date_format(starts, "l, j F Y")
        if ends.date() == starts.date():
            lines.append(f"{day}, {starts:%H:%M}-{ends:%H:%M} WITA")
        else:
            lines.append(f"{day}, {starts:%H:%M} - {formats.date_format(ends, 'l, j F Y')}, {ends:%H:%M} WITA")
    return lines


def venue_text(workshop) -> str:
    if workshop.venue_name:
        parts = [workshop.venue_name]
        if workshop.district_id:
            parts.append(workshop.district.name)
        return ", ".join(parts)
    return _("Online")


def verification_url(code: str) -> str:
    return site_url("workshops:certificate-verify", code)


class _Certificate(FPDF):
    def __init__(self, *, compress: bool):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_compression(compress)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(25, 20, 25)
        self.add_page()

    def centred(self, text: str, *, size: float, style: str = "", height: float | None = None, rgb=(17, 24, 39)):
        self.set_text_color(*rgb)
        self.set_font(FONT, style, size)
        self.multi_cell(0, height or size * 0.5, latin1_text(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def certificate_pdf(registration: Registration, *, compress: bool = True) -> bytes:
    """The certificate of a checked-in registration, as PDF bytes (`compress=False` leaves the text readable in
    the file, for tests). ValueError if the registration was never checked in."""
    if registration.checked_in_at is None or not registration.certificate_code:
        raise ValueError("Only a checked-in registration has a certificate.")
    workshop = registration.workshop
    code = registration.certificate_code
    site_name = settings.WAGTAIL_SITE_NAME
    title = _("Certificate of attendance")

    pdf = _Certificate(compress=compress)
    pdf.set_title(latin1_text(f"{title} {code}"))
    pdf.set_author(latin1_text(site_name))
    pdf.set_creator(latin1_text(site_name))

    # A double frame in the brand colour.
    pdf.set_draw_color(*BRAND_RGB)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    pdf.set_y(22)
    pdf.centred(site_name, size=12, style="B", rgb=BRAND_RGB)
    pdf.centred(_("UKM GO-DIGITAL training programme"), size=10, rgb=MUTED_RGB)
    pdf.ln(6)
    pdf.centred(title, size=30, style="B", height=14, rgb=BRAND_RGB)
    pdf.ln(4)
    pdf.centred(_("This certifies that"), size=12, rgb=MUTED_RGB)
    pdf.ln(2)
    pdf.centred(participant_name(registration.user), size=24, style="B", height=12)
    pdf.ln(2)
    pdf.centred(_("attended the workshop"), size=12, rgb=MUTED_RGB)
    pdf.ln(2)
    pdf.centred(workshop.title, size=18, style="B", height=9)
    pdf.ln(3)
    dates = session_dates(workshop)
    if len(dates) > MAX_DATE_LINES:  # a long course: its first and last session keep the page to one sheet
        dates = [
            _("%(count)s sessions, from %(first)s") % {"count": len(dates), "first": dates[0]},
            _("to %(last)s") % {"last": dates[-1]},
        ]
    for line in dates:
        pdf.centred(line, size=11, height=6)
    pdf.centred(venue_text(workshop), size=11, height=6)
    trainers = trainer_names(workshop)
    if trainers:
        pdf.ln(2)
        label = ngettext("Trainer: %(names)s", "Trainers: %(names)s", len(trainers))
        pdf.centred(label % {"names": ", ".join(trainers)}, size=11, height=6)

    # The code and where to check it, at the bottom (below the text, should a very long name or title reach it).
    pdf.set_y(max(pdf.get_y() + 4, pdf.h - 45))
    pdf.centred(_("Certificate code"), size=9, rgb=MUTED_RGB, height=5)
    pdf.centred(code, size=16, style="B", height=8)
    pdf.centred(_("Check this certificate at"), size=9, rgb=MUTED_RGB, height=5)
    pdf.centred(verification_url(code), size=10, height=5, rgb=BRAND_RGB)
    return bytes(pdf.output())
