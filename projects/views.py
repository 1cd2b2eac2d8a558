"""Pages of the challenge → project chain. Every write goes through projects.services."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consortia.selectors import centers_directed_by, centers_of_user
from platform_core.audit import audit_trail
from platform_core.exports import file_response
from platform_core.models import Organisation
from platform_core.pages import add_service_errors, flash_service_error, paginate
from platform_core.signoff import signoffs_awaiting, signoffs_for

from . import conflicts, forms, selectors, services
from .models import (
    Bid, BidMember, Challenge, ChallengeAttachment, ConflictDeclaration, Document, Milestone, MilestoneAssessment, Mode,
    Project, Undertaking,
)
from .permissions import MANAGING_ROLES, POSTER_KINDS, can_post_challenge


def _challenge(request, pk) -> Challenge:
    return get_object_or_404(selectors.challenges_visible_to(request.user), pk=pk)


def _bid(request, pk) -> Bid:
    return get_object_or_404(selectors.bids_visible_to(request.user), pk=pk)


def _project(request, pk) -> Project:
    return get_object_or_404(selectors.projects_visible_to(request.user), pk=pk)


def service_action(redirect_to):
    """POST-only page action: run the view's service call, flash its outcome, go back."""
    def decorator(view):
        @login_required
        @require_POST
        @wraps(view)
        def wrapper(request, pk):
            target = redirect_to(request, pk)
            try:
                message = view(request, pk)
            except ValidationError as exc:
                flash_service_error(request, exc)
            else:
                if message:
                    messages.success(request, message)
            return redirect(target)
        return wrapper
    return decorator


def _redirect_target(name):
    def target(request, pk):
        from django.urls import reverse

        return reverse(name, args=[pk])
    return target


# Lists and workbench


@login_required
def challenge_list(request):
    form = forms.ChallengeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    challenges = selectors.challenge_list(
        request.user, query=filters.get("q", ""), status=filters.get("status", ""), mode=filters.get("mode", ""),
        node=filters.get("node"), trl=filters.get("trl"))
    return render(request, "projects/challenge_list.html", {
        "form": form, "page": paginate(request, challenges), "can_post": can_post_challenge(request.user),
    })


@login_required
def workbench(request):
    """One page per person: what the enterprise manager, the researcher and the center director need today."""
    user = request.user
    return render(request, "projects/workbench.html", {
        "awaiting": signoffs_awaiting(user).select_related("created_by")[:20],
        "my_challenges": selectors.challenges_posted_by_side(user)[:20],
        "bids_to_review": selectors.bids_to_review(user)[:20],
        "undertakings": selectors.undertakings_to_decide(user)[:20],
        "open_challenges": selectors.open_challenges_for(user).select_related("call")[:10],
        "my_bids": selectors.my_bids(user)[:20],
        "my_projects": selectors.my_projects(user)[:20],
        "milestones_due": selectors.milestones_due(user)[:20],
        "centers": centers_directed_by(user)[:20] or centers_of_user(user)[:20],
    })


@login_required
def project_list(request):
    projects = selectors.projects_visible_to(request.user)
    query, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    if query:
        projects = projects.filter(Q(title__icontains=query) | Q(challenge__title_zh__icontains=query)
                                   | Q(performer__name_zh__icontains=query))
    if status:
        projects = projects.filter(status=status)
    return render(request, "projects/project_list.html", {
        "page": paginate(request, projects), "statuses": Project.Status.choices,
        "query": query, "status": status,
    })


# Challenge


def _posters(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__is_active=True, memberships__role__in=MANAGING_ROLES,
        kind__in=POSTER_KINDS,
    ).distinct()


