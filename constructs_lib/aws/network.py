"""An AWS VPC for one EKS cluster: private subnets in three zones, NAT egress, flow logs.

Resources (aws 6.25): aws_vpc, aws_subnet, aws_internet_gateway, aws_eip, aws_nat_gateway,
aws_route_table, aws_route, aws_route_table_association, aws_default_security_group,
aws_cloudwatch_log_group, aws_flow_log, aws_vpc_endpoint (S3 gateway).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from constructs_lib.aws.iam import policy_document, service_role
from constructs_lib.aws.kms import RotatingKey
from constructs_lib.cidrs import split_vpc_cidr


class AwsClusterNetwork(Construct):
    """VPC with one private and one public subnet per zone.

    Nodes live in the private subnets and reach the internet only through NAT gateways; nothing
    gets a public IP on launch. The VPC's default security group is emptied (no rule allows
    anything), and every flow is logged to an encrypted CloudWatch log group.

    Props:
      name: prefix of every Name tag (`prod-aws-us-east-1`).
      cluster_name: the EKS cluster using the subnets (subnet discovery tags for load balancers).
      cidr: the VPC range; subnets are carved from it by `split_vpc_cidr`.
      zones: availability zones, one private + one public subnet each (three expected).
      logs_key: the KMS key encrypting the flow-log group (needs CloudWatch Logs in its policy).
      nat: False leaves the private subnets without a default route (for isolated networks).
      nat_per_zone: one NAT gateway per zone (default) so losing a zone never cuts egress of the
        others; False shares one gateway (cheaper, a single point of failure).
      flow_log_retention_days: how long flow logs are kept.
      region: the VPC's region. Given: an S3 gateway endpoint on every private route table, so
        traffic to the region's S3 buckets (the data lake) stays on the AWS network instead of
        the NAT gateways (no data-processing charge; "Gateway endpoints for Amazon S3", AWS
        PrivateLink guide; aws_vpc_endpoint `vpc_endpoint_type = "Gateway"`, `route_table_ids`).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        cluster_name: str,
        cidr: str,
        zones: Sequence[str],
        logs_key: RotatingKey,
        tags: dict[str, str],
        nat: bool = True,
        nat_per_zone: bool = True,
        flow_log_retention_days: int = 365,
        region: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if len(zones) < 2:
            raise ValueError(
                f"AwsClusterNetwork {name}: EKS needs subnets in at least two zones, got {list(zones)}"
            )
        private_cidrs, public_cidrs = split_vpc_cidr(cidr, len(zones))

        def named(suffix: str, extra: dict[str, str] | None = None) -> dict[str, str]:
            return {**tags, "Name": f"{name}-{suffix}", **(extra or {})}

        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=named("vpc"),
        )
        # The default security group allows all traffic between its members; empty it so
        # nothing can use it by accident (resources get their own groups).
        DefaultSecurityGroup(
            self, "default_sg", vpc_id=self.vpc.id, ingress=[], egress=[], tags=named("default-closed")
        )

        owned = {f"kubernetes.io/cluster/{cluster_name}": "shared"}
        self.private_subnets: list[Subnet] = []
        self.public_subnets: list[Subnet] = []
        for i, zone in enumerate(zones):
            self.private_subnets.append(
                Subnet(
                    self,
                    f"private_{i}",
                    vpc_id=self.vpc.id,
                    availability_zone=zone,
                    cidr_block=private_cidrs[i],
                    map_public_ip_on_launch=False,
                    tags=named(f"private-{zone}", {**owned, "kubernetes.io/role/internal-elb": "1"}),
                )
            )
            self.public_subnets.append(
                Subnet(
                    self,
                    f"public_{i}",
                    vpc_id=self.vpc.id,
                    availability_zone=zone,
                    cidr_block=public_cidrs[i],
                    map_public_ip_on_launch=False,
                    tags=named(f"public-{zone}", {**owned, "kubernetes.io/role/elb": "1"}),
                )
            )

        # Routes are separate aws_route resources (never inline blocks) so other stacks, e.g. the
        # interconnect, can add routes to these tables without Terraform removing them again.
        public_rt = RouteTable(self, "public_rt", vpc_id=self.vpc.id, tags=named("public"))
        for i, subnet in enumerate(self.public_subnets):
            RouteTableAssociation(self, f"public_rta_{i}", subnet_id=subnet.id, route_table_id=public_rt.id)

        self.private_route_tables: list[RouteTable] = []
        for i, (zone, subnet) in enumerate(zip(zones, self.private_subnets, strict=False)):
            rt = RouteTable(self, f"private_rt_{i}", vpc_id=self.vpc.id, tags=named(f"private-{zone}"))
            RouteTableAssociation(self, f"private_rta_{i}", subnet_id=subnet.id, route_table_id=rt.id)
            self.private_route_tables.append(rt)

        self.nat_gateways: list[NatGateway] = []
        if nat:
            igw = InternetGateway(self, "igw", vpc_id=self.vpc.id, tags=named("igw"))
            Route(
                self,
                "public_default",
                route_table_id=public_rt.id,
                destination_cidr_block="0.0.0.0/0",
                gateway_id=igw.id,
            )
            for i, zone in enumerate(zones if nat_per_zone else zones[:1]):
                eip = Eip(self, f"nat_ip_{i}", domain="vpc", tags=named(f"nat-{zone}"), depends_on=[igw])
                self.nat_gateways.append(
                    NatGateway(
                        self,
                        f"nat_{i}",
                        allocation_id=eip.allocation_id,
                        subnet_id=self.public_subnets[i].id,
                        connectivity_type="public",
                        tags=named(f"nat-{zone}"),
                        depends_on=[igw],
                    )
                )
            for i, rt in enumerate(self.private_route_tables):
                gateway = self.nat_gateways[i if nat_per_zone else 0]
                Route(
                    self,
                    f"private_default_{i}",
                    route_table_id=rt.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=gateway.id,
                )

        self.s3_endpoint = None
        if region is not None:
            self.s3_endpoint = VpcEndpoint(
                self,
                "s3_gateway_endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{region}.s3",
                vpc_endpoint_type="Gateway",
                route_table_ids=[rt.id for rt in self.private_route_tables],
                tags=named("s3"),
            )

        flow_logs = CloudwatchLogGroup(
            self,
            "flow_logs",
            name=f"/aws/vpc/{name}/flow-logs",
            retention_in_days=flow_log_retention_days,
            kms_key_id=logs_key.arn,
            tags=tags,
        )
        role, _ = service_role(
            self, "flow_logs_role", name=f"{name}-flow-logs", service="vpc-flow-logs.amazonaws.com", tags=tags
        )
        IamRolePolicy(
            self,
            "flow_logs_write",
            role=role.name,
            name="write-flow-logs",
            policy=policy_document(
                [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        "Resource": [flow_logs.arn, f"{flow_logs.arn}:*"],
                    }
                ]
            ),
        )
        FlowLog(
            self,
            "flow_log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=flow_logs.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=tags,
        )

    @property
    def private_subnet_ids(self) -> list[str]:
        return [s.id for s in self.private_subnets]

    @property
    def private_route_table_ids(self) -> tuple[str, ...]:
        return tuple(rt.id for rt in self.private_route_tables)
