"""The Siskeudes import: ``reader`` opens and parses the ZIP safely, ``mapper`` turns the tables
into a plan for one village-year and a report of what could not be mapped; the service
``services.siskeudes.siskeudes_import`` writes the plan."""
