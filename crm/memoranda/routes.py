"""Routes of the memoranda area."""
