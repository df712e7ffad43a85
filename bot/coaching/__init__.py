"""Coaching: the person's plan, check-ins and progress (modules are imported directly)."""
