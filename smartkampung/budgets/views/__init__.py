"""Budget pages, split by sub-domain: ``budgets`` (list, page, editor), ``workflow``,
``execution`` (requests, receipts, LRA), ``regency`` (consolidation, ceilings, SSH, reference
lists), ``imports`` (Siskeudes)."""
