"""Measure CommonBeat's text intelligence on the hand-labelled evaluation set (not a test).

    .venv/bin/python bench/text/evaluate.py [--split test|dev|all] [--write-docs]

Reads tests/insights/text_evaluation/{dev,test}.jsonl and measures, on the chosen split (test by default):
redaction of personal data, language detection, sentiment, suggested allegation categories (trained on the other
split) and topic grouping. Prints the figures as markdown tables; with --write-docs it rewrites the
"## Evaluation" section of docs/text-intelligence.md with them. A part that cannot be imported is reported as
"not available" and the other parts are still measured.
"""

import argparse
import datetime
import importlib
import itertools
import math
import os
import re
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DOCS = PROJECT / "docs" / "text-intelligence.md"
SENTIMENT_THRESHOLD = 0.05
NOT_AVAILABLE = "not available"

sys.path.insert(0, str(PROJECT / "src"))
sys.path.insert(0, str(PROJECT))

from tests.insights.text_evaluation.load import KINDS, SPLITS, Item, load  # noqa: E402


class Unavailable(Exception):
    """A module or function the evaluation needs is missing."""


def need(module_name: str, function_name: str):
    try:
        module = importlib.import_module(f"commonbeat.insights.text.{module_name}")
    except ImportError as error:
        raise Unavailable(f"commonbeat.insights.text.{module_name} cannot be imported ({error})") from error
    function = getattr(module, function_name, None)
    if function is None:
        raise Unavailable(f"commonbeat.insights.text.{module_name}.{function_name} does not exist")
    return function


def percent(numerator: float, denominator: float) -> str:
    if not denominator:
        return "n/a"
    return f"{100 * numerator / denominator:.1f}% ({numerator:g}/{denominator:g})" if isinstance(
        numerator, int) else f"{100 * numerator / denominator:.1f}%"


def table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# 1. Redaction -------------------------------------------------------------------------------------------------

def measure_redaction(items: list[Item]) -> str:
    find = need("redaction", "find")
    strict, lenient, totals = Counter(), Counter(), Counter()
    predicted_chars = inside_chars = 0
    clean_items = clean_redacted = 0
    by_language = defaultdict(Counter)
    for item in items:
        found = find(item.text, item.language) or []
        covered = [False] * len(item.text)
        for hit in found:
            for position in range(max(0, hit.start), min(len(item.text), hit.end)):
                covered[position] = True
        gold = [False] * len(item.text)
        for span in item.spans:
            for position in range(span.start, span.end):
                gold[position] = True
        for position, char in enumerate(item.text):
            if covered[position] and not char.isspace():
                predicted_chars += 1
                inside_chars += gold[position]
        if not item.spans:
            clean_items += 1
            clean_redacted += bool(found)
        for span in item.spans:
            positions = [p for p in range(span.start, span.end) if not item.text[p].isspace()]
            share = sum(covered[p] for p in positions) / len(positions)
            totals[span.kind] += 1
            strict[span.kind] += share == 1
            lenient[span.kind] += share >= 0.5
            by_language[item.language]["total"] += 1
            by_language[item.language]["strict"] += share == 1
    rows = [(kind, totals[kind], percent(strict[kind], totals[kind]), percent(lenient[kind], totals[kind]))
            for kind in KINDS]
    rows.append(("**all**", sum(totals.values()), percent(sum(strict.values()), sum(totals.values())),
                 percent(sum(lenient.values()), sum(totals.values()))))
    lines = [table(("Kind", "Gold spans", "Recall (all characters covered)", "Recall (at least half covered)"),
                   rows), ""]
    for language in sorted(by_language):
        counts = by_language[language]
        lines.append(f"- Recall in {language}: {percent(counts['strict'], counts['total'])}")
    lines.append(f"- Precision (share of redacted characters that are personal data): "
                 f"{percent(inside_chars, predicted_chars)}")
    lines.append(f"- Items without personal data that got any redaction: {clean_redacted} of {clean_items}")
    return "\n".join(lines)


# 2. Language detection ----------------------------------------------------------------------------------------

def measure_language(items: list[Item]) -> str:
    detect = need("language", "detect")
    right, total, undecided = Counter(), Counter(), Counter()
    for item in items:
        guess = detect(item.text)
        total[item.language] += 1
        right[item.language] += guess == item.language
        undecided[item.language] += guess == ""
    rows = [(language, total[language], percent(right[language], total[language]), undecided[language])
            for language in sorted(total)]
    rows.append(("**all**", sum(total.values()), percent(sum(right.values()), sum(total.values())),
                 sum(undecided.values())))
    return table(("Language", "Items", "Accuracy", "No answer (counted wrong)"), rows)


