"""Language below both packages: folding, words, names and numbers, the English word lists.

``index/`` (keyword search, near-duplicates) and ``rag/`` (evidence, reranking,
verification) read text the same way; this package depends on neither.
"""
