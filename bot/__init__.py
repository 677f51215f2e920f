"""newsdesk: tells a newsroom, in Slack, when several outlets cover one story and where they differ."""
