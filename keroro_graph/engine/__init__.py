"""The engine: plan, signature, scheduler, cache, context and events. Knows nothing
of HTTP; reports through the event bus."""
