"""Slack listeners (slash commands, actions, events), each module with `register(app, services)`.

The handlers stay thin: they ack() first and call into `bot`; they arrive with the Slack app.
"""
