"""Cloudflare constructs (provider v5 shapes, prebuilt cdktf-cdktf-provider-cloudflare 13.x)."""
