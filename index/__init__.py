"""Ingestion: loading articles, chunking, embedding, and the Chroma store."""
