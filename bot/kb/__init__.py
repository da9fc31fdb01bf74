"""The knowledge base: entry model, loaders for YAML, JSONL and CSV, validation and lint."""

from bot.kb.loader import load_knowledge_base
from bot.kb.model import FaqEntry, KnowledgeBase, Translation

__all__ = ["FaqEntry", "KnowledgeBase", "Translation", "load_knowledge_base"]
