"""Slack: Block Kit rendering (pure functions of data) and the outbox poster."""