# 3. Sentiment -------------------------------------------------------------------------------------------------

def sentiment_class(value: float) -> str:
    if value > SENTIMENT_THRESHOLD:
        return "positive"
    if value < -SENTIMENT_THRESHOLD:
        return "negative"
    return "neutral"


def measure_sentiment(items: list[Item]) -> str:
    score = need("sentiment", "score")
    right, total = Counter(), Counter()
    per_class = defaultdict(Counter)
    for item in items:
        guess = sentiment_class(float(score(item.text, item.language)))
        total[item.language] += 1
        right[item.language] += guess == item.sentiment
        per_class[item.sentiment]["total"] += 1
        per_class[item.sentiment]["right"] += guess == item.sentiment
    rows = [(language, total[language], percent(right[language], total[language])) for language in sorted(total)]
    rows.append(("**all**", sum(total.values()), percent(sum(right.values()), sum(total.values()))))
    lines = [table(("Language", "Items", "3-class accuracy"), rows), ""]
    for label in ("negative", "neutral", "positive"):
        lines.append(f"- Recall of {label}: {percent(per_class[label]['right'], per_class[label]['total'])}")
    return "\n".join(lines)


# 4. Categories ------------------------------------------------------------------------------------------------

def measure_categories(split: str) -> str:
    train = need("triage", "train_category_model")
    folds = [(other, split) for other in SPLITS if other != split] if split in SPLITS else [
        ("dev", "test"), ("test", "dev")]
    top1 = top3 = total = 0
    for train_split, eval_split in folds:
        training = [item for item in load(train_split) if item.is_complaint]
        evaluated = [item for item in load(eval_split) if item.is_complaint]
        model = train([item.text for item in training], [list(item.categories) for item in training])
        predictions = model.predict([item.text for item in evaluated])
        for item, ranked in zip(evaluated, predictions, strict=True):
            codes = [code for code, _confidence in ranked]
            total += 1
            top1 += bool(codes[:1]) and codes[0] in item.categories
            top3 += any(code in item.categories for code in codes[:3])
    trained_on = " and ".join(f"{train_split} → {eval_split}" for train_split, eval_split in folds)
    return table(("Measure", "Value"), [
        ("Complaint reports evaluated", total),
        ("Top-1 accuracy (best code is one of the gold codes)", percent(top1, total)),
        ("Top-3 accuracy (a gold code among the three best)", percent(top3, total)),
        ("Trained on → evaluated on", trained_on)])


# 5. Topics ----------------------------------------------------------------------------------------------------

WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> str:
    return " " + " ".join(WORD.findall(text.lower())) + " "


def keyword_coherence(keyword_lists: list[list[str]], texts: list[str]) -> float | None:
    """Mean NPMI of each group's top-5 keyword pairs, from document co-occurrence in the evaluated texts."""
    documents = [tokens(text) for text in texts]
    count = len(documents)
    scores = []
    for keywords in keyword_lists:
        top = [" ".join(WORD.findall(str(keyword).lower())) for keyword in list(keywords)[:5]]
        top = [keyword for keyword in top if keyword]
        holders = {keyword: {n for n, doc in enumerate(documents) if f" {keyword} " in doc} for keyword in top}
        pair_scores = []
        for first, second in itertools.combinations(top, 2):
            both = len(holders[first] & holders[second])
            if not both:
                pair_scores.append(-1.0)
                continue
            joint = both / count
            if joint == 1:
                pair_scores.append(1.0)
                continue
            pmi = math.log(joint / ((len(holders[first]) / count) * (len(holders[second]) / count)))
            pair_scores.append(pmi / -math.log(joint))
        if pair_scores:
            scores.append(sum(pair_scores) / len(pair_scores))
    return sum(scores) / len(scores) if scores else None


