"""The routes beside /graphql: health and readiness, Prometheus metrics, the webhook push
intake, the coordinators' dashboard and the demo's GraphiQL, with their static assets."""
