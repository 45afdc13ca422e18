"""Routes of the pipeline area."""
