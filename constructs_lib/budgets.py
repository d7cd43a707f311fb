"""A monthly budget per cloud with alert thresholds, sent to one email address.

One cloud-neutral spec (`BudgetSpec`) becomes, side by side:
  - AWS   aws_budgets_budget (aws 6.25): COST, MONTHLY, USD; one `notification` per threshold
          (ACTUAL spend, PERCENTAGE, GREATER_THAN) and one FORECASTED at the highest threshold;
  - GCP   google_billing_budget (google 6.50): `amount.specified_amount` {currency_code, units},
          `threshold_rules` {threshold_percent 1.0-based, spend_basis CURRENT_SPEND |
          FORECASTED_SPEND}, `budget_filter.projects` = projects/<number>, `all_updates_rule`
          to a monitoring email channel with the billing account's default IAM recipients off;
  - Azure azurerm_consumption_budget_subscription (azurerm 4.55): `amount`, `time_grain` Monthly,
          `time_period.start_date` (first of a month), `notification` {threshold percent 0..1000,
          operator GreaterThan, threshold_type Actual | Forecasted, contact_emails}.
Budgets only alert; none of the three stops spending by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct


@dataclass(frozen=True)
class BudgetSpec:
    name: str
    monthly_usd: int
    thresholds_percent: Sequence[int]
    email: str

    def __post_init__(self) -> None:
        if self.monthly_usd <= 0 or not self.thresholds_percent:
            raise ValueError(f"budget {self.name}: need a positive amount and at least one threshold")

    @property
    def forecast_percent(self) -> int:
        return max(self.thresholds_percent)


class AwsBudget(Construct):
    def __init__(self, scope: Construct, id_: str, *, spec: BudgetSpec, tags: dict[str, str]) -> None:
        from cdktf_cdktf_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetNotification

        super().__init__(scope, id_)

        def note(percent: int, kind: str) -> BudgetsBudgetNotification:
            return BudgetsBudgetNotification(
                comparison_operator="GREATER_THAN",
                threshold=percent,
                threshold_type="PERCENTAGE",
                notification_type=kind,
                subscriber_email_addresses=[spec.email],
            )

        self.budget = BudgetsBudget(
            self,
            "budget",
            name=spec.name,
            budget_type="COST",
            limit_amount=str(spec.monthly_usd),
            limit_unit="USD",
            time_unit="MONTHLY",
            notification=[note(p, "ACTUAL") for p in sorted(spec.thresholds_percent)]
            + [note(spec.forecast_percent, "FORECASTED")],
            tags=tags,
        )


class GcpBudget(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        spec: BudgetSpec,
        billing_account: str,
        project: str,
        labels: dict[str, str],
    ) -> None:
        from cdktf_cdktf_provider_google.billing_budget import (
            BillingBudget,
            BillingBudgetAllUpdatesRule,
            BillingBudgetAmount,
            BillingBudgetAmountSpecifiedAmount,
            BillingBudgetBudgetFilter,
            BillingBudgetThresholdRules,
        )
        from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
        from cdktf_cdktf_provider_google.monitoring_notification_channel import MonitoringNotificationChannel

        super().__init__(scope, id_)
        project_data = DataGoogleProject(self, "project", project_id=project)
        self.channel = MonitoringNotificationChannel(
            self,
            "email",
            display_name=f"{spec.name} alerts",
            project=project,
            type="email",
            labels={"email_address": spec.email},  # the channel's configuration, not tags
            user_labels=labels,
        )
        rules = [
            BillingBudgetThresholdRules(threshold_percent=p / 100) for p in sorted(spec.thresholds_percent)
        ]
        rules.append(
            BillingBudgetThresholdRules(
                threshold_percent=spec.forecast_percent / 100, spend_basis="FORECASTED_SPEND"
            )
        )
        self.budget = BillingBudget(
            self,
            "budget",
            billing_account=billing_account,
            display_name=spec.name,
            budget_filter=BillingBudgetBudgetFilter(projects=[f"projects/{project_data.number}"]),
            amount=BillingBudgetAmount(
                specified_amount=BillingBudgetAmountSpecifiedAmount(
                    currency_code="USD", units=str(spec.monthly_usd)
                )
            ),
            threshold_rules=rules,
            all_updates_rule=BillingBudgetAllUpdatesRule(
                monitoring_notification_channels=[self.channel.id],
                disable_default_iam_recipients=True,  # the environment's target, not every billing admin
            ),
        )


class AzureBudget(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, spec: BudgetSpec, subscription_id: str, start_date: str
    ) -> None:
        from cdktf_cdktf_provider_azurerm.consumption_budget_subscription import (
            ConsumptionBudgetSubscription,
            ConsumptionBudgetSubscriptionNotification,
            ConsumptionBudgetSubscriptionTimePeriod,
        )

        super().__init__(scope, id_)

        def note(percent: int, kind: str) -> ConsumptionBudgetSubscriptionNotification:
            return ConsumptionBudgetSubscriptionNotification(
                threshold=percent, operator="GreaterThan", threshold_type=kind, contact_emails=[spec.email]
            )

        self.budget = ConsumptionBudgetSubscription(
            self,
            "budget",
            name=spec.name,
            subscription_id=f"/subscriptions/{subscription_id}",
            amount=spec.monthly_usd,
            time_grain="Monthly",
            time_period=ConsumptionBudgetSubscriptionTimePeriod(start_date=start_date),
            notification=[note(p, "Actual") for p in sorted(spec.thresholds_percent)]
            + [note(spec.forecast_percent, "Forecasted")],
        )
