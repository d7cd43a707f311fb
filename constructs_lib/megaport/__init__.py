"""Hand-written, typed CDKTF binding for the Megaport provider (``megaport/megaport`` ``~> 1.13``).

No prebuilt binding exists and ``cdktf get`` cannot reach the registry here,
so this package covers what the platform uses: the provider, ``megaport_mcr``,
``megaport_vxc`` and the data sources ``megaport_location`` and
``megaport_partner``.  Argument names follow the provider's documentation
(https://github.com/megaport/terraform-provider-megaport/tree/main/docs);
each class links its page.  How the arguments reach ``cdk.tf.json`` is
explained in ``_terraform.py``.
"""

from ._terraform import PROVIDER_SOURCE, PROVIDER_VERSION_CONSTRAINT
from .data import DataMegaportLocation, DataMegaportPartner
from .mcr import Mcr
from .prefix_filter import McrPrefixFilterList, PrefixFilterEntry
from .provider import MegaportProvider
from .vxc import (
    AwsConfig,
    AzureConfig,
    AzurePeer,
    Bfd,
    BgpConnection,
    GoogleConfig,
    IpRoute,
    PartnerConfig,
    VrouterConfig,
    VrouterInterface,
    Vxc,
    VxcEnd,
)

__all__ = [
    "PROVIDER_SOURCE",
    "PROVIDER_VERSION_CONSTRAINT",
    "AwsConfig",
    "AzureConfig",
    "AzurePeer",
    "Bfd",
    "BgpConnection",
    "DataMegaportLocation",
    "DataMegaportPartner",
    "GoogleConfig",
    "IpRoute",
    "Mcr",
    "McrPrefixFilterList",
    "MegaportProvider",
    "PartnerConfig",
    "PrefixFilterEntry",
    "VrouterConfig",
    "VrouterInterface",
    "Vxc",
    "VxcEnd",
]
