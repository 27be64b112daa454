"""Text handling shared by every ingestor: decoding, HTML, normalising, sentences."""
