"""Sentence encoders behind one Protocol, and the FAQ index (FAISS + lexical) with its manifest."""
