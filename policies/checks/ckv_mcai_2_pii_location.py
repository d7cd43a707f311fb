"""CKV_MCAI_2: PII storage and its keys sit in a region of their jurisdiction tag.

Where a resource is: S3 bucket / KMS key by its `region` argument (aws provider v6) or else the
region of the provider block it uses (`provider = "aws.<alias>"` resolved in the stack file); GCS by
`location`, which must be a single region (a multi- or dual-region is never a PII location); a GCP
crypto key by its key ring's location; Azure storage account / key vault by `location`, a Key Vault
key by its vault's. A location that cannot be known (a token, a provider without region) fails.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import McaiCheck, in_jurisdiction, jurisdictions, listing, regions


class PiiLocation(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_2")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        stack = self.stack()
        classification, jurisdiction = self.classification(conf, stack)
        if classification != "pii":
            return []
        if jurisdiction not in jurisdictions():
            return [f"PII with jurisdiction={jurisdiction!r}: cannot tell where it may live"]
        cloud, location, how = self.location(conf, stack)
        if location is None:
            return [f"PII whose location cannot be determined: {how}"]
        if in_jurisdiction(cloud, location, jurisdiction):
            return []
        allowed = listing(regions(jurisdiction, cloud))
        return [
            f"PII of jurisdiction {jurisdiction} is located in {location} (from {how}); {jurisdiction} allows {allowed}"
        ]


check = PiiLocation()
