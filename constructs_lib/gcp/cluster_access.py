"""The one way an operator reaches a private GKE control plane: IAP TCP forwarding to a small
host inside the cluster's subnetwork (which the master authorized networks already admit).

Resources (google 6.50): google_service_account, google_compute_instance, google_compute_firewall,
google_iap_tunnel_instance_iam_member, google_compute_instance_iam_member.

The host has no external address, OS Login (no project SSH keys), Shielded VM, and a service
account without roles. Only Google's IAP forwarding range (35.235.240.0/20,
cloud.google.com/iap/docs/using-tcp-forwarding) may open SSH to it, and only the listed groups
hold `roles/iap.tunnelResourceAccessor` on it; every tunnel is an IAP audit log entry.
Kubernetes permissions still come from IAM (constructs_lib/gcp/identity.py GKE_ROLES).

Use: `gcloud compute ssh <host> --zone <zone> --tunnel-through-iap -- -N -D 1080`, then
`HTTPS_PROXY=socks5://localhost:1080 kubectl ...` against the private endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_google.compute_firewall import ComputeFirewall, ComputeFirewallAllow
from cdktf_cdktf_provider_google.compute_instance import (
    ComputeInstance,
    ComputeInstanceBootDisk,
    ComputeInstanceBootDiskInitializeParams,
    ComputeInstanceNetworkInterface,
    ComputeInstanceServiceAccount,
    ComputeInstanceShieldedInstanceConfig,
)
from cdktf_cdktf_provider_google.compute_instance_iam_member import ComputeInstanceIamMember
from cdktf_cdktf_provider_google.iap_tunnel_instance_iam_member import IapTunnelInstanceIamMember
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from constructs import Construct

IAP_TCP_FORWARDING_RANGE = "35.235.240.0/20"
NETWORK_TAG = "iap-api-path"


class IapApiPath(Construct):
    """Props: name (instance name), project, zone, network (self link / id), subnetwork,
    service_account_id (6-30 chars), members (IAM principals allowed to tunnel), labels."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        project: str,
        zone: str,
        network: str,
        subnetwork: str,
        service_account_id: str,
        members: Sequence[str],
        labels: dict[str, str],
        machine_type: str = "e2-micro",
    ) -> None:
        super().__init__(scope, id_)
        account = ServiceAccount(
            self,
            "service_account",
            project=project,
            account_id=service_account_id,
            display_name=f"Operator path host {name} (no roles)",
        )
        ComputeFirewall(
            self,
            "iap_ssh",
            name=f"{name}-iap-ssh",
            project=project,
            network=network,
            direction="INGRESS",
            source_ranges=[IAP_TCP_FORWARDING_RANGE],
            target_tags=[NETWORK_TAG],
            allow=[ComputeFirewallAllow(protocol="tcp", ports=["22"])],
            description="SSH through IAP TCP forwarding only",
        )
        self.instance = ComputeInstance(
            self,
            "host",
            name=name,
            project=project,
            zone=zone,
            machine_type=machine_type,
            tags=[NETWORK_TAG],
            boot_disk=ComputeInstanceBootDisk(
                initialize_params=ComputeInstanceBootDiskInitializeParams(image="debian-cloud/debian-12")
            ),
            network_interface=[ComputeInstanceNetworkInterface(subnetwork=subnetwork)],  # no access_config
            service_account=ComputeInstanceServiceAccount(email=account.email, scopes=["cloud-platform"]),
            shielded_instance_config=ComputeInstanceShieldedInstanceConfig(
                enable_secure_boot=True, enable_integrity_monitoring=True, enable_vtpm=True
            ),
            metadata={"enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE"},
            labels=labels,
        )
        for i, member in enumerate(members):
            IapTunnelInstanceIamMember(
                self,
                f"tunnel_{i}",
                project=project,
                zone=zone,
                instance=self.instance.name,
                role="roles/iap.tunnelResourceAccessor",
                member=member,
            )
            ComputeInstanceIamMember(
                self,
                f"os_login_{i}",
                project=project,
                zone=zone,
                instance_name=self.instance.name,
                role="roles/compute.osLogin",
                member=member,
            )