@login_required
def challenge_create(request):
    if not can_post_challenge(request.user):
        raise PermissionDenied(_("Only R&D managers and administrators of an enterprise, university, institute or "
                                 "government agency may post challenges."))
    posters = _posters(request.user)
    form = forms.ChallengeForm(request.POST or None, user=request.user, posters=posters)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        poster, mode = data.pop("poster"), data.pop("mode") or None
        try:
            challenge = services.challenge_create(actor=request.user, poster=poster, mode=mode, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Challenge saved as a draft."))
            return redirect("projects:challenge-detail", pk=challenge.pk)
    return render(request, "projects/challenge_form.html", {"form": form})


@login_required
def challenge_edit(request, pk):
    challenge = _challenge(request, pk)
    if not request.user.has_perm("projects.change_challenge", challenge):
        raise PermissionDenied
    form = forms.ChallengeForm(request.POST or None, user=request.user, instance=challenge)
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_update(actor=request.user, challenge=Challenge.objects.get(pk=pk), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Challenge saved."))
            return redirect("projects:challenge-detail", pk=pk)
    return render(request, "projects/challenge_form.html", {"form": form, "challenge": challenge})


@login_required
def challenge_detail(request, pk):
    user = request.user
    challenge = get_object_or_404(selectors.challenge_with_chain(user), pk=pk)
    can_change = user.has_perm("projects.change_challenge", challenge)
    can_refine = user.has_perm("projects.refine_challenge", challenge)
    call = getattr(challenge, "call", None)
    my_bid = call.bids.filter(lead=user).exclude(status=Bid.Status.WITHDRAWN).first() if call else None
    can_see_bids = call is not None and user.has_perm("projects.review_call", call)
    return render(request, "projects/challenge_detail.html", {
        "challenge": challenge,
        "show_confidential": user.has_perm("projects.view_confidential", challenge),
        "can_change": can_change,
        "can_refine": can_refine,
        "topic": getattr(challenge, "topic", None),
        "call": call,
        "page": paginate(request, selectors.ranked_bids(call)) if call and can_see_bids else None,
        "my_bid": my_bid,
        "can_bid": (call is not None and challenge.status == Challenge.Status.OPEN and my_bid is None
                    and selectors.bidding_organisations(user, challenge).exists()),
        "project": challenge.project,
        "projects": list(challenge.projects.all()),
        "award_form": forms.AwardForm(call=call) if can_change and call is not None and call.winners > 1
        and challenge.status == Challenge.Status.OPEN and (not call.stage_rules or call.stage == "award") else None,
        "my_undertaking": challenge.undertakings.filter(user=user).first(),
        "undertakings": challenge.undertakings.select_related("user", "organisation") if can_change else None,
        "undertaking_form": forms.UndertakingForm(),
        "close_form": forms.ReasonForm(),
        "signoffs": signoffs_for(challenge),
        "audit": audit_trail(challenge)[:30] if can_change or user.is_staff else None,
        "attachments": selectors.attachments_visible_to(user, challenge),
        "call_documents": call.documents.all() if call else None,
        "call_document_form": forms.DocumentForm(templates=True) if call is not None and can_change
        and call.status == call.Status.OPEN else None,
        "attachment_form": forms.AttachmentForm() if can_change else None,
        **_conflict_context(user, call, can_refine=can_refine, can_see_bids=can_see_bids),
        **_question_context(request, call, can_change=can_change, can_refine=can_refine),
        **_review_context(request.user, call, can_change=can_change),
    })


def _review_context(user, call, *, can_change: bool) -> dict:
    """The staged review's rules (shown to everyone who sees the call) and the posting side's next steps."""
    if call is None:
        return {}
    running = can_change and call.status != "awarded"
    return {
        "stage_rules": call.stage_rules,
        "can_advance": running and bool(call.stage_rules) and call.stage in {
            "bidding", "formal_check", "defence"},
        "shortlist_form": forms.ShortlistForm(call=call) if running and call.stage == "expert_review" else None,
        "expert_form": forms.ExpertForm(user=user, call=call) if running and call.stage != "award" else None,
        "experts": [p for p in call.panel.all() if p.is_outside_expert] if can_change else [],
    }


@service_action(_redirect_target("projects:challenge-detail"))
def award_several(request, pk):
    """赛马制: propose the award to the teams ticked on the challenge page."""
    challenge = _challenge(request, pk)
    if not hasattr(challenge, "call"):
        raise ValidationError(_("This challenge has no call."))
    form = forms.AwardForm(request.POST, call=challenge.call)
    if not form.is_valid():
        raise ValidationError(_("Choose the teams to award."))
    services.award_propose(actor=request.user, bids=list(form.cleaned_data["bids"]))
    return _("The award was sent to both sides for signatures.")


@service_action(_redirect_target("projects:project-detail"))
def stage_gate(request, pk):
    services.stage_gate_propose(actor=request.user, project=_project(request, pk),
                                reason=request.POST.get("reason", ""))
    return _("The stage gate was sent to both sides for signatures.")


@service_action(_redirect_target("projects:challenge-detail"))
def review_advance(request, pk):
    challenge = _challenge(request, pk)
    if not hasattr(challenge, "call"):
        raise ValidationError(_("This challenge has no call."))
    call = services.review_advance(actor=request.user, call=challenge.call)
    return _("The review moved on to: %(stage)s.") % {"stage": call.get_stage_display()}


@service_action(_redirect_target("projects:challenge-detail"))
def shortlist(request, pk):
    challenge = _challenge(request, pk)
    if not hasattr(challenge, "call"):
        raise ValidationError(_("This challenge has no call."))
    form = forms.ShortlistForm(request.POST, call=challenge.call)
    if not form.is_valid():
        raise ValidationError(_("Choose the teams that advance."))
    services.shortlist(actor=request.user, call=challenge.call, bids=list(form.cleaned_data["bids"]))
    return _("Shortlist drawn; the teams were told.")


@service_action(_redirect_target("projects:challenge-detail"))
def expert_invite(request, pk):
    challenge = _challenge(request, pk)
    if not hasattr(challenge, "call"):
        raise ValidationError(_("This challenge has no call."))
    form = forms.ExpertForm(request.POST, user=request.user, call=challenge.call)
    if not form.is_valid():
        raise ValidationError(_("Choose the expert and the bids to review."))
    services.expert_invite(actor=request.user, call=challenge.call, user=form.cleaned_data["expert"],
                           bids=list(form.cleaned_data["bids"]))
    return _("The outside expert was invited.")


@service_action(_redirect_target("projects:bid-detail"))
def formal_check(request, pk):
    form = forms.FormalCheckForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose passed or failed."))
    services.formal_check_record(actor=request.user, bid=_bid(request, pk), passed=form.cleaned_data["passed"],
                                 note=form.cleaned_data["note"])
    return _("Formal check recorded.")


@service_action(_redirect_target("projects:bid-detail"))
def defence_schedule(request, pk):
    form = forms.DefenceSlotForm(request.POST)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()])
    services.defence_schedule(actor=request.user, bid=_bid(request, pk), **form.cleaned_data)
    return _("Defence slot saved; the team was told.")


