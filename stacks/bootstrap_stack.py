"""The bootstrap stack, `<env>-global-bootstrap`: what a cloud account needs before any other stack
can even plan. Applied first; every other stack of the environment depends on it.

GCP: the project's APIs. A data source or resource of a disabled API fails at plan time (the data
lakes read the Storage Transfer service agent) or at apply time. `disable_on_destroy = false`: this
stack never turns an API off for the rest of the project, and destroying it must not break the
clusters (google v6.50.0 google/services/resourcemanager/resource_google_project_service.go: the argument
defaults to true and then disables the service on destroy). `disable_dependent_services` stays
unset (false) for the same reason.

Azure: `host_encryption_enabled` on AKS pools needs the subscription feature
`Microsoft.Compute/EncryptionAtHost` registered (AKS "host-based encryption" page,
https://learn.microsoft.com/azure/aks/enable-host-encryption). azurerm registers resource providers
itself but not features; the feature is registered through `azurerm_resource_provider_registration`
with a `feature` block (azurerm v4.55.0 internal/services/resource/
resource_provider_registration_resource.go). That resource refuses a provider the azurerm provider
registers automatically (checkIfManagedByTerraform), so this stack's provider registers none
(`resource_provider_registrations = "none"`); and a provider already Registered must be imported
(Create returns ResourceRequiresImport). Its Delete unregisters the features and the provider, so
it carries prevent_destroy.

The import: Terraform's `import` block would do it, but checkov 3.3.30's terraform_json parser
(checkov/terraform_json/parser.py hclify: "this method receives only dicts") cannot parse a stack
holding one, and the policy gate refuses unparsable stacks. Until the gate handles import (and
`moved`) blocks, EMIT_IMPORT_BLOCKS stays False and the README's "First apply" gives the one
`terraform import` command; set it True to let Terraform import by itself.


AWS needs nothing here: its services need no enabling.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle, TerraformStack
from constructs import Construct

from stacks.base import PlatformStack, stack_id
from stacks.context import BuildContext

COMPONENT = "bootstrap"

# The APIs the plan uses, each with the resources that need it.
GCP_APIS: tuple[tuple[str, str], ...] = (
    ("cloudresourcemanager.googleapis.com", "project data source, project IAM members"),
    ("serviceusage.googleapis.com", "google_project_service itself"),
    ("compute.googleapis.com", "networks, subnetworks, firewalls, routers, NAT, interconnect attachments"),
    ("container.googleapis.com", "GKE clusters and node pools"),
    ("cloudkms.googleapis.com", "key rings, keys and their IAM (etcd, buckets, Vault unseal)"),
    ("storage.googleapis.com", "data-lake buckets and their IAM"),
    ("storagetransfer.googleapis.com", "replication jobs, the transfer service agent data source"),
    ("pubsub.googleapis.com", "event-driven cross-bucket replication notifications"),
    ("iam.googleapis.com", "service accounts, workload identity pools and providers"),
    ("iamcredentials.googleapis.com", "Vault's GCP secrets engine minting access tokens"),
    ("sts.googleapis.com", "workload identity federation token exchange"),
    (
        "iap.googleapis.com",
        "IAP TCP forwarding of the operator path hosts and their tunnel IAM (access stacks)",
    ),
    ("binaryauthorization.googleapis.com", "GKE binary_authorization evaluation mode"),
    ("logging.googleapis.com", "GKE logging_config, firewall and flow logs"),
    ("monitoring.googleapis.com", "GKE monitoring_config, the budget's email notification channel"),
    ("artifactregistry.googleapis.com", "Artifact Registry repositories and their IAM (issue 19)"),
    ("containerscanning.googleapis.com", "scan on push of Artifact Registry images (scanning INHERITED)"),
    ("billingbudgets.googleapis.com", "google_billing_budget (billing_project + user_project_override)"),
)

EMIT_IMPORT_BLOCKS = False

# Subscription features (provider namespace -> features) the Azure stacks need registered.
AZURE_FEATURES: dict[str, tuple[str, ...]] = {
    "Microsoft.Compute": ("EncryptionAtHost",),
}


class BootstrapStack(PlatformStack):
    def __init__(self, scope: Construct, *, ctx: BuildContext) -> None:
        super().__init__(scope, env=ctx.env, component=COMPONENT)
        env = ctx.env
        clouds = {c.cloud for c in env.clusters}
        if "gcp" in clouds:
            self._gcp()
        if "azure" in clouds:
            self._azure()

    def _gcp(self) -> None:
        from cdktf_cdktf_provider_google.project_service import ProjectService
        from cdktf_cdktf_provider_google.provider import GoogleProvider

        project = self.env.accounts.gcp.project_id
        GoogleProvider(self, "google", project=project)
        for api, _why in GCP_APIS:
            ProjectService(
                self,
                f"api_{api.split('.')[0]}",
                project=project,
                service=api,
                disable_on_destroy=False,
            )

    def _azure(self) -> None:
        from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
        from cdktf_cdktf_provider_azurerm.resource_provider_registration import (
            ResourceProviderRegistration,
            ResourceProviderRegistrationFeature,
        )

        account = self.env.accounts.azure
        AzurermProvider(
            self,
            "azurerm",
            features=[AzurermProviderFeatures()],
            subscription_id=account.subscription_id,
            tenant_id=account.tenant_id,
            resource_provider_registrations="none",
        )
        for namespace, features in AZURE_FEATURES.items():
            registration = ResourceProviderRegistration(
                self,
                f"provider_{namespace.split('.')[-1].lower()}",
                name=namespace,
                feature=[ResourceProviderRegistrationFeature(name=f, registered=True) for f in features],
                lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
            )
            if EMIT_IMPORT_BLOCKS:
                registration.import_from(f"/subscriptions/{account.subscription_id}/providers/{namespace}")


def build(app: Construct, ctx: BuildContext) -> None:
    """The environment's bootstrap stack (added before every other component)."""
    BootstrapStack(app, ctx=ctx)


def order(app: Construct, ctx: BuildContext) -> None:
    """Every other stack of the environment depends on its bootstrap stack (added last, when they
    all exist). cdktf records it in manifest.json, so `cdktf deploy` applies bootstrap first."""
    bootstrap = app.node.try_find_child(stack_id(ctx.env, COMPONENT))
    if not isinstance(bootstrap, TerraformStack):
        return
    for child in app.node.children:
        if (
            isinstance(child, TerraformStack)
            and child is not bootstrap
            and getattr(child, "env", None) is ctx.env
        ):
            child.add_dependency(bootstrap)
