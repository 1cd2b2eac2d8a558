"""How the transfer app's records read to people (imported by the core at start-up)."""
from django.utils.translation import gettext_lazy as _

from platform_core.audit import register_action
from platform_core.notifications import register_event
from platform_core.sentences import Choice, Fields, Ref, register_object

from . import selectors
from .models import Achievement, Deal, IncubatedCompany, Incubator, Patent, Push

register_object(Achievement, url="transfer:achievement-detail", visible=selectors.achievements_visible_to)
register_object(Patent, url="transfer:patent-detail", visible=selectors.patents_visible_to)
register_object(Push, url="transfer:push-detail", visible=selectors.pushes_visible_to,
                select_related=("achievement", "enterprise"))
register_object(Deal, url="transfer:deal-detail", visible=selectors.deals_visible_to, select_related=("achievement",))
register_object(Incubator, url="transfer:incubator-detail", visible=selectors.incubators_visible_to)
register_object(IncubatedCompany, url="transfer:company-detail", visible=selectors.companies_visible_to)

SOURCE = Choice(Achievement.Source)
register_action("achievement.create", _("%(actor)s added %(target)s to the pool (%(source)s)"), source=SOURCE)
register_action("project.result_to_pool", _("%(actor)s handed the result of %(target)s to the pool: %(achievement)s"),
                achievement=Ref(Achievement))
