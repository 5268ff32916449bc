"""Budget reads. ``budgets``: scoped reads of versions and their lines; ``aggregates``: figures
without personal data for the dashboard and the public portal; ``reports``: the LRA, the
regency consolidation and the version diff."""
