"""Build the authors' report: figures from the stored conversations plus clusters of unanswered questions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.authoring.clusters import ALTERNATE_SCORE, DISTANCE_THRESHOLD, MAX_TEXTS, QuestionPool, cluster_questions
from bot.authoring.figures import FigureBuilder
from bot.authoring.matching import EntryMatcher
from bot.authoring.stream import handoff_reasons, iter_sessions
from bot.config import Settings
from bot.errors import IndexError_
from bot.storage.db import Database
from embeddings.index import FaqIndex
from embeddings.protocol import TextEncoder

DEFINITIONS = {
    "conversation": "a session with at least one bot reply or handoff in the period; counted on the day of its "
                    "first message and under the language of its first bot reply",
    "resolution_rate": "conversations with a bot answer that no handoff and no 'not helpful' (on it or a later "
                       "answer) followed within the session / conversations",
    "handoff_rate": "conversations handed to a person (by the bot or at the user's request) / conversations",
    "fallback_rate": "bot replies with action 'fallback' / bot replies (on the reply's own day and language)",
    "unanswered": "the user's question behind a fallback or handoff for out-of-scope, no candidates or low "
                  "confidence, and the question behind a clarification the user rejected",
    "suggestion": "add_alternate when the cluster's mean similarity to its nearest entry's closest question is "
                  "at least alternate_score, otherwise new_entry",
}


@dataclass
class ReportOptions:
    """What to include and the clustering parameters (defaults measured by `bot.authoring.calibrate`)."""

    since: datetime | None = None
    clusters: bool = True
    threshold: float = DISTANCE_THRESHOLD
    alternate_score: float = ALTERNATE_SCORE
    max_texts: int = MAX_TEXTS
    cluster_limit: int = 100
    batch_size: int = 256
    notes: list[str] = field(default_factory=list)


def _matcher(encoder: TextEncoder | None, index: FaqIndex | None, notes: list[str]) -> EntryMatcher | None:
    if index is None or encoder is None:
        return None
    if index.manifest.encoder != encoder.identity:
        notes.append(f"the served index was built with {index.manifest.encoder}, not the configured "
                     f"{encoder.identity}: nearest entries are left out; rebuild the index")
        return None
    return EntryMatcher(index)


def build_report(database: Database, *, encoder: TextEncoder | None = None, index: FaqIndex | None = None,
                 options: ReportOptions | None = None) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (the HTML, JSON and CSV renderings all come from it)."""
    options = options or ReportOptions()
    notes = list(options.notes)
    timings: dict[str, float] = {}
    started = phase = time.perf_counter()
    pool = QuestionPool()
    builder = FigureBuilder(handoff_reasons(database, options.since), pool)
    for rows in iter_sessions(database, options.since):
        builder.add_session(rows)
    report: dict[str, Any] = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "since": options.since.date().isoformat() if options.since else None,
        "definitions": DEFINITIONS,
    } | builder.to_dict()
    timings["read_and_count"], phase = time.perf_counter() - phase, time.perf_counter()
    if options.clusters and encoder is not None and len(pool):
        encoder.warm_up()
        matcher = _matcher(encoder, index, notes)
        if matcher is None and index is None:
            notes.append("no served index: nearest entries and suggestions are left out")
        result = cluster_questions(pool, encoder.encode, matcher, threshold=options.threshold,
                                   alternate_score=options.alternate_score, max_texts=options.max_texts,
                                   batch_size=options.batch_size)
        if result.left_out:
            notes.append(f"{result.left_out} rarest distinct unanswered texts (of {result.distinct}) were not "
                         f"clustered: only the {result.embedded} most frequent are")
        report["unanswered"] = result.to_dict(options.cluster_limit) | {"encoder": encoder.identity}
        timings["cluster"] = time.perf_counter() - phase
    else:
        if options.clusters and encoder is None:
            notes.append("no encoder: unanswered questions are not clustered")
        report["unanswered"] = {"occurrences": pool.total, "distinct_texts": len(pool), "embedded": 0,
                                "left_out": len(pool), "distance_threshold": options.threshold,
                                "alternate_score": options.alternate_score, "clusters": []}
    timings["total"] = time.perf_counter() - started
    report["notes"] = notes
    report["timings"] = {name: round(value, 2) for name, value in timings.items()}
    return report


def load_served_index(settings: Settings) -> tuple[FaqIndex | None, str | None]:
    """The index at `settings.index.dir`, or None and why not."""
    try:
        return FaqIndex.load(settings.resolve(settings.index.dir), probe=settings.index.ivf_probe), None
    except IndexError_ as exc:
        return None, str(exc)
