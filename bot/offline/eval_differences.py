"""`newsdesk eval differences GOLD.json`: the differences report scored against a gold file.

A gold file (the form of ../shared/gold/seed_story.json) names its documents (text files
beside it in ../seeds, with outlet and time), the differences a good report finds
(`expected_differences`: kind and, per variant, a key and the outlets that should carry it)
and what it must never say (`must_not_report`). An expected item is found when a reported
difference of the same kind has, for every variant key, a variant whose value or evidence
contains the key and whose outlets include the expected ones.

Must-not checks, for any gold file: no number difference between equal amounts, no quote
difference whose changed words are only spelling, no outlet compared with itself, and none
of the examples a must-not item quotes ('...') appearing in a reported value or summary.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InputError
from bot.offline.analyze import InputArticle, analyze
from bot.pipeline.compare import Difference, changed_words
from bot.pipeline.dates import parse_datetime
from bot.pipeline.furniture import clean_text
from bot.pipeline.quantities import parse_amount

_QUOTED_EXAMPLE = re.compile(r"(?:(?<=[\s(/])|^)'([^']{2,40})'(?=[\s,.;)/]|$)")


@dataclass
class DifferencesScore:
    expected: int
    found: list[str]
    missed: list[str]
    stretch_found: list[str]
    violations: list[str]
    reported: int
    stretch: int = 0  # stretch items the gold file names


def evaluate_differences(
    gold_path: str | Path, seeds: str | Path | None = None
) -> DifferencesScore:
    gold_path = Path(gold_path)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    folder = Path(seeds) if seeds else gold_path.parent.parent / "seeds"
    articles = [
        InputArticle(
            id=name,
            outlet=meta["outlet"],
            title="",
            text=clean_text((folder / name).read_text(encoding="utf-8", errors="replace")),
            url=None,
            published=parse_datetime(meta.get("published")),
            line=index,
        )
        for index, (name, meta) in enumerate(gold["documents"].items(), start=1)
    ]
    result = analyze(articles)
    story = max(result.stories, key=lambda s: len(s.articles))
    differences = story.differences()
    found: list[str] = []
    missed: list[str] = []
    stretch: list[str] = []
    stretch_total = sum(1 for item in gold["expected_differences"] if item.get("stretch"))
    for item in gold["expected_differences"]:
        hit = any(_matches(item, d) for d in differences)
        if item.get("stretch"):
            if hit:
                stretch.append(item["id"])
            continue
        (found if hit else missed).append(item["id"])
    return DifferencesScore(
        expected=len(found) + len(missed),
        found=found,
        missed=missed,
        stretch_found=stretch,
        violations=_violations(gold.get("must_not_report", []), differences),
        reported=len(differences),
        stretch=stretch_total,
    )


def _matches(item: dict, difference: Difference) -> bool:
    if difference.kind != item["kind"]:
        return False
    for key, outlets in item["variants"].items():
        if not any(
            key.lower() in (v.value + " " + " ".join(e["text"] for e in v.evidence)).lower()
            and set(outlets) <= set(v.outlets)
            for v in difference.variants
        ):
            return False
    return True


def _violations(must_not: list[dict], differences: list[Difference]) -> list[str]:
    problems = []
    for d in differences:
        outlets = [o for v in d.variants for o in v.outlets]
        if d.kind != "only_in" and len(set(outlets)) < 2:
            problems.append(f"compares an outlet with itself: {d.summary}")
        if d.kind == "number":
            amounts = [parse_amount(v.value) for v in d.variants]
            if all(amounts) and len(set(amounts)) < len(amounts):
                problems.append(f"equal amounts reported as different: {d.summary}")
        if d.kind == "quote" and len(d.variants) == 2:
            a, b = changed_words(d.variants[0].value, d.variants[1].value)
            if not a and not b:
                problems.append(f"spelling-only quote difference: {d.summary}")
    for item in must_not:
        for example in _QUOTED_EXAMPLE.findall(item.get("what", "")):
            for d in differences:
                shown = d.summary + " " + " ".join(v.value for v in d.variants)
                if example.lower() in shown.lower():
                    problems.append(f"{item['id']}: '{example}' appears in: {d.summary}")
    return problems


@dataclass
class ConflictResult:
    event: str
    fact_type: str
    surfaced: bool
    detail: str


def evaluate_conflicts(path: str | Path, limit: int | None = None) -> list[ConflictResult]:
    """Each real conflict (the form of conflict_examples_dev.jsonl) checked in the report of
    its story, after grouping the whole labelled file it comes from (beside it, named
    `<dataset>*.jsonl`). Surfaced: one difference shows two of the conflicting outlets on
    different sides, each with evidence matching its snippet."""
    from bot.offline.analyze import read_articles
    from bot.offline.eval_clusters import gold_labels

    path = Path(path)
    conflicts = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    reports: dict[str, tuple[dict[str, str], list]] = {}
    results = []
    for conflict in conflicts:
        dataset = conflict["dataset"]
        if dataset not in reports:
            sources = [p for p in path.parent.glob(f"{dataset}*.jsonl") if p != path]
            if len(sources) != 1:
                raise InputError(
                    f"{path.name}: expected one labelled file named {dataset}*.jsonl beside it, "
                    f"found {len(sources)}"
                )
            source = sources[0]
            reports[dataset] = (gold_labels(source), analyze(read_articles(source, [])).stories)
        gold, stories = reports[dataset]
        members = [
            s for s in stories if any(gold.get(a.id) == conflict["event_id"] for a in s.articles)
        ]
        differences = [d for s in members for d in s.differences(limit)]
        hit = next((d for d in differences if _shows_conflict(d, conflict["claims"])), None)
        results.append(
            ConflictResult(
                conflict["event_id"],
                conflict["fact_type"],
                hit is not None,
                hit.summary if hit else f"{len(differences)} differences in {len(members)} stories",
            )
        )
    return results


def _shows_conflict(difference: Difference, claims: list[dict]) -> bool:
    from rapidfuzz import fuzz

    sides = []
    for variant in difference.variants:
        outlets = set()
        for claim in claims:
            if claim["outlet"] in variant.outlets and any(
                fuzz.partial_ratio(claim["snippet"].lower(), e["text"].lower()) >= 70
                for e in variant.evidence
            ):
                outlets.add(claim["outlet"])
        sides.append(outlets)
    shown = [s for s in sides if s]
    return len(shown) >= 2 and len(set().union(*shown)) >= 2


DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass
class JudgedScore:
    reported: int
    judged: dict[str, int]  # judgement -> items
    unjudged: list[dict[str, str]]  # reported items with no judgement yet

    @property
    def precision(self) -> float | None:
        total = sum(self.judged.values())
        return self.judged.get("good", 0) / total if total else None


def item_key(story: str, difference: Difference, evidence: bool = False) -> str:
    """A reported item's stable key: its story, kind and each side's value with its
    outlets (not its wording or rank, which change as the method improves). With
    `evidence`, each side's first evidence sentence too: the key of items that would
    otherwise share one (`report_keys`)."""
    import hashlib

    sides = sorted(
        f"{v.value.lower()}|{','.join(sorted(v.outlets))}"
        + (f"|{v.evidence[0]['text']}" if evidence and v.evidence else "")
        for v in difference.variants
    )
    raw = "\n".join([story, difference.kind, *sides])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def report_keys(story: str, differences: list[Difference]) -> list[str]:
    """One key per item, unique within the report: items sharing a plain `item_key` (two
    sentences of one outlet with the same new words) are keyed with their evidence."""
    plain = [item_key(story, d) for d in differences]
    shared = {k for k in plain if plain.count(k) > 1}
    return [
        item_key(story, d, evidence=True) if k in shared else k
        for k, d in zip(plain, differences, strict=True)
    ]


def evaluate_judged(
    path: str | Path, data: str | Path | None = None, limit: int | None = None, record: bool = False
) -> JudgedScore:
    """Each judged story's report (rebuilt from its labelled file in `data`, default
    ../shared/data; the story's articles only, in file order) matched item by item to the
    judgements stored in `path` by `item_key`. With `record`, reported items not in the file
    are added to it with an empty judgement, for a reader to judge."""
    from bot.offline.analyze import read_articles
    from bot.pipeline.compare import DEFAULT_LIMIT

    path = Path(path)
    folder = Path(data) if data else DATA
    judged_file = json.loads(path.read_text(encoding="utf-8"))
    known = {item["key"]: item for item in judged_file.get("items", [])}
    counts: dict[str, int] = {}
    unjudged: list[dict[str, str]] = []
    reported = 0
    cache: dict[str, list] = {}
    for entry in judged_file["stories"]:
        dataset = entry["dataset"]
        if dataset not in cache:
            source = folder / dataset
            if not source.exists():
                raise InputError(f"{path.name}: the labelled file {source} does not exist")
            cache[dataset] = list(read_articles(source, []))
        labels = gold_labels_of(folder / dataset)
        articles = [a for a in cache[dataset] if labels.get(a.id) == entry["story"]]
        result = analyze(articles)
        for story in result.stories:
            if len(story.outlets) < 2:
                continue
            differences = story.differences(limit if limit is not None else DEFAULT_LIMIT)
            keys = report_keys(entry["story"], differences)
            for key, difference in zip(keys, differences, strict=True):
                reported += 1
                judgement = known.get(key, {}).get("judgement", "")
                if judgement:
                    counts[judgement] = counts.get(judgement, 0) + 1
                    continue
                item = {
                    "key": key,
                    "story": entry["story"],
                    "kind": difference.kind,
                    "summary": difference.summary,
                    "judgement": "",
                }
                unjudged.append(item)
                if record and key not in known:
                    known[key] = item
    if record:
        judged_file["items"] = list(known.values())
        path.write_text(json.dumps(judged_file, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return JudgedScore(reported, counts, unjudged)


def gold_labels_of(path: Path) -> dict[str, str]:
    from bot.offline.eval_clusters import gold_labels

    return gold_labels(path)
