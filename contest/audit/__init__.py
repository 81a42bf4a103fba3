"""The audit trail: who did what to which object, when, before -> after, and why."""
