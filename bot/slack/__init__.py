"""Slack: what commands do (desk), the words editors read (texts, notifications), Block Kit
rendering as pure functions of data (blocks, mrkdwn), the outbox poster, the Bolt server and
the console stand-in."""
