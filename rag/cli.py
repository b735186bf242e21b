"""The ``rag`` command: a thin adapter that parses options, calls the API, prints."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from rag.settings import Settings


def _assistant(ctx: click.Context, **overrides: Any):
    from rag.assistant import Assistant

    settings: Settings = ctx.obj
    if overrides:
        settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    return Assistant(settings)


def _filters(since: date | None, until: date | None, source: str | None):
    from rag.retriever import Filters

    return Filters(since=since.date() if since else None, until=until.date() if until else None, source=source)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


_date = click.DateTime(formats=["%Y-%m-%d"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Answer questions over news articles, citing the exact passages."""
    try:
        ctx.obj = Settings()
    except Exception as exc:  # pydantic's ValidationError names the bad variable
        raise click.ClickException(f"invalid RAG_* setting: {exc}") from exc


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--sync", is_flag=True, help="Also remove articles whose files under PATHS are gone.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], sync: bool, as_json: bool) -> None:
    """Ingest article files and folders (re-running changes nothing).

    Exit status: 0 all good, 1 some files skipped (the rest ingested), 2 nothing could be read.
    """
    from rag.progress import IngestProgress

    assistant = _assistant(ctx)
    with IngestProgress(enabled=not as_json and sys.stderr.isatty()) as progress:
        report = _run(lambda: assistant.ingest(paths, progress=progress.update, sync=sync))
    if as_json:
        data = {
            **{k: v for k, v in report.__dict__.items() if k not in ("skipped", "duplicates")},
            "skipped": [s.__dict__ for s in report.skipped],
            "duplicates": [s.__dict__ for s in report.duplicates],
            "chunks": assistant.store.count(),
        }
        _print_json(data)
    else:
        for skipped in report.skipped:
            click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
        for dup in report.duplicates:
            click.echo(f"not added {dup.path}: {dup.reason}", err=True)
        click.echo(f"{report.summary()}; the index holds {assistant.store.count()} chunks")
    if report.skipped:
        sys.exit(1 if report.added or report.replaced or report.unchanged else 2)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """What the index holds: articles, chunks, where, and with which models."""
    info = _run(lambda: _assistant(ctx).status())
    if as_json:
        _print_json(info)
    else:
        for key, value in info.items():
            click.echo(f"{key}: {value}")


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--since", type=_date, help="Only articles dated on or after YYYY-MM-DD.")
@click.option("--until", type=_date, help="Only articles dated on or before YYYY-MM-DD.")
@click.option("--source", help="Only articles from this source.")
@click.option("--backend", type=click.Choice(["local", "openai", "extractive"]), help="Overrides RAG_LLM.")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, since, until, source, backend) -> None:
    """Answer QUESTION from the ingested articles, with numbered citations."""
    from rag.printing import format_answer

    assistant = _assistant(ctx, llm=backend)
    filters = _filters(since, until, source)
    if as_json or not sys.stdout.isatty():
        answer = _run(lambda: assistant.ask(question, filters))
        _print_json(answer.to_dict()) if as_json else click.echo(format_answer(answer))
        return
    # A terminal sees the draft as it is generated, then the verified answer.
    from rag.types import Sources

    answer = None
    for event in list_or_stream(assistant, question, filters):
        if isinstance(event, Sources):
            articles = len({c.article_id for c in event.citations})
            click.secho(f"(reading {len(event.citations)} sentences of {articles} articles)", dim=True)
            if event.preview:
                click.secho(f"preview from the sources: {event.preview.answer}\n", dim=True)
        elif isinstance(event, str):
            click.secho(event, nl=False, dim=True)
        else:
            answer = event
    click.echo("\n")
    click.echo(format_answer(answer))


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True)
@click.option("-k", "--top-k", type=int, help="How many passages.")
@click.option("--since", type=_date)
@click.option("--until", type=_date)
@click.option("--source")
@click.pass_context
def search(ctx: click.Context, query: str, as_json: bool, top_k, since, until, source) -> None:
    """Ranked passages for QUERY, without calling an LLM.

    ``score`` is the passage's cosine similarity to QUERY; the ranking also weighs BM25
    and whether the passage holds the kind of answer asked, so scores need not fall.
    """
    passages = _run(lambda: _assistant(ctx).search(query, top_k, _filters(since, until, source)))
    if as_json:
        _print_json([{"rank": i, **p.__dict__} for i, p in enumerate(passages, start=1)])
        return
    for i, p in enumerate(passages, start=1):
        click.echo(
            f"{i}. (cosine {p.score:.3f})  {p.title} ({p.date or 'undated'})\n   {' '.join(p.text.split())[:300]}"
        )


