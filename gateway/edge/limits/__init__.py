"""Per-caller limits: the rate guard (requests, sockets, bad tokens; local or Redis), the
middleware that applies it, the tarpit that holds a refusal, and the 429 it answers with."""
