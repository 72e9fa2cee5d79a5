"""The check-in QR code of a registration (segno: pure Python). It holds the registration's secret only, which
the trainer's check-in page reads with the phone camera and posts as the code."""

import io

import segno


def _qr(secret: str) -> segno.QRCode:
    # Error correction "M" survives a cracked phone screen or a crumpled printout.
    return segno.make_qr(secret, error="m")


def qr_svg(secret: str, *, scale: int = 6) -> str:
    """Inline SVG markup (no XML declaration), safe to put in a page: it contains only paths."""
    buffer = io.BytesIO()
    _qr(secret).save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="QR", nl=False)
    return buffer.getvalue().decode()


def qr_png(secret: str, *, scale: int = 8) -> bytes:
    """A PNG for the reminder mail's attachment."""
    buffer = io.BytesIO()
    _qr(secret).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