def _question_context(request, call, *, can_change: bool, can_refine: bool) -> dict:
    if call is None:
        return {}
    questions = selectors.questions_visible_to(request.user).filter(call=call)
    return {
        "questions": paginate(request, questions, param="questions"),
        "sees_askers": can_refine,
        "question_form": forms.QuestionForm() if selectors.may_ask_questions(request.user, call) else None,
        "answer_form": forms.AnswerForm() if can_change and call.status != "awarded" else None,
    }


@service_action(_redirect_target("projects:challenge-detail"))
def question_ask(request, pk):
    challenge = _challenge(request, pk)
    if not hasattr(challenge, "call"):
        raise ValidationError(_("This challenge has no call."))
    services.question_ask(actor=request.user, call=challenge.call, text=request.POST.get("text", ""))
    return _("Your question was sent to the posting side.")


@login_required
@require_POST
def question_answer(request, pk):
    question = get_object_or_404(selectors.questions_visible_to(request.user), pk=pk)
    try:
        services.question_answer(actor=request.user, question=question, answer=request.POST.get("answer", ""),
                                 public=request.POST.get("public") in {"on", "true", "1"},
                                 public_text=request.POST.get("public_text", ""))
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Answer saved."))
    return redirect("projects:challenge-detail", pk=question.call.challenge_id)


