"""Prometheus metrics of one service instance (its own registry, so several apps can live in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


class ServiceMetrics:
    """Turns by action and language, turn and request latency, handoffs, errors, reloads, ticket e-mails, intake
    steps (a form's `solved` steps are cases answered on the spot)."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter("cryptodesk_turns_total", "Chat turns answered, by action and language",
                             ["action", "language"], registry=self.registry)
        self.turn_seconds = Histogram("cryptodesk_turn_seconds", "Time to answer one turn (assistant + storage)",
                                      buckets=LATENCY_BUCKETS, registry=self.registry)
        self.request_seconds = Histogram("cryptodesk_request_seconds", "HTTP request latency by route",
                                         ["route", "method"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.handoffs = Counter("cryptodesk_handoffs_total", "Handoffs opened, by reason", ["reason"],
                                registry=self.registry)
        self.errors = Counter("cryptodesk_errors_total", "Requests answered with an error, by status",
                              ["status"], registry=self.registry)
        self.flags = Counter("cryptodesk_security_flags_total", "Security flags raised, by flag", ["flag"],
                             registry=self.registry)
        self.reloads = Counter("cryptodesk_reloads_total", "Index reloads, by outcome", ["outcome"],
                               registry=self.registry)
        self.emails = Counter("cryptodesk_emails_total", "Ticket e-mails, by event (opened, answered, closed) and "
                              "final outcome (sent, failed)", ["event", "outcome"], registry=self.registry)
        self.intake = Counter("cryptodesk_intake_steps_total", "Guided intake steps, by form and step (ask, reask, "
                              "summary, done, cancelled, solved)", ["form", "step"], registry=self.registry)

    def render(self) -> bytes:
        """The exposition text."""
        return generate_latest(self.registry)
