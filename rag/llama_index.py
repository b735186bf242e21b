"""The assistant inside a llama-index application.

- :class:`NewsRetriever`: the hybrid retriever (BM25 + vectors, fused and reranked) as a
  llama-index ``BaseRetriever``: plug it into ``RetrieverQueryEngine``, a router or an
  agent's tool, with llama-index's own synthesizers and postprocessors.
- :class:`NewsQueryEngine`: the whole assistant as a ``BaseQueryEngine``. Its
  ``Response.response`` is the verified answer with ``[n]`` markers, its
  ``source_nodes`` are the verified citations (one node per citation, the exact quote
  as text, in the answer's numbering, with the article id, offsets and passage in the
  metadata), and ``metadata`` holds ``abstained``, ``why`` and the per-sentence support.

Example::

    from llama_index.core.query_engine import RetrieverQueryEngine
    from rag import Assistant
    from rag.llama_index import NewsQueryEngine, NewsRetriever

    assistant = Assistant()
    engine = RetrieverQueryEngine.from_args(NewsRetriever(assistant, k=5), llm=my_llm)
    cited = NewsQueryEngine(assistant).query("Who attended the Paris talks?")
    for node in cited.source_nodes:
        print(node.node.metadata["n"], node.node.text)
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.response.schema import Response
from llama_index.core.callbacks import CallbackManager
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.retriever import Filters

if TYPE_CHECKING:
    from rag.assistant import Assistant


class NewsRetriever(BaseRetriever):
    """Ranked passages (chunks of articles) as llama-index nodes, best first."""

    def __init__(
        self, assistant: Assistant, k: int | None = None, filters: Filters | None = None,
        callback_manager: CallbackManager | None = None,
    ) -> None:  # fmt: skip
        super().__init__(callback_manager=callback_manager)
        self.assistant, self.k, self.filters = assistant, k, filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        passages = self.assistant.search(query_bundle.query_str, self.k, self.filters)
        return [
            NodeWithScore(
                node=TextNode(
                    id_=p.chunk_id, text=p.text,
                    metadata={"article_id": p.article_id, "title": p.title, "start": p.start, "end": p.end,
                              "date": p.date, "source": p.source, "url": p.url},
                    excluded_embed_metadata_keys=["start", "end"], excluded_llm_metadata_keys=["start", "end"],
                ),
                score=p.score,
            )
            for p in passages
        ]  # fmt: skip


class NewsQueryEngine(BaseQueryEngine):
    """The assistant's verified, cited answer as a llama-index ``Response``."""

    def __init__(
        self, assistant: Assistant, filters: Filters | None = None, callback_manager: CallbackManager | None = None
    ) -> None:
        super().__init__(callback_manager=callback_manager)
        self.assistant, self.filters = assistant, filters

    def _get_prompt_modules(self) -> dict[str, Any]:
        return {}

    def _query(self, query_bundle: QueryBundle) -> Response:
        answer = self.assistant.ask(query_bundle.query_str, self.filters)
        nodes = [
            NodeWithScore(
                node=TextNode(
                    id_=f"{c.chunk_id}:{c.start}", text=c.quote,
                    metadata={"n": c.n, "article_id": c.article_id, "title": c.title, "start": c.start, "end": c.end,
                              "date": c.date, "source": c.source, "url": c.url, "passage": c.passage},
                    excluded_embed_metadata_keys=["passage", "start", "end"],
                    excluded_llm_metadata_keys=["passage", "start", "end"],
                ),
                score=1.0,
            )
            for c in answer.citations
        ]  # fmt: skip
        sentences = [
            {"text": s.text, "citations": s.citations, "supported": s.supported,
             "items": [{"text": i.text, "citations": i.citations} for i in s.items]}
            for s in answer.sentences
        ]  # fmt: skip
        return Response(
            response=answer.answer, source_nodes=nodes,
            metadata={"abstained": answer.abstained, "why": answer.why, "sentences": sentences,
                      "searched": answer.searched},
        )  # fmt: skip

    async def _aquery(self, query_bundle: QueryBundle) -> Response:
        return await asyncio.to_thread(self._query, query_bundle)
