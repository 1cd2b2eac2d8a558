"""How the funds app's records read to people (imported by the core at start-up)."""
from django.utils.translation import gettext_lazy as _

from platform_core.audit import register_action
from platform_core.notifications import register_event
from platform_core.sentences import Choice, Fields, Ref, money, register_object

from . import selectors
from .models import Fund, FundingCommitment, Investment, Stage, Tranche

register_object(Fund, url="funds:fund-detail", visible=selectors.funds_visible_to)
register_object(Investment, url=lambda i: f"/funds/{i.fund_id}/", visible=selectors.investments_visible_to,
                select_related=("fund", "company", "project"))
register_object(FundingCommitment, url="funds:commitment-detail", visible=selectors.commitments_visible_to)
register_object(Tranche, url=lambda t: f"/funds/commitments/{t.commitment_id}/", visible=selectors.tranches_visible_to)

register_action("fund.create", _("%(actor)s created the fund %(target)s (%(kind)s), committed size %(committed_size)s"),
                kind=Choice(Fund.Kind), committed_size=money)
register_action("fund.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(Fund))
register_action("investment.record",
                _("%(actor)s recorded the investment %(target)s: %(round)s, %(amount)s, equity %(equity_percent)s%%"),
                round=Choice(Stage), amount=money)
register_action("fund.invest", _("%(actor)s: %(target)s invested %(amount)s (%(investment)s)"),
                investment=Ref(Investment), amount=money)
register_action("commitment.create", _("%(actor)s recorded the funding commitment %(target)s (%(kind)s): %(amount)s"),
                kind=Choice(FundingCommitment.Kind), amount=money)
register_action("commitment.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(FundingCommitment))
register_action("tranche.add", _("%(actor)s planned the tranche %(tranche)s of %(target)s: %(amount)s"),
                tranche=Ref(Tranche), amount=money)
register_action("tranche.pay", _("%(actor)s paid the tranche %(tranche)s of %(target)s: %(amount)s on %(paid_on)s"),
                tranche=Ref(Tranche), amount=money)
register_action("tranche.remove", _("%(actor)s removed a planned tranche of %(amount)s from %(target)s"),
                amount=money)

register_event("funds.investment_recorded", _("Investment recorded"),
               title=_("%(fund)s invested in %(target)s"),
               body=_("Round: %(round)s, amount %(amount)s %(currency)s."),
               fund=Ref(Fund), round=Choice(Stage), amount=money)
register_event("funds.tranche_paid", _("Funding tranche paid"),
               title=_("%(source)s paid %(amount)s %(currency)s: %(tranche)s"), body="%(commitment)s",
               amount=money, tranche=Ref(Tranche), commitment=Ref(FundingCommitment))
