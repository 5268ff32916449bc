"""Letter writes, split by sub-domain: catalogue, letters (issue, sign, revoke), certificates,
notifications and (once residents exist) requests."""
