"""Live updates: complaint change events, published after each change commits and fanned
out to GraphQL subscribers, across processes through Redis pub/sub when configured."""
