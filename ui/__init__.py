"""The Gradio chat, a thin adapter over :class:`rag.Assistant`."""