def _conflict_context(user, call, *, can_refine: bool, can_see_bids: bool) -> dict:
    """What the challenge page shows of conflicts of interest: declarations, and stakes still to declare."""
    if call is None:
        return {}
    on_panel = any(p.user_id == user.pk for p in call.panel.all())
    declared = {d.bid_id for d in call.conflicts.filter(user=user)} if on_panel else set()
    return {
        "declarations": selectors.conflict_declarations_visible_to(user, call),
        "my_stakes": [(bid, stake) for bid, stake in conflicts.detected_stakes(user, call)
                      if bid.pk not in declared] if on_panel else [],
        "undeclared": conflicts.undeclared_stakes(call) if can_refine and call.status != "awarded" else [],
        "conflict_form": forms.ConflictForm(bids=call.bids.all()) if on_panel and can_see_bids
        and call.status != "awarded" else None,
    }


@login_required
@require_POST
def conflict_declare(request, pk):
    """Declare a stake in a bid: the detected one (its stake in the form) or another interest (a note)."""
    bid = get_object_or_404(selectors.bids_on_panels_of(request.user), pk=pk)
    stake = request.POST.get("stake") or ConflictDeclaration.Stake.OTHER
    try:
        services.conflict_declare(actor=request.user, bid=bid, stake=stake, note=request.POST.get("note", ""))
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Your declaration was recorded; you are recused from reviewing this call."))
    return redirect("projects:challenge-detail", pk=bid.call.challenge_id)


@login_required
@require_POST
def conflict_declare_other(request, pk):
    """The form for an interest the records do not show: the bid is chosen in the form."""
    challenge = _challenge(request, pk)
    form = forms.ConflictForm(request.POST, bids=challenge.call.bids.all() if hasattr(challenge, "call") else ())
    if not form.is_valid():
        flash_service_error(request, ValidationError(_("Choose the bid and describe the interest.")))
        return redirect("projects:challenge-detail", pk=pk)
    bid = get_object_or_404(selectors.bids_on_panels_of(request.user).filter(call__challenge=challenge),
                            pk=form.cleaned_data["bid"])
    try:
        services.conflict_declare(actor=request.user, bid=bid, stake=ConflictDeclaration.Stake.OTHER,
                                  note=form.cleaned_data["note"])
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Your declaration was recorded; you are recused from reviewing this call."))
    return redirect("projects:challenge-detail", pk=pk)


@login_required
@require_POST
def attachment_add(request, pk):
    challenge = _challenge(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a non-empty file."))
        services.attachment_add(actor=request.user, challenge=challenge, **form.cleaned_data)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("File attached."))
    return redirect("projects:challenge-detail", pk=pk)


DOCUMENT_PAGES = {"call": "projects:challenge-detail", "bid": "projects:bid-detail",
                  "milestone": "projects:project-detail", "project": "projects:project-detail"}


def _document_owner(request, owner: str, pk: int):
    """(the record a document is added to, its document type or None when the form chooses, the page to go
    back to), the record found among those the user may see."""
    if owner == "call":
        record = get_object_or_404(selectors.document_owners_visible_to(request.user, owner), challenge_id=pk)
        return record, None, redirect(DOCUMENT_PAGES[owner], pk=pk)
    record = get_object_or_404(selectors.document_owners_visible_to(request.user, owner), pk=pk)
    kind = {"bid": Document.Kind.PROPOSAL, "milestone": Document.Kind.DELIVERABLE}.get(
        owner, Document.Kind.EVALUATION_REPORT)
    return record, kind, redirect(DOCUMENT_PAGES[owner], pk=record.project_id if owner == "milestone" else pk)


