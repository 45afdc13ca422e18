"""Routes of the meetings area."""
