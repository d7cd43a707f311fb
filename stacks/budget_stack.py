"""A budget per environment and cloud: `<env>-<cloud>-<region>-budget`, in the region of the
environment's first cluster on that cloud (budgets are account-, billing-account- and
subscription-wide; the region only places the stack and its provider)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktf_cdktf_provider_google.provider import GoogleProvider
from constructs import Construct

from constructs_lib.budgets import AwsBudget, AzureBudget, BudgetSpec, GcpBudget
from stacks.base import PlatformStack
from stacks.context import BuildContext
from stacks.logical_ids import PathLogicalIds
from stacks.params import Cloud, Environment

COMPONENT = "budget"


def budget_spec(env: Environment, cloud: Cloud) -> BudgetSpec:
    b = env.budget
    return BudgetSpec(
        name=f"{env.name}-{cloud}-monthly",
        monthly_usd=b.monthly_usd[cloud],
        thresholds_percent=b.thresholds_percent,
        email=env.notifications.email,
    )


def build(app: Construct, ctx: BuildContext) -> None:
    env = ctx.env
    first: dict[Cloud, str] = {}
    for c in env.clusters:
        first.setdefault(c.cloud, c.region)
    for cloud, region in first.items():
        if cloud in env.budget.monthly_usd:
            BudgetStack(app, env=env, cloud=cloud, region=region)


class BudgetStack(PathLogicalIds, PlatformStack):
    def __init__(self, scope: Construct, *, env: Environment, cloud: Cloud, region: str) -> None:
        super().__init__(scope, env=env, component=COMPONENT, cloud=cloud, region=region)
        tags = self.tags()
        spec = budget_spec(env, cloud)
        if cloud == "aws":
            AwsProvider(
                self,
                "aws",
                region=region,
                allowed_account_ids=[env.accounts.aws.account_id],
                default_tags=[AwsProviderDefaultTags(tags=tags)],
            )
            AwsBudget(self, "budget", spec=spec, tags=tags)
        elif cloud == "gcp":
            project = env.accounts.gcp.project_id
            # billing_project + user_project_override: the Budget API bills the quota to the
            # project, not to the billing account (google provider docs, billing_budget note).
            GoogleProvider(
                self,
                "google",
                project=project,
                region=region,
                default_labels=tags,
                billing_project=project,
                user_project_override=True,
            )
            GcpBudget(
                self,
                "budget",
                spec=spec,
                billing_account=env.budget.gcp_billing_account,
                project=project,
                labels=tags,
            )
        else:
            azure = env.accounts.azure
            AzurermProvider(
                self,
                "azurerm",
                features=[AzurermProviderFeatures()],
                subscription_id=azure.subscription_id,
                tenant_id=azure.tenant_id,
            )
            AzureBudget(
                self,
                "budget",
                spec=spec,
                subscription_id=azure.subscription_id,
                start_date=f"{env.budget.azure_start_month}-01T00:00:00Z",
            )
