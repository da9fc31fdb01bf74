"""`kb check`: everything an author should know about a knowledge-base edit before it goes live.

Schema validation, the safety lint (answers asking for secrets, unknown placeholders, links to non-official
domains), missing translations per language, the leave-one-out self-test with its confusable entry pairs, and
a diff against the index being served. Errors (schema and lint) make the check fail; the rest informs.
`scripts/build_index.py` runs it (without the self-test, which the build does anyway) before building.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.authoring.diff import KbDiff, diff_entries, served_entries
from bot.config import Settings
from bot.errors import IndexError_, KnowledgeBaseError
from bot.kb.lint import lint_knowledge_base
from bot.kb.loader import load_knowledge_base
from bot.kb.model import KnowledgeBase
from embeddings.protocol import TextEncoder

LINK_PROBLEM = "link to a non-official domain"


@dataclass
class CheckReport:
    """The findings of one check; `ok` is False when there are errors or non-official links."""

    kb_path: str
    entries: int = 0
    languages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unofficial_links: list[str] = field(default_factory=list)
    missing_translations: dict[str, list[str]] = field(default_factory=dict)
    selftest: dict[str, Any] = field(default_factory=dict)
    diff: KbDiff | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No schema or lint problem (what the build would refuse)."""
        return not self.errors and not self.unofficial_links

    @property
    def confusable_pairs(self) -> list[list[Any]]:
        """Pairs of entries whose questions the self-test retrieved as each other, most frequent first."""
        return [list(pair) for pair in self.selftest.get("confusable_pairs", [])]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"ok": self.ok, "kb_path": self.kb_path, "entries": self.entries, "languages": self.languages,
                "errors": self.errors, "unofficial_links": self.unofficial_links,
                "missing_translations": self.missing_translations, "selftest": self.selftest,
                "confusable_pairs": self.confusable_pairs, "diff": self.diff.to_dict() if self.diff else None,
                "notes": self.notes}


def _valid_entries(path: Path) -> KnowledgeBase:
    """The entries of `path` that pass the schema on their own (no language or alternate-question minimum)."""
    from bot.kb.importers import read_export
    from bot.kb.loader import _yaml_entries
    from bot.kb.validate import validate_entries

    problems: list[str] = []
    if path.suffix.lower() in {".jsonl", ".csv"}:
        raw = read_export(path, problems)
    else:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        raw = [entry for file in files for entry in _yaml_entries(file, problems)]
    entries = validate_entries(raw, problems, required_languages=[], min_alt_questions=0)
    return KnowledgeBase(entries={entry.id: entry for entry in entries})


def _load(settings: Settings, path: Path, report: CheckReport) -> KnowledgeBase | None:
    """Strict load (errors recorded); on failure the entries that pass alone, so the other checks still run."""
    try:
        return load_knowledge_base(path, required_languages=settings.knowledge_base.required_languages,
                                   min_alt_questions=settings.knowledge_base.min_alt_questions)
    except KnowledgeBaseError as exc:
        report.errors.extend(exc.problems)
    if not path.exists():
        return None
    kb = _valid_entries(path)
    report.notes.append(f"the other checks ran on the {len(kb)} entries that pass the schema on their own")
    return kb


def missing_translations(kb: KnowledgeBase, languages: list[str]) -> dict[str, list[str]]:
    """For each language of `languages` (and every language the KB uses), the entries lacking it."""
    result = {}
    for lang in dict.fromkeys([*languages, *kb.languages()]):
        missing = [entry.id for entry in kb if lang not in entry.translations]
        if missing:
            result[lang] = missing
    return result


def selftest_summary(settings: Settings, kb: KnowledgeBase, encoder: TextEncoder) -> dict[str, Any]:
    """Leave-one-out self-test of `kb` as the build would run it (embeddings cached like the build's)."""
    from bot.build import index_rows
    from bot.kb.selftest import run_selftest
    from bot.retrieval import HybridRetriever
    from embeddings.cache import EmbeddingCache
    from embeddings.index import FaqIndex, make_dense_index
    from embeddings.lexical import LexicalIndex
    from embeddings.manifest import Manifest

    encoder.warm_up()
    texts, rows = index_rows(kb)
    cache = EmbeddingCache(settings.resolve(settings.index.cache_dir), encoder.identity)
    vectors = cache.embed(texts, encoder.encode, batch_size=settings.encoder.batch_size)
    cache.save()
    dense = make_dense_index(vectors, approximate_above=settings.index.approximate_above,
                             lists=settings.index.ivf_lists)
    if hasattr(dense, "nprobe"):
        dense.nprobe = settings.index.ivf_probe
    manifest = Manifest(encoder=encoder.identity, dimensions=encoder.dimensions, kb_hash=kb.content_hash(),
                        built_at="", entries=len(kb), texts=len(texts), languages=kb.languages(),
                        index_type=type(dense).__name__)
    index = FaqIndex(manifest, dense, LexicalIndex.build(texts), rows, list(kb))
    return run_selftest(HybridRetriever(index, encoder, settings.retrieval), texts, vectors).summary()