def measure_topics(items: list[Item]) -> str:
    import numpy as np
    from sklearn.metrics import normalized_mutual_info_score

    encode = need("embeddings", "encode")
    group = need("topics", "group")
    texts = [item.text for item in items]
    vectors = np.asarray(encode(texts), dtype=np.float32)
    result = group(texts, vectors, [item.language for item in items])
    labels = np.asarray(result.labels)
    gold = [item.topic for item in items]
    assigned = labels >= 0
    groups = sorted(set(labels[assigned].tolist()))
    majority = 0
    for label in groups:
        members = [gold[n] for n in np.flatnonzero(labels == label)]
        majority += Counter(members).most_common(1)[0][1]
    gold_assigned = [topic for topic, kept in zip(gold, assigned, strict=True) if kept]
    coherence = keyword_coherence(list(result.keywords or []), texts)
    silhouette = getattr(result, "silhouette", None)
    return table(("Measure", "Value"), [
        ("Items grouped", f"{int(assigned.sum())} of {len(items)}"),
        ("Groups found (gold topics: 12)", len(groups)),
        ("NMI against the gold topics (unassigned as one more group)",
         f"{normalized_mutual_info_score(gold, labels.tolist()):.3f}"),
        ("NMI on the grouped items", f"{normalized_mutual_info_score(gold_assigned, labels[assigned].tolist()):.3f}"
         if int(assigned.sum()) else "n/a"),
        ("Purity of the grouped items", percent(majority, int(assigned.sum()))),
        ("Silhouette", "n/a" if silhouette is None else f"{float(silhouette):.3f}"),
        ("Keyword coherence (mean NPMI of top-5 keyword pairs)", "n/a" if coherence is None else f"{coherence:.3f}"),
    ])


# Running and writing ------------------------------------------------------------------------------------------

def run_section(title: str, measure, *arguments) -> str:
    started = time.perf_counter()
    try:
        body = measure(*arguments)
    except Unavailable as reason:
        body = f"{NOT_AVAILABLE}: {reason}"
    except Exception as error:  # noqa: BLE001 - one failing part must not stop the others
        traceback.print_exc(file=sys.stderr)
        body = f"{NOT_AVAILABLE}: the measurement failed with {type(error).__name__}: {error}"
    seconds = time.perf_counter() - started
    return f"### {title}\n\n{body}\n\n_Measured in {seconds:.1f} s._\n"


def summary_of(split: str, items: list[Item]) -> str:
    languages = Counter(item.language for item in items)
    sources = Counter(item.source for item in items)
    spans = sum(len(item.spans) for item in items)
    complaints = sum(item.is_complaint for item in items)
    return (f"Split **{split}**: {len(items)} items ({languages['en']} English, {languages['es']} Spanish; "
            f"{sources['report']} reports, {sources['survey_answer']} survey answers, "
            f"{sources['policy_comment']} policy comments, {sources['concern']} concerns), "
            f"{spans} spans of personal data, {complaints} complaint reports. "
            f"Sizes of the splits: " + ", ".join(f"{name} {len(load(name))}" for name in SPLITS) + ".")


def write_docs(section: str) -> None:
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Text intelligence\n"
    start = current.find("\n## Evaluation")
    if start == -1:
        document = current.rstrip("\n") + "\n\n" + section
    else:
        following = current.find("\n## ", start + 1)
        rest = current[following:] if following != -1 else ""
        document = current[:start].rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n" + rest
    DOCS.write_text(document.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument("--write-docs", action="store_true", help="rewrite the Evaluation section of the docs")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonbeat.settings.test")
    import django

    django.setup()

    items = load(options.split)
    command = "python bench/text/evaluate.py" + (f" --split {options.split}" if options.split != "test" else "")
    parts = [
        run_section("Redaction of personal data", measure_redaction, items),
        run_section("Language detection", measure_language, items),
        run_section("Sentiment", measure_sentiment, items),
        run_section("Suggested allegation categories", measure_categories, options.split),
        run_section("Topics", measure_topics, items),
    ]
    section = "\n".join([
        "## Evaluation",
        "",
        "Measured on the hand-labelled evaluation set in `tests/insights/text_evaluation/` (its README explains "
        "how it was labelled). A span of personal data counts as caught when the redaction covers all its "
        "characters other than spaces; sentiment scores above 0.05 count as positive and below -0.05 as "
        "negative; categories are learned from the complaint reports of the other split.",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Command: `.venv/bin/{command} --write-docs`",
        f"- {summary_of(options.split, items)}",
        "",
        *parts,
    ])
    print(section)
    if options.write_docs:
        write_docs(section)
        print(f"Wrote the Evaluation section of {DOCS.relative_to(PROJECT)}.")


if __name__ == "__main__":
    main()
