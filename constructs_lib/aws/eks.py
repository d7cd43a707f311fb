"""An EKS cluster with managed node groups, secure by default.

Resources (aws 6.25): aws_eks_cluster, aws_eks_node_group, aws_eks_addon, aws_launch_template,
aws_iam_role(+_policy, _policy_attachment), aws_iam_openid_connect_provider,
aws_cloudwatch_log_group, aws_kms_key, aws_vpc_security_group_ingress_rule.

What is on without asking (each a named prop to turn off, never a missing one):
  - private API endpoint only (`public_endpoint=False`);
  - Kubernetes secrets envelope-encrypted with a customer-managed KMS key that rotates;
  - every control-plane log type (api, audit, authenticator, controllerManager, scheduler) into a
    KMS-encrypted log group with a retention;
  - access through EKS access entries only (authentication mode API, no aws-auth ConfigMap);
  - IRSA (an IAM OIDC provider for the cluster's issuer) and the Pod Identity agent;
  - nodes with IMDSv2 required and hop limit 1 (pods cannot reach the node's credentials),
    encrypted gp3 root volumes, a node role holding only the three node policies;
  - Kubernetes network policies enforced by the VPC CNI;
  - standard (not extended, paid) version support, and node groups upgraded a third at a time;
  - node groups the cluster autoscaler can find and scale from zero (discovery and node-template
    tags on each group's Auto Scaling group) and an EKS Pod Identity role for the autoscaler
    (kube-system/cluster-autoscaler) allowed to resize only this cluster's groups;
  - the EBS CSI driver as a managed add-on whose controller gets its role through Pod Identity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from cdktf import ITerraformDependable, TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_aws.autoscaling_group_tag import AutoscalingGroupTagA, AutoscalingGroupTagTag
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.eks_addon import EksAddon, EksAddonPodIdentityAssociation
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksCluster,
    EksClusterAccessConfig,
    EksClusterEncryptionConfig,
    EksClusterEncryptionConfigProvider,
    EksClusterKubernetesNetworkConfig,
    EksClusterUpgradePolicy,
    EksClusterVpcConfig,
)
from cdktf_cdktf_provider_aws.eks_node_group import (
    EksNodeGroup,
    EksNodeGroupLaunchTemplate,
    EksNodeGroupScalingConfig,
    EksNodeGroupTaint,
    EksNodeGroupUpdateConfig,
)
from cdktf_cdktf_provider_aws.eks_pod_identity_association import EksPodIdentityAssociation
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateMetadataOptions,
    LaunchTemplateTagSpecifications,
)
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from constructs_lib.aws.iam import grant_kms_use, policy_document, service_role
from constructs_lib.aws.kms import RotatingKey
from constructs_lib.aws.network import AwsClusterNetwork
from constructs_lib.specs import CA_PREFIX, NodePoolSpec, eks_autoscaler_tags, to_eks

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")

# Least privilege for nodes: join the cluster, pull images, run the VPC CNI. Nothing else; pods
# get their own permissions through IRSA / Pod Identity, never through the node role.
NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEKS_CNI_Policy",
)

# Add-ons installed as EKS managed add-ons (the cluster boots without the self-managed copies).
# The ones that must run before nodes can become Ready are created before the node groups.
ADDONS_BEFORE_NODES = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
ADDONS_AFTER_NODES = ("coredns",)

# EKS Pod Identity: the agent (an add-on above) hands these roles to the named service accounts.
# The trust principal and the two actions are the ones the EKS user guide prescribes
# (docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html).
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
POD_IDENTITY_TRUST_ACTIONS = ("sts:AssumeRole", "sts:TagSession")
AUTOSCALER_SERVICE_ACCOUNT = ("kube-system", "cluster-autoscaler")
# The service account the aws-ebs-csi-driver add-on's controller runs as.
EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa"
EBS_CSI_POLICY = "service-role/AmazonEBSCSIDriverPolicy"


class Eks(Construct):
    """One EKS cluster and its node groups.

    Props:
      name: cluster name (`prod-aws-us-east-1`); prefixes IAM roles, keys and templates.
      kubernetes_version: minor version, e.g. "1.34".
      network: the AwsClusterNetwork whose private subnets hold the control-plane ENIs and nodes.
      node_pools: cloud-neutral specs, translated by constructs_lib.specs.to_eks.
      account_id / partition: for ARNs of the key policies.
      logs_key: KMS key (with CloudWatch Logs in its policy) for the control-plane log group.
      public_endpoint: True adds a public endpoint reachable from `authorized_cidrs` only.
      authorized_cidrs: networks allowed to reach the API (private endpoint: via the cluster
        security group on 443; public endpoint: the endpoint's allow list). Empty: the VPC only.
      services_cidr: Kubernetes service range; left out, EKS picks one.
      log_retention_days: control-plane log retention (a CloudWatch-allowed value).
      key_rotation_days: rotation period of the secrets key (90..2560).
      deletion_protection: EKS refuses to delete the cluster while True.
      creator_admin: True gives the identity that applies this stack cluster-admin
        (bootstrap_cluster_creator_admin_permissions). Off by default: access is granted by
        explicit access entries (stacks/access_stack.py: the unified roles and the CI deploy
        role), so nobody's laptop identity stays cluster-admin forever.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        kubernetes_version: str,
        network: AwsClusterNetwork,
        node_pools: Sequence[NodePoolSpec],
        account_id: str,
        logs_key: RotatingKey,
        tags: dict[str, str],
        partition: str = "aws",
        public_endpoint: bool = False,
        authorized_cidrs: Sequence[str] = (),
        services_cidr: str | None = None,
        log_retention_days: int = 365,
        key_rotation_days: int = 90,
        deletion_protection: bool = True,
        creator_admin: bool = False,
    ) -> None:
        super().__init__(scope, id_)
        if public_endpoint and not authorized_cidrs:
            raise ValueError(
                f"Eks {name}: a public endpoint needs authorized_cidrs; 0.0.0.0/0 is never implied"
            )

        self.secrets_key = RotatingKey(
            self,
            "secrets_key",
            alias=f"{name}-eks-secrets",
            description=f"Envelope encryption of Kubernetes secrets of EKS cluster {name}",
            account_id=account_id,
            partition=partition,
            rotation_days=key_rotation_days,
            tags=tags,
        )
        # EKS creates /aws/eks/<name>/cluster itself (unencrypted, kept forever) unless it exists.
        log_group = CloudwatchLogGroup(
            self,
            "control_plane_logs",
            name=f"/aws/eks/{name}/cluster",
            retention_in_days=log_retention_days,
            kms_key_id=logs_key.arn,
            tags=tags,
        )

        aws_policy = f"arn:{partition}:iam::aws:policy"
        cluster_role, cluster_attachments = service_role(
            self,
            "cluster_role",
            name=f"{name}-cluster",
            service="eks.amazonaws.com",
            trust_actions=("sts:AssumeRole", "sts:TagSession"),
            managed_policy_arns=[f"{aws_policy}/AmazonEKSClusterPolicy"],
            tags=tags,
        )
        secrets_grant = grant_kms_use(
            self,
            "cluster_secrets_key_use",
            role=cluster_role,
            key_arn=self.secrets_key.arn,
            actions=("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"),
        )

        self.cluster = EksCluster(
            self,
            "cluster",
            name=name,
            version=kubernetes_version,
            role_arn=cluster_role.arn,
            vpc_config=EksClusterVpcConfig(
                subnet_ids=network.private_subnet_ids,
                endpoint_private_access=True,
                endpoint_public_access=public_endpoint,
                public_access_cidrs=list(authorized_cidrs) if public_endpoint else None,
            ),
            encryption_config=EksClusterEncryptionConfig(
                resources=["secrets"],
                provider=EksClusterEncryptionConfigProvider(key_arn=self.secrets_key.arn),
            ),
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            access_config=EksClusterAccessConfig(
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=creator_admin,
            ),
            kubernetes_network_config=EksClusterKubernetesNetworkConfig(
                ip_family="ipv4", service_ipv4_cidr=services_cidr
            ),
            # The managed add-ons below replace the self-managed copies EKS would install.
            bootstrap_self_managed_addons=False,
            upgrade_policy=EksClusterUpgradePolicy(support_type="STANDARD"),
            deletion_protection=deletion_protection,
            tags=tags,
            depends_on=[log_group, secrets_grant, *cluster_attachments],
        )

        for i, cidr in enumerate(authorized_cidrs if not public_endpoint else ()):
            VpcSecurityGroupIngressRule(
                self,
                f"api_from_{i}",
                security_group_id=self.cluster.vpc_config.cluster_security_group_id,
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4=cidr,
                description="Kubernetes API from an authorized network",
                tags=tags,
            )

        # IRSA: the cluster's issuer as an IAM identity provider. No thumbprint: AWS validates
        # the EKS OIDC endpoint against its own trusted CAs (thumbprint_list is optional in aws 6).
        self.oidc_provider = IamOpenidConnectProvider(
            self,
            "oidc_provider",
            url=self.oidc_issuer_url,
            client_id_list=["sts.amazonaws.com"],
            tags=tags,
        )

        self.node_role, node_attachments = service_role(
            self,
            "node_role",
            name=f"{name}-node",
            service="ec2.amazonaws.com",
            managed_policy_arns=[f"{aws_policy}/{p}" for p in NODE_POLICIES],
            tags=tags,
        )

        addons_before = [self._addon(a, tags) for a in ADDONS_BEFORE_NODES]
        self.node_groups: dict[str, EksNodeGroup] = {}
        for spec in node_pools:
            self.node_groups[spec.role] = self._node_group(
                spec,
                name=name,
                node_role_arn=self.node_role.arn,
                subnet_ids=network.private_subnet_ids,
                tags=tags,
                depends_on=[*node_attachments, *addons_before],
            )
        for addon in ADDONS_AFTER_NODES:
            self._addon(addon, tags, depends_on=list(self.node_groups.values()))

        for spec in node_pools:
            if not spec.fixed_size:  # a fixed pool (min == max) gives the autoscaler nothing to do
                self._autoscaler_tags(spec, name)
        self.autoscaler_role = self._autoscaler_identity(
            name=name, partition=partition, account_id=account_id, tags=tags
        )
        self.ebs_csi_role = self._ebs_csi(name=name, aws_policy=aws_policy, tags=tags)

    # ----------------------------------------------------------------------------------------

    def _addon(
        self, addon: str, tags: dict[str, str], depends_on: Sequence[ITerraformDependable] | None = None
    ) -> EksAddon:
        config = None
        if addon == "vpc-cni":
            # The VPC CNI's network policy agent enforces Kubernetes NetworkPolicy objects.
            config = json.dumps({"enableNetworkPolicy": "true"})
        return EksAddon(
            self,
            f"addon_{addon.replace('-', '_')}",
            cluster_name=self.cluster.name,
            addon_name=addon,
            configuration_values=config,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=tags,
            depends_on=depends_on,
        )

    def _node_group(
        self,
        spec: NodePoolSpec,
        *,
        name: str,
        node_role_arn: str,
        subnet_ids: list[str],
        tags: dict[str, str],
        depends_on: Sequence[ITerraformDependable],
    ) -> EksNodeGroup:
        pool_tags = {**tags, "pool": spec.role}
        template = LaunchTemplate(
            self,
            f"{spec.role}_template",
            name=f"{name}-{spec.role}",
            description=f"Nodes of pool {spec.role}: IMDSv2 only, hop limit 1, encrypted root volume",
            update_default_version=True,
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled",
                http_tokens="required",
                # 1: the node answers, a pod (one more network hop) does not.
                http_put_response_hop_limit=1,
                instance_metadata_tags="disabled",
            ),
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name="/dev/xvda",
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_size=spec.disk_size_gb,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            tag_specifications=[
                LaunchTemplateTagSpecifications(resource_type="instance", tags=pool_tags),
                LaunchTemplateTagSpecifications(resource_type="volume", tags=pool_tags),
            ],
            tags=pool_tags,
        )
        args = to_eks(spec)
        return EksNodeGroup(
            self,
            f"{spec.role}_pool",
            cluster_name=self.cluster.name,
            node_role_arn=node_role_arn,
            subnet_ids=subnet_ids,
            node_group_name=args["node_group_name"],
            instance_types=args["instance_types"],
            ami_type=args["ami_type"],
            capacity_type=args["capacity_type"],
            scaling_config=EksNodeGroupScalingConfig(**args["scaling_config"]),
            labels=args["labels"],
            taint=[EksNodeGroupTaint(**t) for t in args["taint"]],
            launch_template=EksNodeGroupLaunchTemplate(
                id=template.id, version=Token.as_string(template.latest_version)
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable_percentage=33),
            tags=pool_tags,
            # The cluster autoscaler owns the current size once the group exists.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["scaling_config[0].desired_size"]),
            depends_on=depends_on,
        )

    def _autoscaler_tags(self, spec: NodePoolSpec, cluster_name: str) -> None:
        """EKS does not copy node group labels and taints to the group's Auto Scaling group as
        node-template tags (aws/containers-roadmap#608; eksctl docs "Scaling up from 0"), so a pool
        at zero would stay at zero. aws_autoscaling_group_tag is the aws provider's resource for
        exactly this case ("ASGs implicitly created by EKS Node Groups", aws 6.25 docs of
        autoscaling_group_tag); one resource per key. The discovery keys EKS sets itself are
        declared too, so the plan shows everything the autoscaler relies on."""
        asg_name = self.node_groups[spec.role].resources.get(0).autoscaling_groups.get(0).name
        for key, value in eks_autoscaler_tags(spec, cluster_name=cluster_name).items():
            suffix = key.removeprefix(f"{CA_PREFIX}/").replace(cluster_name, "cluster")
            AutoscalingGroupTagA(
                self,
                f"{spec.role}_asg_tag_{_id_part(suffix)}",
                autoscaling_group_name=asg_name,
                # Not propagated: the tags describe the group to the autoscaler, not the instances.
                tag=AutoscalingGroupTagTag(key=key, value=value, propagate_at_launch=False),
            )

    def _pod_identity_role(self, id_: str, *, name: str, tags: dict[str, str]) -> IamRole:
        return IamRole(
            self,
            id_,
            name=name,
            assume_role_policy=policy_document(
                [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
                        "Action": list(POD_IDENTITY_TRUST_ACTIONS),
                    }
                ]
            ),
            tags=tags,
        )

    def _autoscaler_identity(
        self, *, name: str, partition: str, account_id: str, tags: dict[str, str]
    ) -> IamRole:
        """The cluster autoscaler's role: read any group (the Describe calls take no resource),
        resize or shrink only groups tagged as owned by this cluster, read this cluster's node
        groups (labels and taints of a group at zero). Actions from the autoscaler's AWS README,
        "Full Cluster Autoscaler Features Policy", narrowed with the tag condition it recommends."""
        role = self._pod_identity_role("autoscaler_role", name=f"{name}-cluster-autoscaler", tags=tags)
        IamRolePolicy(
            self,
            "autoscaler_policy",
            role=role.name,
            name="cluster-autoscaler",
            policy=policy_document(
                [
                    {
                        "Sid": "Describe",
                        "Effect": "Allow",
                        "Action": [
                            "autoscaling:DescribeAutoScalingGroups",
                            "autoscaling:DescribeAutoScalingInstances",
                            "autoscaling:DescribeLaunchConfigurations",
                            "autoscaling:DescribeScalingActivities",
                            "autoscaling:DescribeTags",
                            "ec2:DescribeImages",
                            "ec2:DescribeInstanceTypes",
                            "ec2:DescribeLaunchTemplateVersions",
                            "ec2:GetInstanceTypesFromInstanceRequirements",
                        ],
                        "Resource": "*",
                    },
                    {
                        "Sid": "ResizeOwnGroups",
                        "Effect": "Allow",
                        "Action": [
                            "autoscaling:SetDesiredCapacity",
                            "autoscaling:TerminateInstanceInAutoScalingGroup",
                        ],
                        "Resource": "*",
                        "Condition": {"StringEquals": {f"aws:ResourceTag/{CA_PREFIX}/{name}": "owned"}},
                    },
                    {
                        "Sid": "ReadOwnNodeGroups",
                        "Effect": "Allow",
                        "Action": ["eks:DescribeNodegroup"],
                        "Resource": f"arn:{partition}:eks:*:{account_id}:nodegroup/{name}/*",
                    },
                ]
            ),
        )
        ns, sa = AUTOSCALER_SERVICE_ACCOUNT
        EksPodIdentityAssociation(
            self,
            "autoscaler_pod_identity",
            cluster_name=self.cluster.name,
            namespace=ns,
            service_account=sa,
            role_arn=role.arn,
            tags=tags,
        )
        return role

    def _ebs_csi(self, *, name: str, aws_policy: str, tags: dict[str, str]) -> IamRole:
        """The EBS CSI driver add-on, its controller's role handed over by Pod Identity through
        the add-on's own `pod_identity_association` block (aws 6.25 eks_addon docs)."""
        role = self._pod_identity_role("ebs_csi_role", name=f"{name}-ebs-csi", tags=tags)
        attachment = IamRolePolicyAttachment(
            self, "ebs_csi_role_policy", role=role.name, policy_arn=f"{aws_policy}/{EBS_CSI_POLICY}"
        )
        EksAddon(
            self,
            "addon_aws_ebs_csi_driver",
            cluster_name=self.cluster.name,
            addon_name="aws-ebs-csi-driver",
            pod_identity_association=[
                EksAddonPodIdentityAssociation(role_arn=role.arn, service_account=EBS_CSI_SERVICE_ACCOUNT)
            ],
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=tags,
            # The controller runs on nodes; the add-on stays DEGRADED until a pool is up.
            depends_on=[attachment, *self.node_groups.values()],
        )
        return role

    # ----------------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return self.cluster.endpoint

    @property
    def ca_certificate(self) -> str:
        """Base64-encoded PEM of the cluster CA."""
        return self.cluster.certificate_authority.get(0).data

    @property
    def oidc_issuer_url(self) -> str:
        return self.cluster.identity.get(0).oidc.get(0).issuer


def _id_part(text: str) -> str:
    """`node-template/label/pool` -> `node_template_label_pool`: a logical-id-safe fragment."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
