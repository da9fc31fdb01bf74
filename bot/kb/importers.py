"""Read help-centre exports (JSONL or CSV, one row per entry and language) into raw entries."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from bot.kb.languages import normalise_language
from bot.kb.validate import RawEntry

REQUIRED_FIELDS = ("id", "lang", "question", "answer")


def _rows_jsonl(path: Path, text: str, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}: line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{path.name}: line {number}: expected a JSON object")
            continue
        rows.append((number, row))
    return rows


def _rows_csv(path: Path, text: str, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(text.splitlines())
    missing = [name for name in REQUIRED_FIELDS if name not in (reader.fieldnames or [])]
    if missing:
        problems.append(f"{path.name}: header lacks column(s) {missing}")
        return []
    rows = []
    for number, row in enumerate(reader, start=2):
        alts = row.get("alt_questions") or ""
        row["alt_questions"] = [part.strip() for part in alts.split("|") if part.strip()]
        rows.append((number, dict(row)))
    return rows


def read_export(path: Path, problems: list[str]) -> list[RawEntry]:
    """Parse an export and merge rows with the same id into one raw entry with several languages."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return []
    reader = _rows_jsonl if path.suffix.lower() == ".jsonl" else _rows_csv
    merged: dict[str, RawEntry] = {}
    for number, row in reader(path, text, problems):
        where = f"{path.name}: line {number}"
        absent = [name for name in REQUIRED_FIELDS if not str(row.get(name) or "").strip()]
        if absent:
            problems.append(f"{where}: missing or empty field(s) {absent}")
            continue
        entry_id, lang = str(row["id"]).strip(), normalise_language(row["lang"])
        alts = row.get("alt_questions") or []
        if isinstance(alts, str):
            alts = [part.strip() for part in alts.split("|") if part.strip()]
        raw = merged.setdefault(entry_id, RawEntry(source=path.name, position=number, data={
            "id": entry_id, "category": row.get("category") or entry_id.split(".")[0],
            "tags": [], "flags": [], "translations": {}}))
        if lang in raw.data["translations"]:
            problems.append(f"{where}: {entry_id}: language {lang!r} given twice")
            continue
        raw.data["translations"][lang] = {
            "question": str(row["question"]), "answer": str(row["answer"]), "alt_questions": alts}
    return list(merged.values())
