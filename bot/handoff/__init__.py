"""Handing a conversation to a person: the context packet, the queue and the agents' side."""
