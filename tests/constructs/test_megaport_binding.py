"""The hand-written Megaport binding synthesizes the provider's own argument names and shapes.

One tiny stack (provider, MCR, location and partner data sources, a VXC to each
cloud) is synthesized once for the module; the tests read the parsed
``cdk.tf.json``.  Validation tests build constructs in a scratch stack and
never synthesize.  Imports stay at cdktf + the binding, so this file runs in
about a second.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformOutput, TerraformStack, TerraformVariable
from cdktf import Testing as CdktfTesting  # aliased: pytest would try to collect a class named Test*

from constructs_lib.megaport import (
    AwsConfig,
    AzureConfig,
    AzurePeer,
    Bfd,
    BgpConnection,
    DataMegaportLocation,
    DataMegaportPartner,
    GoogleConfig,
    Mcr,
    MegaportProvider,
    PartnerConfig,
    VrouterConfig,
    VrouterInterface,
    Vxc,
    VxcEnd,
)


def _mcr_side_bgp(local: str, peer: str, peer_asn: int) -> PartnerConfig:
    return PartnerConfig(
        partner="vrouter",
        vrouter_config=VrouterConfig(
            interfaces=(
                VrouterInterface(
                    ip_addresses=(f"{local}/30",),
                    bfd=Bfd(tx_interval=300, rx_interval=300, multiplier=3),
                    bgp_connections=(
                        BgpConnection(
                            peer_asn=peer_asn,
                            local_ip_address=local,
                            peer_ip_address=peer,
                            bfd_enabled=True,
                        ),
                    ),
                ),
            )
        ),
    )


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> dict[str, Any]:
    """cdk.tf.json of a stack using every class of the binding, synthesized once."""
    app = CdktfTesting.app(outdir=str(tmp_path_factory.mktemp("megaport_synth")))
    stack = TerraformStack(app, "megaport-binding")

    MegaportProvider(stack, "megaport", environment="production", accept_purchase_terms=True, wait_time=30)
    eu = MegaportProvider(
        stack, "megaport_eu", environment="production", accept_purchase_terms=True, alias="eu"
    )

    location = DataMegaportLocation(stack, "us_east", id=65)
    location_eu = DataMegaportLocation(stack, "eu_west", name="Equinix FR5")
    mcr = Mcr(
        stack,
        "mcr_us",
        product_name="prod-mcr-us",
        location_id=location.id,
        contract_term_months=12,
        port_speed=10000,
        asn=64512,
        diversity_zone="red",
        cost_centre="platform",
        resource_tags={"env": "prod", "managed_by": "cdktf"},
    )
    Mcr(
        stack,
        "mcr_eu",
        product_name="prod-mcr-eu",
        location_id=location_eu.id,
        contract_term_months=1,
        port_speed=1000,
        provider=eu,
    )

    google_port = DataMegaportPartner(
        stack,
        "google_port_red",
        connect_type="GOOGLE",
        company_name="Google",
        location_id=location.id,
        diversity_zone="red",
    )
    aws_port = DataMegaportPartner(
        stack,
        "aws_port_blue",
        connect_type="AWS",
        company_name="AWS",
        product_name="US East (N. Virginia) (us-east-1)",
        diversity_zone="blue",
    )
    azure_port = DataMegaportPartner(stack, "azure_port_red", connect_type="AZURE", location_id=location.id)

    # Stand-ins for google_compute_interconnect_attachment.pairing_key and
    # azurerm_express_route_circuit.service_key: anything that is a reference.
    pairing_key = TerraformVariable(stack, "gcp_pairing_key", type="string", sensitive=True)
    service_key = TerraformVariable(stack, "azure_service_key", type="string", sensitive=True)

    Vxc(
        stack,
        "gcp_red",
        product_name="prod-gcp-red",
        rate_limit=10000,
        contract_term_months=12,
        a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=101),
        b_end=VxcEnd(requested_product_uid=google_port.product_uid),
        a_end_partner_config=_mcr_side_bgp("169.254.10.1", "169.254.10.2", 16550),
        b_end_partner_config=PartnerConfig(
            partner="google", google_config=GoogleConfig(pairing_key=pairing_key.string_value)
        ),
        resource_tags={"env": "prod"},
    )
    aws = Vxc(
        stack,
        "aws_blue",
        product_name="prod-aws-blue",
        rate_limit=10000,
        contract_term_months=12,
        a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=102),
        b_end=VxcEnd(requested_product_uid=aws_port.product_uid),
        b_end_partner_config=PartnerConfig(
            partner="aws",
            aws_config=AwsConfig(
                connect_type="AWS",
                type="private",
                name="prod-aws-blue",
                owner_account="111111111111",
                asn=64512,
                amazon_asn=64513,
            ),
        ),
    )
    Vxc(
        stack,
        "azure_primary",
        product_name="prod-azure-primary",
        rate_limit=1000,
        contract_term_months=12,
        a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=0),
        b_end=VxcEnd(requested_product_uid=azure_port.product_uid),
        b_end_partner_config=PartnerConfig(
            partner="azure",
            azure_config=AzureConfig(
                service_key=service_key.string_value,
                port_choice="primary",
                peers=(
                    AzurePeer(
                        type="private",
                        peer_asn="64512",
                        primary_subnet="169.254.20.0/30",
                        secondary_subnet="169.254.20.4/30",
                        vlan=200,
                    ),
                ),
            ),
        ),
    )
    TerraformOutput(stack, "aws_vif_id", value=aws.csp_connection_attribute("vif_id"))

    return json.loads(CdktfTesting.synth(stack))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> TerraformStack:
    """A stack to construct (never synthesize) invalid props in; ids are unique per test."""
    return TerraformStack(
        CdktfTesting.app(outdir=str(tmp_path_factory.mktemp("megaport_scratch"))), "scratch"
    )


def _resource(synth: dict[str, Any], type_: str, name: str) -> dict[str, Any]:
    return synth["resource"][type_][name]


# ---------------------------------------------------------------- provider


def test_required_providers_pins_megaport_source_and_version(synth):
    assert synth["terraform"]["required_providers"]["megaport"] == {
        "source": "megaport/megaport",
        "version": "~> 1.13",
    }


def test_provider_block_accepts_purchase_terms_with_explicit_environment(synth):
    default = synth["provider"]["megaport"][0]
    assert default == {"environment": "production", "accept_purchase_terms": True, "wait_time": 30}


def test_provider_credentials_never_appear_in_the_json(synth):
    for block in synth["provider"]["megaport"]:
        assert "access_key" not in block and "secret_key" not in block
    text = json.dumps(synth)
    assert "access_key" not in text and "secret_key" not in text


def test_provider_alias_routes_resources_to_the_aliased_block(synth):
    aliased = synth["provider"]["megaport"][1]
    assert aliased == {"environment": "production", "accept_purchase_terms": True, "alias": "eu"}
    assert _resource(synth, "megaport_mcr", "mcr_eu")["provider"] == "megaport.eu"
    assert "provider" not in _resource(synth, "megaport_mcr", "mcr_us")


# ---------------------------------------------------------------- MCR and data sources


def test_mcr_arguments_use_the_provider_names(synth):
    assert _resource(synth, "megaport_mcr", "mcr_us") == {
        "product_name": "prod-mcr-us",
        "location_id": "${data.megaport_location.us_east.id}",
        "contract_term_months": 12,
        "port_speed": 10000,
        "asn": 64512,
        "diversity_zone": "red",
        "cost_centre": "platform",
        "resource_tags": {"env": "prod", "managed_by": "cdktf"},
    }


def test_mcr_leaves_out_unset_optional_arguments(synth):
    assert _resource(synth, "megaport_mcr", "mcr_eu") == {
        "product_name": "prod-mcr-eu",
        "location_id": "${data.megaport_location.eu_west.id}",
        "contract_term_months": 1,
        "port_speed": 1000,
        "provider": "megaport.eu",
    }


def test_location_data_source_filters_by_id_or_name(synth):
    assert synth["data"]["megaport_location"] == {"us_east": {"id": 65}, "eu_west": {"name": "Equinix FR5"}}


def test_partner_data_source_filters_use_the_provider_names(synth):
    partners = synth["data"]["megaport_partner"]
    assert partners["google_port_red"] == {
        "connect_type": "GOOGLE",
        "company_name": "Google",
        "location_id": "${data.megaport_location.us_east.id}",
        "diversity_zone": "red",
    }
    assert partners["aws_port_blue"] == {
        "connect_type": "AWS",
        "company_name": "AWS",
        "product_name": "US East (N. Virginia) (us-east-1)",
        "diversity_zone": "blue",
    }


# ---------------------------------------------------------------- VXC


def test_vxc_ends_and_partner_configs_are_single_objects(synth):
    vxc = _resource(synth, "megaport_vxc", "gcp_red")
    assert vxc["a_end"] == {
        "requested_product_uid": "${megaport_mcr.mcr_us.product_uid}",
        "ordered_vlan": 101,
    }
    assert vxc["b_end"] == {"requested_product_uid": "${data.megaport_partner.google_port_red.product_uid}"}
    assert vxc["b_end_partner_config"] == {
        "partner": "google",
        "google_config": {"pairing_key": "${var.gcp_pairing_key}"},
    }
    assert {k: vxc[k] for k in ("product_name", "rate_limit", "contract_term_months", "resource_tags")} == {
        "product_name": "prod-gcp-red",
        "rate_limit": 10000,
        "contract_term_months": 12,
        "resource_tags": {"env": "prod"},
    }


def test_vxc_b_end_is_a_reference_to_the_partner_port(synth):
    for name, partner in (
        ("gcp_red", "google_port_red"),
        ("aws_blue", "aws_port_blue"),
        ("azure_primary", "azure_port_red"),
    ):
        b_end = _resource(synth, "megaport_vxc", name)["b_end"]
        assert b_end["requested_product_uid"] == f"${{data.megaport_partner.{partner}.product_uid}}"


def test_google_pairing_key_is_a_reference_not_a_literal(synth):
    key = _resource(synth, "megaport_vxc", "gcp_red")["b_end_partner_config"]["google_config"]["pairing_key"]
    assert key == "${var.gcp_pairing_key}"
    assert "default" not in synth["variable"]["gcp_pairing_key"]


def test_azure_service_key_is_a_reference_and_peers_are_a_list(synth):
    azure = _resource(synth, "megaport_vxc", "azure_primary")["b_end_partner_config"]
    assert azure == {
        "partner": "azure",
        "azure_config": {
            "service_key": "${var.azure_service_key}",
            "port_choice": "primary",
            "peers": [
                {
                    "type": "private",
                    "peer_asn": "64512",
                    "primary_subnet": "169.254.20.0/30",
                    "secondary_subnet": "169.254.20.4/30",
                    "vlan": 200,
                }
            ],
        },
    }


def test_vxc_ordered_vlan_zero_is_kept_for_auto_allocation(synth):
    assert _resource(synth, "megaport_vxc", "azure_primary")["a_end"]["ordered_vlan"] == 0


def test_aws_config_arguments_use_the_provider_names(synth):
    assert _resource(synth, "megaport_vxc", "aws_blue")["b_end_partner_config"] == {
        "partner": "aws",
        "aws_config": {
            "connect_type": "AWS",
            "type": "private",
            "name": "prod-aws-blue",
            "owner_account": "111111111111",
            "asn": 64512,
            "amazon_asn": 64513,
        },
    }


def test_mcr_side_bgp_is_a_vrouter_config_with_list_interfaces_and_sessions(synth):
    assert _resource(synth, "megaport_vxc", "gcp_red")["a_end_partner_config"] == {
        "partner": "vrouter",
        "vrouter_config": {
            "interfaces": [
                {
                    "ip_addresses": ["169.254.10.1/30"],
                    "bfd": {"tx_interval": 300, "rx_interval": 300, "multiplier": 3},
                    "bgp_connections": [
                        {
                            "peer_asn": 16550,
                            "local_ip_address": "169.254.10.1",
                            "peer_ip_address": "169.254.10.2",
                            "bfd_enabled": True,
                        }
                    ],
                }
            ]
        },
    }


def test_csp_connection_attribute_references_the_vxc(synth):
    assert synth["output"]["aws_vif_id"]["value"] == "${megaport_vxc.aws_blue.csp_connections[0].vif_id}"


def test_hcl_synth_is_refused_rather_than_emitting_empty_blocks(scratch):
    mcr = Mcr(scratch, "hcl_mcr", product_name="x", location_id=1, contract_term_months=1, port_speed=1000)
    with pytest.raises(NotImplementedError, match="JSON only"):
        mcr._synthesize_hcl_attributes()


# ---------------------------------------------------------------- validation (no synth)


def test_provider_requires_purchase_terms_acceptance(scratch):
    with pytest.raises(ValueError, match="accept_purchase_terms must be True"):
        MegaportProvider(scratch, "no_terms", environment="production", accept_purchase_terms=False)


def test_provider_rejects_unknown_environment(scratch):
    with pytest.raises(ValueError, match="environment='prod'"):
        MegaportProvider(scratch, "bad_env", environment="prod", accept_purchase_terms=True)


def test_mcr_rejects_contract_term_the_provider_refuses(scratch):
    with pytest.raises(ValueError, match="contract_term_months=6"):
        Mcr(scratch, "term6", product_name="x", location_id=1, contract_term_months=6, port_speed=1000)


def test_mcr_rejects_unsupported_port_speed(scratch):
    with pytest.raises(ValueError, match="port_speed=2000"):
        Mcr(scratch, "speed2000", product_name="x", location_id=1, contract_term_months=1, port_speed=2000)


def test_references_skip_literal_validation(scratch):
    term = TerraformVariable(scratch, "term", type="number")
    Mcr(
        scratch,
        "token_term",
        product_name="x",
        location_id=1,
        contract_term_months=term.number_value,
        port_speed=1000,
    )


def test_vxc_requires_a_end_product(scratch):
    with pytest.raises(ValueError, match=r"a_end\.requested_product_uid is required"):
        Vxc(
            scratch,
            "no_a",
            product_name="x",
            rate_limit=100,
            contract_term_months=1,
            a_end=VxcEnd(),
            b_end=VxcEnd(),
        )


def test_vxc_end_rejects_vlan_out_of_range():
    with pytest.raises(ValueError, match="ordered_vlan=4094"):
        VxcEnd(requested_product_uid="uid", ordered_vlan=4094)


def test_partner_config_requires_the_config_of_its_partner():
    with pytest.raises(ValueError, match="partner='google' needs google_config"):
        PartnerConfig(partner="google")


def test_partner_config_rejects_the_config_of_another_partner():
    with pytest.raises(ValueError, match="does not take aws_config"):
        PartnerConfig(
            partner="google",
            google_config=GoogleConfig(pairing_key="k"),
            aws_config=AwsConfig(connect_type="AWS", type="private", name="n", owner_account="1"),
        )


def test_aws_config_rejects_unknown_connect_type():
    with pytest.raises(ValueError, match="connect_type='DX'"):
        AwsConfig(connect_type="DX", type="private", name="n", owner_account="1")


def test_bgp_session_addresses_carry_no_mask():
    with pytest.raises(ValueError, match=r"local_ip_address='169\.254\.0\.1/30' has a mask"):
        BgpConnection(peer_asn=16550, local_ip_address="169.254.0.1/30", peer_ip_address="169.254.0.2")


def test_location_takes_exactly_one_of_id_or_name(scratch):
    with pytest.raises(ValueError, match="exactly one of id"):
        DataMegaportLocation(scratch, "both", id=1, name="x")
    with pytest.raises(ValueError, match="exactly one of id"):
        DataMegaportLocation(scratch, "neither")


def test_partner_rejects_unknown_connect_type(scratch):
    with pytest.raises(ValueError, match="connect_type='GCP'"):
        DataMegaportPartner(scratch, "gcp", connect_type="GCP")