@login_required
@require_POST
def document_add(request, owner, pk):
    record, kind, back = _document_owner(request, owner, pk)
    form = forms.DocumentForm(request.POST, request.FILES, templates=kind is None)
    try:
        if not form.is_valid():
            raise ValidationError([" ".join(errors) for errors in form.errors.values()])
        services.document_add(actor=request.user, kind=kind or form.cleaned_data["kind"], owner=record,
                              file=form.cleaned_data["file"])
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("File added."))
    return back


@login_required
def document_download(request, pk):
    """Documents are served through the permission check of their record, as attachments."""
    document = get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)
    return file_response(document.file, document.name)


@login_required
def attachment_download(request, pk):
    """Files are served through the permission check, never from a public media URL."""
    attachment = get_object_or_404(ChallengeAttachment.objects.filter(
        challenge__in=selectors.challenges_visible_to(request.user)), pk=pk)
    if not selectors.attachments_visible_to(request.user, attachment.challenge).filter(pk=pk).exists():
        raise Http404
    return file_response(attachment.file)


@service_action(_redirect_target("projects:challenge-detail"))
def challenge_publish(request, pk):
    services.challenge_publish(actor=request.user, challenge=_challenge(request, pk))
    return _("Challenge published.")


@service_action(_redirect_target("projects:challenge-detail"))
def challenge_close(request, pk):
    services.challenge_close(actor=request.user, challenge=_challenge(request, pk),
                             reason=request.POST.get("reason", ""))
    return _("Challenge closed.")


@service_action(_redirect_target("projects:challenge-detail"))
def undertaking_request(request, pk):
    services.undertaking_request(actor=request.user, challenge=_challenge(request, pk),
                                 statement=request.POST.get("statement", ""))
    return _("Your undertaking was sent to the posting side.")


@login_required
@require_POST
def undertaking_decide(request, pk):
    undertaking = get_object_or_404(Undertaking.objects.filter(
        challenge__in=selectors.challenges_visible_to(request.user)), pk=pk)
    try:
        services.undertaking_decide(actor=request.user, undertaking=undertaking,
                                    accept=request.POST.get("decision") == "accept")
    except ValidationError as exc:
        flash_service_error(request, exc)
    return redirect("projects:challenge-detail", pk=undertaking.challenge_id)