def check_knowledge_base(settings: Settings, *, kb_path: Path | None = None, index_dir: Path | None = None,
                         selftest: bool = True, encoder: TextEncoder | None = None) -> CheckReport:
    """Run every check on the knowledge base at `kb_path` (default: the configured one) against the index
    served from `index_dir` (default: `index.dir`). The self-test needs the encoder (made from the settings
    when not given) unless the served index was built from this very knowledge base, whose numbers it reuses."""
    path = settings.resolve(kb_path or settings.knowledge_base.path)
    report = CheckReport(kb_path=str(path))
    kb = _load(settings, path, report)
    if kb is None:
        return report
    report.entries, report.languages = len(kb), kb.languages()
    for problem in lint_knowledge_base(kb, settings.brand.placeholders(), settings.brand.official_domains):
        (report.unofficial_links if LINK_PROBLEM in problem else report.errors).append(problem)
    report.missing_translations = missing_translations(kb, settings.languages.supported)
    folder = settings.resolve(index_dir or settings.index.dir)
    served_manifest = None
    try:
        served, served_manifest = served_entries(folder)
        report.diff = diff_entries(served, kb)
        report.diff.served_built_at = served_manifest.built_at
    except IndexError_ as exc:
        report.notes.append(f"no diff: {exc}")
    if selftest:
        encoder_identity = encoder.identity if encoder is not None else None
        if (served_manifest is not None and served_manifest.kb_hash == kb.content_hash() and served_manifest.selftest
                and encoder_identity in (None, served_manifest.encoder)):
            report.selftest = served_manifest.selftest
            report.notes.append("self-test numbers from the served index (built from this knowledge base)")
        else:
            from embeddings.factory import make_encoder

            report.selftest = selftest_summary(settings, kb, encoder or make_encoder(settings))
    return report


def _grouped(changes: list[str]) -> list[str]:
    """Per-language changes with the same description folded into one: "answer (de fr)"."""
    languages: dict[str, list[str]] = {}
    lines = []
    for change in changes:
        lang, separator, description = change.partition(": ")
        if separator and " " not in lang:
            languages.setdefault(description, []).append(lang)
        else:
            lines.append(change)
    for description, langs in languages.items():
        lines.append(f"{description} ({' '.join(langs) if len(langs) <= 4 else f'{len(langs)} languages'})")
    return lines


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def format_check(report: CheckReport, *, limit: int = 20) -> str:
    """The findings as readable lines for a terminal."""
    lines = [f"knowledge base {report.kb_path}: {report.entries} entries, languages {' '.join(report.languages)}"]
    lines += [f"note: {note}" for note in report.notes]
    sections = (("errors", report.errors), ("answers linking to a non-official domain", report.unofficial_links))
    for title, problems in sections:
        lines.append(f"{title}: {len(problems)}" + (":" if problems else ""))
        lines += [f"  - {p}" for p in problems[:limit]] + ([f"  ... and {len(problems) - limit} more"]
                                                          if len(problems) > limit else [])
    if report.missing_translations:
        lines.append("missing translations:")
        for lang, ids in report.missing_translations.items():
            shown = ", ".join(ids[:8]) + (f" (+{len(ids) - 8})" if len(ids) > 8 else "")
            lines.append(f"  {lang}: {len(ids)} entries: {shown}")
    else:
        lines.append("missing translations: none")
    if report.selftest:
        s = report.selftest
        lines.append(f"self-test: top-1 {_percent(s['leave_one_out_top1'])} over {s['questions']} alternate "
                     "questions; by language: " + " ".join(f"{k} {_percent(v)}" for k, v in s["by_language"].items()))
        if s.get("weakest_entries"):
            lines.append("  weakest entries: " + ", ".join(f"{e} {_percent(v)}" for e, v in s["weakest_entries"][:5]))
        pairs = report.confusable_pairs
        lines.append("  confusable pairs: " + (", ".join(f"{a} <-> {b} ({n})" for a, b, n in pairs[:10])
                                               if pairs else "none"))
    if report.diff is not None:
        d = report.diff
        if d.empty:
            lines.append(f"diff against the served index (built {d.served_built_at}): no changes")
        else:
            lines.append(f"diff against the served index (built {d.served_built_at}): {len(d.added)} added, "
                         f"{len(d.removed)} removed, {len(d.changed)} changed")
            lines += [f"  + {entry_id}" for entry_id in d.added] + [f"  - {entry_id}" for entry_id in d.removed]
            lines += [f"  ~ {entry_id}: {'; '.join(_grouped(changes))}" for entry_id, changes in d.changed.items()]
    lines.append("check passed" if report.ok else "check FAILED: fix the errors above before building")
    return "\n".join(lines)
