"""Writes dated.jsonl: 84 synthetic, dated abstracts (2024-01 … 2024-08) for ``kg trends``.

The sample listings carry no dates, so this corpus gives trends something to count. Mamba-style
state-space models and DPO rise over the months, LoRA stays flat, GANs fade; two records have no
date, to show they are counted and reported. Deterministic: ``python tests/data/trends/make_dated.py``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

MONTHS = [f"2024-{m:02d}" for m in range(1, 9)]
TEMPLATES = {
    "Mamba": (
        "{Name}: Selective State Space Models for {task}",
        "We present {Name}, a state space model built on Mamba for {task}. Unlike Transformer "
        "baselines, {Name} scales linearly with sequence length. On {dataset}, {Name} reaches "
        "{value}% accuracy while using less memory than FlashAttention.",
    ),
    "DPO": (
        "{Name}: Aligning Language Models with Direct Preference Optimization",
        "We study Direct Preference Optimization (DPO) for aligning large language models. {Name} "
        "extends DPO with a margin term and compares it with PPO and RLHF. On {dataset}, {Name} "
        "improves the win rate to {value}% over the SFT baseline.",
    ),
    "LoRA": (
        "{Name}: Parameter-Efficient Fine-Tuning with Low-Rank Adaptation",
        "We propose {Name}, a variant of LoRA for parameter-efficient fine-tuning of LLaMA models. "
        "{Name} trains 0.1% of the weights and matches full fine-tuning on {dataset} with "
        "{value}% accuracy.",
    ),
    "GAN": (
        "{Name}: Stable Training of Generative Adversarial Networks",
        "We revisit generative adversarial networks (GANs) for image synthesis. {Name} adds a "
        "spectral penalty to the StyleGAN discriminator and reaches an FID of {fid} on {dataset}.",
    ),
}
DATASETS = {
    "Mamba": ["Long Range Arena", "WikiText-103", "ImageNet"],
    "DPO": ["AlpacaEval", "MT-Bench", "Anthropic HH"],
    "LoRA": ["GLUE", "MMLU", "GSM8K"],
    "GAN": ["FFHQ", "CIFAR-10", "LSUN Bedroom"],
}
TASKS = ["language modeling", "long sequence modeling", "image classification"]
# papers per month for each topic: rising, rising, flat, fading
PLAN = {
    "Mamba": [0, 1, 1, 2, 3, 4, 5, 6],
    "DPO": [1, 1, 1, 2, 2, 3, 4, 4],
    "LoRA": [3, 2, 3, 3, 2, 3, 3, 2],
    "GAN": [4, 3, 3, 2, 1, 1, 1, 0],
}
SYLLABLES = ["ra", "ven", "to", "li", "mo", "ka", "zen", "dor", "pha", "qui", "sel", "nor"]


def main() -> None:
    rng = random.Random(20)
    out = Path(__file__).with_name("dated.jsonl")
    records = []
    n = 0
    for month_index, month in enumerate(MONTHS):
        for topic, plan in PLAN.items():
            for _ in range(plan[month_index]):
                n += 1
                name = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize() + "-" + topic[:1]
                title, abstract = TEMPLATES[topic]
                values = {
                    "Name": name,
                    "task": rng.choice(TASKS),
                    "dataset": rng.choice(DATASETS[topic]),
                    "value": f"{rng.uniform(60, 90):.1f}",
                    "fid": f"{rng.uniform(2, 9):.2f}",
                }
                day = rng.randint(1, 28)
                records.append(
                    {
                        "id": f"trend-{n:03d}",
                        "title": title.format(**values),
                        "abstract": abstract.format(**values),
                        "date": f"{month}-{day:02d}",
                        "url": f"https://example.org/papers/trend-{n:03d}",
                    }
                )
    for k in (1, 2):  # undated: counted and reported, never given a date
        records.append(
            {
                "id": f"undated-{k}",
                "title": f"Undated Note {k} on Mamba and DPO",
                "abstract": "We compare Mamba and DPO-trained models on MMLU.",
            }
        )
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"wrote {len(records)} records to {out}")


if __name__ == "__main__":
    main()
