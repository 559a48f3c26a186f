"""Publishing: versioned releases with dumps, VoID/DCAT, changelog, checksums and a static site."""

from .release import PublishOptions, PublishResult, publish

__all__ = ["PublishOptions", "PublishResult", "publish"]