@main.command()
@click.argument("article_id")
@click.pass_context
def delete(ctx: click.Context, article_id: str) -> None:
    """Remove an article and its chunks from the index."""
    removed = _run(lambda: _assistant(ctx).delete(article_id))
    if not removed:
        raise click.ClickException(f"no article {article_id} in the index (see `rag status`)")
    click.echo(f"removed {removed} chunks of {article_id}")


@main.command()
@click.pass_context
def model(ctx: click.Context) -> None:
    """Assemble and verify the bundled local model (done once by `make install`)."""
    from rag.model_files import resolve_model_path

    settings: Settings = ctx.obj
    path = _run(lambda: resolve_model_path(settings.llm_model_path, settings.model_cache))
    click.echo(f"model ready: {path}")


@main.command()
@click.option("--host", help="Interface to bind (default 127.0.0.1; 0.0.0.0 exposes it).")
@click.option("--port", type=int, help="Port (default 7860).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Start the chat in the browser."""
    from ui.app import launch

    assistant = _assistant(ctx)
    _schedule_feeds(assistant)
    launch(assistant, host=host, port=port)


def _schedule_feeds(assistant) -> None:
    """Keep the feeds up to date in the background when RAG_FEEDS_EVERY asks for it."""
    if assistant.settings.feeds_every > 0:
        from rag.feeds import FeedScheduler

        FeedScheduler(_feeds(assistant), assistant.settings.feeds_every).start()
        click.echo(f"feeds: updated every {assistant.settings.feeds_every:g} s")


def _feeds(assistant):
    from rag.feeds import Feeds

    return Feeds(assistant, assistant.settings.feeds_timeout, assistant.settings.feeds_max_bytes)


@main.group()
def feeds() -> None:
    """Follow RSS/Atom feeds: add, list, remove, update (fetches only the feeds you add)."""


@feeds.command("add")
@click.argument("url")
@click.pass_context
def feeds_add(ctx: click.Context, url: str) -> None:
    """Subscribe to the feed at URL (its items are fetched by `rag feeds update`)."""
    _run(lambda: _feeds(_assistant(ctx)).add(url))  # a FeedError is a ValueError: a clean message
    click.echo(f"added {url}")


@feeds.command("remove")
@click.argument("url")
@click.pass_context
def feeds_remove(ctx: click.Context, url: str) -> None:
    """Unsubscribe from URL (articles already ingested stay; `rag delete` removes one)."""
    _run(lambda: _feeds(_assistant(ctx)).remove(url))  # a FeedError is a ValueError: a clean message
    click.echo(f"removed {url}")


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """The subscribed feeds, with how many of their items were ingested."""
    listed = _feeds(_assistant(ctx)).list()
    if as_json:
        _print_json(listed)
        return
    for f in listed:
        click.echo(f"{f['url']}  {f['title'] or '(not fetched yet)'}  {f['items']} items")
    if not listed:
        click.echo("no feeds (rag feeds add URL)")


@feeds.command("update")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def feeds_update(ctx: click.Context, as_json: bool) -> None:
    """Fetch the feeds and their new or updated items, and ingest them.

    Exit status: 0 all fetched, 1 some feed or item failed (the rest ingested).
    """
    report = _run(lambda: _feeds(_assistant(ctx)).update())
    if as_json:
        _print_json(report.to_dict())
    else:
        click.echo(report.summary())
        for url, reason in report.failed:
            click.echo(f"  failed: {url}: {reason}")
    if report.failed:
        ctx.exit(1)


@main.command()
@click.option("--host", help="Interface to bind (default 127.0.0.1; 0.0.0.0 exposes it).")
@click.option("--port", type=int, help="Port (default 8088).")
@click.pass_context
def api(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the OpenAI-compatible HTTP API (/v1/chat/completions with citations, search, ingest)."""
    from ui.api import serve_api

    settings: Settings = ctx.obj
    assistant = _assistant(ctx)
    _schedule_feeds(assistant)
    serve_api(assistant, host or settings.api_host, port or settings.api_port, settings.api_key)


def _register_eval() -> None:
    from evals.cli import eval_command

    main.add_command(eval_command, "eval")


_register_eval()


def list_or_stream(assistant, question, filters):
    """The assistant's stream, with user-facing errors raised on the first step."""
    from index.embedder import EmbeddingServiceError, ModelMissingError
    from index.store import StoreError
    from rag.llm import LLMError

    try:
        yield from assistant.stream(question, filters)
    except (ModelMissingError, EmbeddingServiceError, StoreError, LLMError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


def _run(call):
    """Turn the assistant's user-facing errors into a clean message and exit status."""
    from index.embedder import EmbeddingServiceError, ModelMissingError
    from index.store import StoreError
    from rag.llm import LLMError

    try:
        return call()
    except (ModelMissingError, EmbeddingServiceError, StoreError, LLMError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


if __name__ == "__main__":
    main()
