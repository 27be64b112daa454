"""Ingestors: one module per kind of input, each turning a Source into Articles."""
