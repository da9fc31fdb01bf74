"""HTTP and WebSocket routes, grouped by who calls them."""
