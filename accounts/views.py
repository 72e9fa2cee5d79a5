from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm
from .services import user_update_profile


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """/akun/profil/: the user's name and phone number."""
    form = ProfileForm.for_user(request.user, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        user_update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            phone=phone.as_e164 if phone else "",
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)
