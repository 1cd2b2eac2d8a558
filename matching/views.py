"""Pages: "my matches", and the accept / dismiss / push buttons of every match panel.

A match the user may not read is a 404; one they may read but not decide on is a 403.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.pages import flash_service_error, paginate

from . import selectors, services
from .forms import DecisionForm, MatchFilterForm, PushNoteForm
from .models import Match


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return redirect(target)
    return redirect("matching:my-matches")


@login_required
def my_matches(request):
    form = MatchFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    matches = selectors.my_matches(request.user, direction=filters.get("direction", ""),
                                   status=filters.get("status", ""))
    page = paginate(request, matches)
    return render(request, "matching/my_matches.html", {
        "form": form, "page": page, "rows": selectors.match_rows(request.user, page.object_list),
    })


@login_required
@require_POST
def match_decide(request, pk):
    match = get_object_or_404(selectors.matches_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to dismiss the match."))
        return _back(request)
    try:
        services.match_decide(actor=request.user, match=match, verdict=form.cleaned_data["verdict"],
                              reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Match accepted.") if form.cleaned_data["verdict"] == Match.Status.ACCEPTED
                         else _("Match dismissed; it will not be suggested again."))
    return _back(request)


@login_required
@require_POST
def match_push(request, pk):
    match = get_object_or_404(selectors.matches_visible_to(request.user), pk=pk)
    if not request.user.has_perm("matching.decide_match", match):
        raise PermissionDenied
    form = PushNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        push = services.match_push(actor=request.user, match=match, note=note)
    except ValidationError as exc:
        flash_service_error(request, exc)
        return _back(request)
    messages.success(request, _("Pushed to %(enterprise)s.") % {"enterprise": push.enterprise})
    return _back(request)
