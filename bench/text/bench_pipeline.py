"""Time the text pipeline on this machine (not a test).

    .venv/bin/python bench/text/bench_pipeline.py [--texts 2000]

Migrates a fresh SQLite database in a temporary directory, generates residents' texts (two in three in English,
one in three in Spanish; from a short sentence to a long paragraph, most with a personal detail to find) and runs
each stage of the pipeline over all of them in turn: language, redaction, sentiment, sentence embedding and
storing one TextAnalysis per text. Prints one line per stage and the total, in texts per second, and the peak
resident memory of the process. The embedding model is loaded before the timing starts (its load time is printed
on its own line), as a worker loads it once.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

SUBJECTS_EN = ["Cars speed down {street} every night", "There is drug dealing on the corner of {street}",
               "Loud parties go on until 3am near {street}", "Someone broke into three cars on {street}",
               "The officer who stopped me on {street} was rude and would not give his badge number",
               "Officers were very kind when my mother fell outside the library",
               "Nobody answered when I called about the fight at the bus stop",
               "The streetlights on {street} have been out for a month and people feel unsafe",
               "Thank you to the officers who came to the block party on {street}",
               "I was pushed against the car although I was not resisting"]
SUBJECTS_ES = ["Los coches van muy rápido por {street} todas las noches",
               "Hay venta de drogas en la esquina de {street}",
               "Las fiestas con ruido siguen hasta las tres de la mañana cerca de {street}",
               "El agente que me paró en {street} fue grosero y no me dio su número de placa",
               "Los agentes fueron muy amables cuando mi madre se cayó frente a la biblioteca",
               "Nadie contestó cuando llamé por la pelea en la parada del autobús",
               "Gracias a los agentes que vinieron a la fiesta del barrio en {street}"]
MORE_EN = ["It has been going on for months.", "My children are afraid to walk to school.",
           "I reported it twice and nothing changed.", "Please send a patrol in the evening.",
           "The neighbours all agree with me.", "I would like someone to call me back."]
MORE_ES = ["Lleva meses pasando.", "Mis hijos tienen miedo de ir a la escuela.",
           "Lo reporté dos veces y nada cambió.", "Por favor manden una patrulla por la tarde.",
           "Todos los vecinos están de acuerdo.", "Me gustaría que alguien me llamara."]
DETAILS_EN = ["My name is {first} {last}.", "Call me at 412-555-{number:04d}.",
              "Write to {first}.{last}@example.org.", "I live at {house} Wexford Lane.", ""]
DETAILS_ES = ["Me llamo {first} {last}.", "Llámenme al 412-555-{number:04d}.",
              "Escríbanme a {first}.{last}@example.org.", "Vivo en Calle Ocotlán {house}.", ""]
FIRST = ["Maria", "James", "Aisha", "Luis", "Grace", "Tomás", "Keisha", "Wei"]
LAST = ["Lopez", "Johnson", "Okafor", "Nguyen", "Smith", "Garcia", "Brown", "Patel"]
STREETS = ["Main Street", "Elm Avenue", "5th Avenue", "Calle Ocho", "Penn Avenue"]


def texts(count: int, seed: int = 7) -> list[str]:
    """Residents' texts: two in three in English, from one sentence to a long paragraph."""
    rng = random.Random(seed)
    made = []
    for number in range(count):
        spanish = number % 3 == 2
        subjects, more, details = ((SUBJECTS_ES, MORE_ES, DETAILS_ES) if spanish
                                   else (SUBJECTS_EN, MORE_EN, DETAILS_EN))
        sentences = [rng.choice(subjects).format(street=rng.choice(STREETS)) + "."]
        sentences += rng.sample(more, rng.choice([0, 0, 1, 2, 3, 5]))
        sentences.append(rng.choice(details).format(first=rng.choice(FIRST), last=rng.choice(LAST),
                                                    number=rng.randrange(10000), house=rng.randrange(100, 9999)))
        made.append(" ".join(sentence for sentence in sentences if sentence))
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=2000)
    count = parser.parse_args().texts
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "COMMONBEAT_VAR_DIR": folder})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonbeat.settings.development")
        sys.path.insert(0, str(PROJECT / "src"))
        import django

        django.setup()
        run(count)


def run(count: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from commonbeat.core.models import Agency
    from commonbeat.insights.models import TextAnalysis, TextSource
    from commonbeat.insights.text import embeddings, language, redaction, sentiment

    call_command("migrate", verbosity=0)
    agency = Agency.objects.create(slug="bench", name="Bench Police Department", hosts="bench.test")
    corpus = texts(count)
    words = sum(len(text.split()) for text in corpus)
    print(f"{count} texts ({count // 3} in Spanish), {words / count:.0f} words on average")

    started = time.perf_counter()
    embeddings.encode(["warm up"])
    language.detect("warm up the detector")
    sentiment.score("warm up")
    print(f"{'loading the models':<22} {time.perf_counter() - started:8.2f} s (once per process, not counted below)")

    timings = {}

    def stage(name, work):
        began = time.perf_counter()
        result = work()
        timings[name] = time.perf_counter() - began
        print(f"{name:<22} {timings[name]:8.2f} s {count / timings[name]:10.1f} texts/s")
        return result

    languages = stage("language", lambda: [language.detect(text) for text in corpus])
    found = stage("redaction", lambda: [(redaction.find(text, lang, agency=agency),
                                         redaction.redact(text, lang, agency=agency))
                                        for text, lang in zip(corpus, languages, strict=True)])
    scores = stage("sentiment", lambda: [sentiment.score(redacted, lang or "en")
                                         for (_spans, redacted), lang in zip(found, languages, strict=True)])
    vectors = stage("embedding", lambda: embeddings.encode([redacted for _spans, redacted in found]))
    version = f"bench {embeddings.__name__}"
    now, today = timezone.now(), agency.today()

    def store():
        rows = [TextAnalysis(agency=agency, source=TextSource.REPORT, source_id=number, written_on=today,
                             language=lang, sentiment=score,
                             personal_details=[{"start": f.start, "end": f.end, "kind": f.kind, "score": f.score}
                                               for f in spans],
                             redacted_text=redacted, embedding=embeddings.to_bytes(vector), model_version=version,
                             analysed_at=now)
                for number, (lang, score, (spans, redacted), vector)
                in enumerate(zip(languages, scores, found, vectors, strict=True))]
        TextAnalysis.objects.bulk_create(rows, batch_size=500)

    stage("storing", store)
    total = sum(timings.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'whole pipeline':<22} {total:8.2f} s {count / total:10.1f} texts/s; peak resident memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
