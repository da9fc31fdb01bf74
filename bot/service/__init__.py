"""The HTTP and WebSocket service around the assistant."""
