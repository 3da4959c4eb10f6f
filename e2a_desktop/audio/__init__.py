"""Master (join, pauses, loudness, encode) and bind (chapters, tags, cover)."""
