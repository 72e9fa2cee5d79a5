from django.conf import settings


def site(request):
    """Values every page needs: the site's name and absolute base URL (canonical links, emails)."""
    return {"SITE_NAME": "Pasar UMKM", "SITE_URL": settings.SITE_URL}