@login_required
def topic_edit(request, pk):
    challenge = _challenge(request, pk)
    if not request.user.has_perm("projects.refine_challenge", challenge):
        raise PermissionDenied
    topic = getattr(challenge, "topic", None) if hasattr(challenge, "topic") else None
    initial = {"title": topic.title, "objectives": topic.objectives, "deliverables": topic.deliverables} if topic \
        else {"title": challenge.title_zh}
    form = forms.TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_save(actor=request.user, challenge=challenge, **form.cleaned_data)
            if "submit" in request.POST:
                services.topic_submit(actor=request.user, challenge=challenge)
                messages.success(request, _("The topic was sent to both sides for signatures."))
            else:
                messages.success(request, _("Topic saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("projects:challenge-detail", pk=pk)
    return render(request, "projects/simple_form.html", {
        "form": form, "challenge": challenge, "title": _("Refine the topic"),
        "buttons": [("save", _("Save draft"), "outline-primary"), ("submit", _("Save and send for signatures"),
                                                                    "primary")],
    })


@login_required
def call_open(request, pk):
    challenge = _challenge(request, pk)
    if not request.user.has_perm("projects.change_challenge", challenge):
        raise PermissionDenied
    form = forms.CallForm(request.POST or None, user=request.user, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_open(actor=request.user, challenge=challenge, closes_on=form.cleaned_data["closes_on"],
                               questions_close_on=form.cleaned_data["questions_close_on"],
                               criteria=form.cleaned_data["criteria"], panel=list(form.cleaned_data["panel"]),
                               organisation_conflicts=form.cleaned_data["organisation_conflicts"],
                               stage_rules=form.stage_rules(), winners=form.cleaned_data["winners"],
                               match_ratio=form.cleaned_data.get("match_ratio"),
                               match_cap=form.cleaned_data.get("match_cap"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call is open for bids."))
            return redirect("projects:challenge-detail", pk=pk)
    return render(request, "projects/simple_form.html", {
        "form": form, "challenge": challenge, "title": _("Open the call for bids (揭榜挂帅)"),
        "buttons": [("open", _("Open the call"), "primary")],
    })


@service_action(_redirect_target("projects:challenge-detail"))
def call_close(request, pk):
    challenge = _challenge(request, pk)
    if not hasattr(challenge, "call"):
        raise ValidationError(_("This challenge has no call."))
    services.call_close(actor=request.user, call=challenge.call)
    return _("Bidding closed; the panel can finish scoring.")


# Bids


@login_required
def bid_create(request, pk):
    challenge = _challenge(request, pk)
    if not hasattr(challenge, "call"):
        raise Http404(_("This challenge has no call."))
    form = forms.BidForm(request.POST or None, user=request.user, challenge=challenge,
                         organisations=selectors.bidding_organisations(request.user, challenge))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        members = [(u, BidMember.Role.MEMBER) for u in data["members"]] + [
            (u, BidMember.Role.STUDENT) for u in data["students"] if u not in data["members"]]
        try:
            bid = services.bid_submit(actor=request.user, call=challenge.call, organisation=data["organisation"],
                                      team_name=data["team_name"], approach=data["approach"], plan=data["plan"],
                                      budget=data["budget"], members=members)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your bid was submitted."))
            return redirect("projects:bid-detail", pk=bid.pk)
    return render(request, "projects/simple_form.html", {
        "form": form, "challenge": challenge, "title": _("Bid (揭榜)"),
        "buttons": [("bid", _("Submit the bid"), "primary")],
    })


@login_required
def bid_detail(request, pk):
    bid = _bid(request, pk)
    call, user = bid.call, request.user
    challenge = call.challenge
    panelist = call.panel.filter(user=user).first() if user.has_perm("projects.score_call", call) else None
    if panelist and panelist.is_outside_expert and not panelist.assigned_bids.filter(pk=bid.pk).exists():
        panelist = None
    stage = "defence" if call.stage == "defence" else "expert_review"
    scorable = panelist is not None and bid.status in {Bid.Status.SUBMITTED, Bid.Status.PROPOSED} and (
        not call.stage_rules or (stage == "expert_review" and call.stage == "expert_review"
                                 and bid.formal_check == "passed") or (stage == "defence" and bid.shortlisted))
    existing = bid.scores.filter(panelist=panelist, stage=stage).first() if panelist else None
    score_form = forms.ScoreForm(request.POST or None, criteria=call.criteria,
                                 initial_scores=existing.scores if existing else None,
                                 initial={"comment": existing.comment} if existing else None)
    if request.method == "POST":
        if not panelist:
            raise PermissionDenied(_("Only members of the scoring panel without a stake in this call score bids."))
        if score_form.is_valid():
            try:
                services.bid_score(actor=user, bid=bid, scores=score_form.scores(),
                                   comment=score_form.cleaned_data["comment"])
            except ValidationError as exc:
                add_service_errors(score_form, exc)
            else:
                messages.success(request, _("Your scores were saved."))
                return redirect("projects:bid-detail", pk=pk)
    can_change = user.has_perm("projects.change_challenge", challenge)
    reviewer = user.has_perm("projects.review_call", call)
    return render(request, "projects/bid_detail.html", {
        "documents": bid.documents.all(),
        "document_form": forms.DocumentForm() if user.has_perm("projects.change_bid", bid)
        and bid.status == Bid.Status.SUBMITTED and call.status == call.Status.OPEN else None,
        "bid": bid, "challenge": challenge, "call": call, "members": bid.members.select_related("user"),
        "score_form": score_form if scorable else None,
        "scores": bid.scores.select_related("panelist__user") if reviewer else (
            bid.scores.filter(panelist=panelist) if panelist else None),
        "formal_form": forms.FormalCheckForm() if can_change and call.stage == "formal_check" else None,
        "defence_form": forms.DefenceSlotForm() if can_change and call.stage == "defence" and bid.shortlisted
        else None,
        "can_award": can_change and bid.status == Bid.Status.SUBMITTED and challenge.status == Challenge.Status.OPEN,
        "can_withdraw": bid.lead_id == user.pk and bid.status == Bid.Status.SUBMITTED,
        "signoffs": signoffs_for(call),
        "declarations": selectors.conflict_declarations_visible_to(user, call).filter(bid=bid),
    })


@service_action(_redirect_target("projects:bid-detail"))
def bid_withdraw(request, pk):
    services.bid_withdraw(actor=request.user, bid=_bid(request, pk))
    return _("Bid withdrawn.")


@service_action(_redirect_target("projects:bid-detail"))
def award_propose(request, pk):
    services.award_propose(actor=request.user, bid=_bid(request, pk))
    return _("The award was sent to both sides for signatures.")


# Projects


@login_required
def project_detail(request, pk):
    project = _project(request, pk)
    user = request.user
    plan = user.has_perm("projects.plan_project", project)
    run = user.has_perm("projects.run_project", project)
    evaluation_side = selectors.evaluation_side_of(user, project)
    milestones = list(project.milestones.prefetch_related("documents", Prefetch(
        "assessments", queryset=MilestoneAssessment.objects.select_related("organisation", "assessor"))))
    for milestone in milestones:  # this submission's assessments; earlier rounds stay in the history
        milestone.current_assessments = [a for a in milestone.assessments.all()
                                         if a.submitted_at == milestone.submitted_at]
        milestone.can_assess = (evaluation_side is not None and milestone.status == Milestone.Status.SUBMITTED
                                and all(a.organisation_id != evaluation_side.pk for a in milestone.current_assessments))
        if milestone.can_assess:  # ids per milestone: two may be open at once
            milestone.assessment_form = forms.MilestoneAssessmentForm(auto_id=f"id_m{milestone.pk}_%s")
    evaluations = list(project.evaluations.select_related("organisation", "evaluator"))
    funding = selectors.matched_funding(project) if project.challenge.mode == Mode.GOVERNMENT_LED else None
    can_schedule_public = bool(funding and funding["commitment"]
                               and user.has_perm("funds.change_commitment", funding["commitment"]))
    return render(request, "projects/project_detail.html", {
        "documents": project.documents.all(), "deliverable_form": forms.DocumentForm() if run else None,
        "document_form": forms.DocumentForm() if (evaluation_side is not None or run) and project.status in {
            Project.Status.UNDER_EVALUATION, Project.Status.SOLVED} else None,
        "funding": funding, "public_tranche_form": forms.PublicTrancheForm() if can_schedule_public else None,
        "project": project, "challenge": project.challenge, "bid": project.bid,
        "milestones": milestones, "trl_records": project.trl_records.select_related("recorded_by"),
        "evaluations": evaluations,
        "can_plan": plan, "can_run": run,
        "milestone_form": forms.MilestoneForm() if plan and project.status in {
            Project.Status.PLANNING, Project.Status.IN_PROGRESS} else None,
        "report_form": forms.ReportForm(), "trl_form": forms.TrlForm(initial={"trl": project.current_trl}),
        "budget_form": forms.BudgetChangeForm(initial={"new_budget": project.budget}),
        "result_form": forms.ResultForm(initial={"result_abstract": project.result_abstract}),
        "evaluation_form": forms.EvaluationForm() if evaluation_side and project.status == Project.Status.UNDER_EVALUATION
        and not any(e.organisation_id == evaluation_side.pk for e in evaluations) else None,
        "evaluation_side": evaluation_side,
        "can_stage_gate": project.status == Project.Status.IN_PROGRESS
        and user.has_perm("projects.change_challenge", project.challenge)
        and project.challenge.projects.exclude(pk=project.pk).filter(status=Project.Status.IN_PROGRESS).exists(),
        "reason_form": forms.ReasonForm(),
        "signoffs": selectors.project_signoffs(project, milestones),
        "audit": audit_trail(project)[:30],
    })


def _form_action(form_class, call):
    """POST handler for a small form on the project page: validate, call the service, go back."""
    @login_required
    @require_POST
    def view(request, pk):
        form = form_class(request.POST)
        target_pk = pk
        try:
            if not form.is_valid():
                raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                                       for f, e in form.errors.items()])
            target_pk, message = call(request, pk, form.cleaned_data)
        except ValidationError as exc:
            flash_service_error(request, exc)
        else:
            messages.success(request, message)
        return redirect("projects:project-detail", pk=target_pk)
    return view


def _milestone_add(request, pk, data):
    services.milestone_add(actor=request.user, project=_project(request, pk), **data)
    return pk, _("Milestone added.")


def _milestone_submit(request, pk, data):
    milestone = get_object_or_404(Milestone.objects.filter(
        project__in=selectors.projects_visible_to(request.user)), pk=pk)
    services.milestone_submit(actor=request.user, milestone=milestone, report=data["report"])
    return milestone.project_id, _("Milestone submitted; both sides are asked to sign its acceptance.")


def _milestone_assess(request, pk, data):
    milestone = get_object_or_404(Milestone.objects.filter(
        project__in=selectors.projects_visible_to(request.user)), pk=pk)
    services.milestone_assess(actor=request.user, milestone=milestone, **data)
    return milestone.project_id, _("Your side's assessment of the milestone was saved.")


def _public_tranche_add(request, pk, data):
    services.public_tranche_add(actor=request.user, project=_project(request, pk), **data)
    return pk, _("The public tranche was scheduled.")


def _trl_record(request, pk, data):
    services.trl_record(actor=request.user, project=_project(request, pk), **data)
    return pk, _("TRL recorded.")


def _budget_change(request, pk, data):
    services.budget_change_request(actor=request.user, project=_project(request, pk), **data)
    return pk, _("The budget change was sent to both sides for signatures.")


def _submit_result(request, pk, data):
    services.project_submit_for_evaluation(actor=request.user, project=_project(request, pk), **data)
    return pk, _("Result submitted; both sides now evaluate.")


def _evaluate(request, pk, data):
    services.evaluation_submit(actor=request.user, project=_project(request, pk), **data)
    return pk, _("Your evaluation was saved.")


milestone_add = _form_action(forms.MilestoneForm, _milestone_add)
milestone_submit = _form_action(forms.ReportForm, _milestone_submit)
milestone_assess = _form_action(forms.MilestoneAssessmentForm, _milestone_assess)
public_tranche_add = _form_action(forms.PublicTrancheForm, _public_tranche_add)
trl_record = _form_action(forms.TrlForm, _trl_record)
budget_change = _form_action(forms.BudgetChangeForm, _budget_change)
project_submit = _form_action(forms.ResultForm, _submit_result)
evaluation_submit = _form_action(forms.EvaluationForm, _evaluate)


@service_action(_redirect_target("projects:project-detail"))
def project_start(request, pk):
    services.project_start(actor=request.user, project=_project(request, pk))
    return _("Project started.")


@login_required
def center_overview(request, pk):
    """The center directors' view of their center's chain: challenges by state, projects, decisions to sign."""
    from consortia.selectors import centers_visible_to

    center = get_object_or_404(centers_visible_to(request.user), pk=pk)
    challenges = selectors.challenges_visible_to(request.user).filter(center=center)
    projects = selectors.projects_visible_to(request.user).filter(challenge__center=center)
    counts = selectors.count_by_status(challenges)
    return render(request, "projects/center_overview.html", {
        "center": center,
        "counts": [(label, counts.get(value, 0)) for value, label in Challenge.Status.choices],
        "page": paginate(request, challenges),
        "projects": projects[:30],
        "milestones_due": selectors.milestones_due(request.user, projects=projects)[:20],
        "awaiting": signoffs_awaiting(request.user)[:20],
    })