register_action("achievement.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(Achievement))
register_action("achievement.screen", _("%(actor)s screened %(target)s as easy to transfer: %(reason)s"))
register_action("achievement.unscreen", _("%(actor)s returned %(target)s to the stock: %(reason)s"))
register_action("achievement.assign_broker", _("%(actor)s assigned %(target)s to the broker %(broker)s"))
register_action("push.create", _("%(actor)s pushed %(target)s (%(source)s)"), source=Choice(Push.Source))
register_action("push.view", _("%(actor)s viewed the push %(target)s"))
register_action("push.interest", _("%(actor)s expressed interest in %(target)s"))
register_action("push.decline", _("%(actor)s declined %(target)s: %(reason)s"))
register_action("push.negotiate", _("%(actor)s opened negotiation on %(target)s"))
register_action("deal.create", _("%(actor)s recorded the deal %(target)s (%(kind)s), price %(price)s CNY"),
                kind=Choice(Deal.Kind))
register_action("patent.create", _("%(actor)s added the patent %(target)s"))
register_action("patent.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(Patent))
register_action("patent.fee_paid", _("%(actor)s recorded the annual fee of %(target)s paid (due %(due)s)"))
register_action("patent.fee_reminder", _("%(actor)s reminded the owners of %(target)s: annual fee due %(due)s"))
register_action("incubator.create", _("%(actor)s created the incubator %(target)s"))
register_action("incubator.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(Incubator))
register_action("company.admit", _("%(actor)s admitted %(target)s to the incubator (spin-off: %(spin_off)s)"))
register_action("company.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(IncubatedCompany))

ACHIEVEMENT = Ref(Achievement)
register_event("transfer.achievement_added", _("Achievement handed to the pool"),
               title=_("New achievement in the pool: %(achievement)s"), body="%(label)s",
               grouped=_("%(count)s new achievements in the pool (latest: %(achievement)s)"),
               group_by=(), group_url="/transfer/", achievement=ACHIEVEMENT)
register_event("transfer.achievement_assigned", _("Achievement added to my portfolio"),
               title=_("An achievement was added to your portfolio: %(achievement)s"),
               grouped=_("%(count)s achievements were added to your portfolio (latest: %(achievement)s)"),
               group_by=(), group_url="/transfer/workbench/", achievement=ACHIEVEMENT)


def _push_title(params):
    if params.get("stage") == "negotiating":
        return _("Negotiation opened on %(achievement)s")
    return _("A technology was recommended to you: %(achievement)s")


def _push_grouped(params):
    if params.get("stage") == "negotiating":
        return _("Negotiation opened on %(count)s technologies (latest: %(achievement)s)")
    return _("%(count)s technologies were recommended to you (latest: %(achievement)s)")


register_event("transfer.push_received", _("Technology pushed to my enterprise"),
               title=_push_title, body="%(note)s", grouped=_push_grouped, group_by=("stage",),
               group_url="/transfer/pushes/", achievement=ACHIEVEMENT)


def _answer_title(params):
    if params.get("answer") == "declined":
        return _("%(enterprise)s declined %(achievement)s")
    return _("%(enterprise)s is interested in %(achievement)s")


register_event("transfer.push_answered", _("Enterprise answered a push"),
               title=_answer_title, body="%(note)s", achievement=ACHIEVEMENT)
register_event("transfer.deal_recorded", _("Technology deal recorded"),
               title=_("Deal recorded: %(deal)s"), deal=Ref(Deal))
def _fee_title(params):
    if params.get("stage") == "grace":
        return _("Annual fee of patent %(patent)s overdue since %(due)s: pay with a late fee by %(grace_ends)s")
    if params.get("stage") == "last_days":
        return _("Last days: patent %(patent)s lapses unless its annual fee is paid by %(grace_ends)s")
    return _("Annual fee of patent %(patent)s due on %(due)s (in %(days)s days)")


register_event("transfer.fee_due", _("Patent annual fee due"),
               title=_fee_title,
               grouped=_("%(count)s patent annual fees due soon (latest: %(patent)s, due %(due)s)"),
               group_by=(), group_url="/transfer/patents/", patent=Ref(Patent))

# Listing terms, inquiries and roadshows (路演).
from platform_core.models import Organisation  # noqa: E402

from .models import Inquiry, Roadshow  # noqa: E402

register_object(Inquiry, url=lambda inquiry: f"/transfer/pushes/{inquiry.push_id}/",
                visible=lambda user: Inquiry.objects.filter(push__in=selectors.pushes_visible_to(user).values("pk")),
                select_related=("push__achievement", "push__enterprise"))
register_object(Roadshow, url="transfer:roadshow-detail", visible=selectors.roadshows_visible_to)
register_action("achievement.terms", _("%(actor)s set the listing terms of %(target)s"))
register_action("inquiry.ask", _("%(actor)s asked about %(target)s"))
register_action("inquiry.update", _("%(actor)s updated a question on %(target)s"))
register_action("roadshow.create", _("%(actor)s organised the roadshow %(target)s"))
register_action("roadshow.register", _("%(actor)s registered for %(target)s on behalf of %(enterprise)s"),
                enterprise=Ref(Organisation))
register_action("roadshow.cancel", _("%(actor)s cancelled a registration for %(target)s"))
register_event("transfer.inquiry_received", _("Enterprise inquiry about an achievement"),
               title=_("%(enterprise)s asks about %(achievement)s"), body="%(message)s",
               grouped=_("%(count)s enterprise inquiries (latest: %(enterprise)s about %(achievement)s)"),
               group_by=(), group_url="/transfer/workbench/", achievement=ACHIEVEMENT, enterprise=Ref(Organisation))
register_event("transfer.roadshow_registration", _("Registration for a roadshow"),
               title=_("%(enterprise)s registered for %(roadshow)s"),
               grouped=_("%(count)s registrations for %(roadshow)s (latest: %(enterprise)s)"),
               group_by=("roadshow",), roadshow=Ref(Roadshow), enterprise=Ref(Organisation))

# Income: contracts, receipts, distribution and payouts, the annual report (issue 11).
from .models import AnnualReport, Contract, Payout  # noqa: E402

register_object(Contract, url="transfer:contract-detail", visible=selectors.contracts_visible_to)
register_object(Payout, url=lambda payout: "/transfer/income/payouts/", visible=selectors.payouts_visible_to)
register_object(AnnualReport, url="transfer:report-detail", visible=selectors.annual_reports_visible_to)
register_action("contract.create", _("%(actor)s recorded the contract %(target)s (%(kind)s), %(amount)s CNY"),
                kind=Choice(Contract.Kind))
register_action("contract.registration", _("%(actor)s recorded the registration number of %(target)s: %(number)s"))
register_action("contract.distribution", _("%(actor)s set the distribution of %(target)s"))
register_action("distribution_rule.set", _("%(actor)s set the income-distribution rule of %(target)s"))
register_action("receipt.record", _("%(actor)s recorded %(amount)s CNY received on %(received_on)s under %(target)s"))
register_action("royalty.record", _("%(actor)s recorded the royalty report %(period)s of %(target)s: %(amount)s CNY"))
register_action("equity.holding", _("%(actor)s recorded %(shares)s shares of %(company)s held under %(target)s"))
register_action("equity.disposal", _("%(actor)s recorded the sale of %(shares)s shares under %(target)s for "
                                     "%(proceeds)s CNY"))
register_action("payout.approve", _("%(actor)s approved the payout %(target)s"))
register_action("payout.pay", _("%(actor)s recorded the payout %(target)s paid on %(paid_on)s"))
register_action("annual_report.generate", _("%(actor)s generated %(target)s"))
register_action("annual_report.built", _("%(actor)s computed the figures of %(target)s"))
register_action("annual_report.edit", _("%(actor)s edited the text of %(target)s"))
register_action("annual_report.submit", _("%(actor)s submitted %(target)s to %(agency)s"))
register_event("transfer.payout_due", _("Reward from transfer income"),
               title=_("A reward from the income of %(contract)s is due to you"),
               grouped=_("%(count)s rewards from transfer income are due to you (latest: %(contract)s)"),
               group_by=(), group_url="/transfer/income/payouts/", contract=Ref(Contract))
register_event("transfer.payout_paid", _("Reward paid"), title=_("A reward of %(amount)s CNY was paid to you"))
register_event("transfer.annual_report_ready", _("Annual report generated"),
               title=_("The annual report %(report)s is ready"), report=Ref(AnnualReport))
register_event("transfer.annual_report_submitted", _("Annual report submitted"),
               title=_("%(report)s was submitted to you"), report=Ref(AnnualReport))
register_action("patent.lapse", _("%(actor)s recorded %(target)s lapsed: annual fee due %(due)s unpaid"))
register_event("transfer.patent_lapsed", _("Patent lapsed"),
               title=_("Patent %(patent)s lapsed: the annual fee due %(due)s was not paid"), patent=Ref(Patent))
