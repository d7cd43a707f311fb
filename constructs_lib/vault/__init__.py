"""Vault constructs (prebuilt cdktf-cdktf-provider-vault 15.6.1 = Vault provider 5.6.0) and the
cloud-side identities and keys Vault needs (auto-unseal keys, secrets-engine federation)."""
