"""Time to place one article with 1k, 10k and 100k articles already stored, and memory at 100k.

    python bench/clustering.py [--sizes 1000,10000,100000] [--rate 2000]

History is synthetic: stories of 1 to 8 articles written from a random vocabulary, arriving
at `--rate` articles a day (so 100k articles span 50 days and the 72-hour window holds about
6,000). History articles carry synthetic embeddings (a story direction plus noise) so that
building 100k takes minutes, not the model's time; the measured articles are embedded by the
real model. Two numbers per size: the whole placement (embedding included) and the grouping
alone (embedding computed beforehand), each the mean over the measured articles.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.pipeline.assemble import StoryAssembler
from bot.pipeline.cluster import embed_articles
from bot.pipeline.embed import DIMENSIONS, shared_embedder

START = datetime(2025, 1, 1, tzinfo=UTC)
MEASURED = 200


class Synthetic:
    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.numpy = np.random.default_rng(seed)
        syllables = ["ka", "lo", "mi", "ter", "san", "vo", "ril", "den", "pa", "gu", "xo", "bre"]
        self.vocabulary = list(
            {
                "".join(self.random.choices(syllables, k=self.random.randint(2, 4)))
                for _ in range(20000)
            }
        )

    def story(self) -> tuple[list[str], list[str], np.ndarray]:
        topic = self.random.sample(self.vocabulary, 12)
        names = [w.capitalize() for w in self.random.sample(self.vocabulary, 3)]
        direction = self.numpy.normal(size=DIMENSIONS).astype(np.float32)
        return topic, names, direction / np.linalg.norm(direction)

    def article(
        self, story: tuple[list[str], list[str], np.ndarray]
    ) -> tuple[str, str, np.ndarray]:
        topic, names, direction = story
        title = " ".join(self.random.sample(topic, 5) + self.random.sample(self.vocabulary, 3))
        body = []
        for _ in range(120):
            roll = self.random.random()
            body.append(
                self.random.choice(topic)
                if roll < 0.3
                else self.random.choice(names)
                if roll < 0.4
                else self.random.choice(self.vocabulary)
            )
        noise = self.numpy.normal(size=DIMENSIONS).astype(np.float32) * 0.05
        vector = direction + noise
        return title.capitalize(), " ".join(body) + ".", vector / np.linalg.norm(vector)


def stream(synthetic: Synthetic, count: int, rate_per_day: int, offset: int = 0):
    seconds_apart = 86400 / rate_per_day
    produced = 0
    while produced < count:
        story = synthetic.story()
        for _ in range(synthetic.random.randint(1, 8)):
            if produced >= count:
                break
            when = START + timedelta(seconds=(offset + produced) * seconds_apart)
            title, text, vector = synthetic.article(story)
            yield f"o{synthetic.random.randint(1, 300)}", title, text, vector, when
            produced += 1


def measure(size: int, rate: int) -> tuple[float, float, float]:
    synthetic = Synthetic()
    assembler = StoryAssembler()
    encoder = shared_embedder().encode
    last = START
    for index, (outlet, title, text, vector, when) in enumerate(stream(synthetic, size, rate)):
        assembler.place(f"h{index}", outlet, title, text, when, vector)
        if when - last > timedelta(hours=1):
            assembler.forget_before(when - assembler.clusterer.window)
            last = when
    fresh = list(stream(synthetic, MEASURED, rate, offset=size))
    started = time.perf_counter()
    for index, (outlet, title, text, _vector, when) in enumerate(fresh):
        assembler.place(f"m{index}", outlet, title, text, when)
    whole = (time.perf_counter() - started) / MEASURED
    more = list(stream(synthetic, MEASURED, rate, offset=size + MEASURED))
    vectors = embed_articles(encoder, [(title, text) for _, title, text, _, _ in more])
    started = time.perf_counter()
    for index, ((outlet, title, text, _vector, when), vector) in enumerate(
        zip(more, vectors, strict=True)
    ):
        assembler.place(f"g{index}", outlet, title, text, when, vector)
    grouping = (time.perf_counter() - started) / MEASURED
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return whole, grouping, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rate", type=int, default=2000, help="articles a day")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shared_embedder().encode(["warm up"])
    baseline: tuple[float, float] | None = None
    for size in sizes:
        whole, grouping, rss = measure(size, args.rate)
        baseline = baseline or (whole, grouping)
        print(
            f"{size:>7} stored: {whole * 1000:6.2f} ms/article (embedding included, "
            f"x{whole / baseline[0]:.2f} of {sizes[0]}), grouping alone {grouping * 1000:6.2f} ms "
            f"(x{grouping / baseline[1]:.2f}); max RSS so far {rss:.0f} MB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
