"""The live bot: polling sources (watcher, reading), story events into the outbox, the
scheduler that runs them, channel schedules and the operator status line."""
