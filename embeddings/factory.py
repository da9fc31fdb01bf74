"""Build the encoder named in the settings."""

from __future__ import annotations

from bot.config import EncoderSettings, Settings
from embeddings.protocol import TextEncoder


def make_encoder(settings: EncoderSettings | Settings) -> TextEncoder:
    """Return the configured encoder (not yet warmed up)."""
    encoder = settings.encoder if isinstance(settings, Settings) else settings
    if encoder.backend == "use-m3":
        from embeddings.use_m3 import UseM3Encoder

        return UseM3Encoder()
    if encoder.backend == "hashing":
        from embeddings.hashing import HashingEncoder

        return HashingEncoder()
    from embeddings.sentence_transformer import SentenceTransformerEncoder

    assert encoder.model_path is not None
    path = encoder.model_path
    if not path.is_absolute() and isinstance(settings, Settings):
        path = settings.resolve(path)
    return SentenceTransformerEncoder(path)
