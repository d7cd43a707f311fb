"""Who may use an EKS cluster, and the one way an operator reaches its private API.

Resources (aws 6.25): aws_eks_access_entry, aws_eks_access_policy_association, aws_iam_role,
aws_iam_role_policy_attachment, aws_iam_instance_profile, aws_security_group,
aws_vpc_security_group_egress_rule, aws_vpc_security_group_ingress_rule, aws_instance;
data source aws_ssm_parameter.

Access: one access entry per principal (the clusters use authentication mode API) with one
cluster-scoped access policy (docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html).

Operator path: a small SSM-managed host in a private subnet, no inbound rule, no public IP, no
SSH key. `aws ssm start-session --document-name AWS-StartPortForwardingSessionToRemoteHost`
forwards a local port to the private API endpoint; every session is a CloudTrail `StartSession`
event naming the caller's SSO role. The cluster security group admits 443 from this host only.
"""

from __future__ import annotations

from collections.abc import Mapping

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
from cdktf_cdktf_provider_aws.eks_access_entry import EksAccessEntry
from cdktf_cdktf_provider_aws.eks_access_policy_association import (
    EksAccessPolicyAssociation,
    EksAccessPolicyAssociationAccessScope,
)
from cdktf_cdktf_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktf_cdktf_provider_aws.instance import Instance, InstanceMetadataOptions, InstanceRootBlockDevice
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from constructs_lib.aws.iam import service_role

# Unified Kubernetes level -> EKS access policy.
EKS_ACCESS_POLICIES = {
    "admin": "AmazonEKSClusterAdminPolicy",
    "edit": "AmazonEKSEditPolicy",
    "view": "AmazonEKSViewPolicy",
}
# Amazon Linux 2023 (SSM agent preinstalled), resolved at plan time from AWS's public parameter.
AL2023_ARM64_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"


class EksAccess(Construct):
    """Props: cluster_name; principals: logical name -> (IAM principal ARN, admin|edit|view)."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        cluster_name: str,
        principals: Mapping[str, tuple[str, str]],
        tags: dict[str, str],
        partition: str = "aws",
    ) -> None:
        super().__init__(scope, id_)
        for name, (arn, level) in principals.items():
            key = name.replace("-", "_")
            entry = EksAccessEntry(
                self, f"{key}_entry", cluster_name=cluster_name, principal_arn=arn, type="STANDARD", tags=tags
            )
            EksAccessPolicyAssociation(
                self,
                f"{key}_policy",
                cluster_name=cluster_name,
                principal_arn=entry.principal_arn,
                policy_arn=f"arn:{partition}:eks::aws:cluster-access-policy/{EKS_ACCESS_POLICIES[level]}",
                access_scope=EksAccessPolicyAssociationAccessScope(type="cluster"),
            )


class SsmApiPath(Construct):
    """Props: name, vpc_id, subnet_id (private), api_security_group_id, instance_type."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        vpc_id: str,
        subnet_id: str,
        api_security_group_id: str,
        tags: dict[str, str],
        instance_type: str = "t4g.nano",
        partition: str = "aws",
    ) -> None:
        super().__init__(scope, id_)
        role, attachments = service_role(
            self,
            "role",
            name=f"{name}-api-path",
            service="ec2.amazonaws.com",
            managed_policy_arns=[f"arn:{partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            tags=tags,
        )
        profile = IamInstanceProfile(self, "profile", name=f"{name}-api-path", role=role.name, tags=tags)
        self.security_group = SecurityGroup(
            self,
            "security_group",
            name=f"{name}-api-path",
            description="Operator path to the private Kubernetes API: no inbound, HTTPS out",
            vpc_id=vpc_id,
            tags=tags,
        )
        VpcSecurityGroupEgressRule(
            self,
            "egress_https",
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",  # SSM endpoints through the NAT gateway, and the API
            description="SSM agent and the Kubernetes API",
            tags=tags,
        )
        VpcSecurityGroupIngressRule(
            self,
            "api_from_path",
            security_group_id=api_security_group_id,
            referenced_security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            description="Kubernetes API from the SSM operator path",
            tags=tags,
        )
        ami = DataAwsSsmParameter(self, "ami", name=AL2023_ARM64_PARAMETER)
        self.instance = Instance(
            self,
            "host",
            ami=ami.insecure_value,
            instance_type=instance_type,
            subnet_id=subnet_id,
            vpc_security_group_ids=[self.security_group.id],
            iam_instance_profile=profile.name,
            associate_public_ip_address=False,
            monitoring=True,
            ebs_optimized=True,
            metadata_options=InstanceMetadataOptions(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
            ),
            root_block_device=InstanceRootBlockDevice(encrypted=True, volume_type="gp3", volume_size=8),
            tags={**tags, "Name": f"{name}-api-path"},
            # A new AMI is picked up by replacing the host on purpose, not on every plan.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["ami"]),
            depends_on=attachments,
        )
