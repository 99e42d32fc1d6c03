"""The GraphQL endpoint: Strawberry's view over HTTP and WebSocket (`view`), the schema
extensions (error codes, cost budget, fragment expansion, deadlines) and the checks on an
operation's body."""
