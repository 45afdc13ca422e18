"""Routes of the projects area."""
