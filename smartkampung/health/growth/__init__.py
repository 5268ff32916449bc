"""Growth to WHO's standard: z-scores (``who``), Permenkes 2/2020 classes (``classify``), the KMS
"naik / tidak naik" rule (``kms``) and the growth chart (``chart``). Pure functions, no database."""
