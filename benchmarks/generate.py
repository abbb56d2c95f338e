"""Generate a synthetic question bank of N Markdown files for the speed benchmark.

Usage: ``python benchmarks/generate.py OUT_DIR [--files N] [--seed S] [--defect-rate R]``.

Every question block of ``content/*.md`` (the corrected bank) and of
``tests/fixtures/seed_verbatim.md`` (the seed, defects included) is a template. Each generated
file holds 3 to 10 questions drawn from those templates with a freshly composed heading (so
duplicate-question detection sees a realistic few duplicates, not a flood), varied inline and
display math, arXiv references, and relative links to sibling files (some with anchors).
``--defect-rate`` is the share of questions drawn from the seed rather than the clean bank,
``--duplicate-rate`` the share that repeat an earlier question.
Files go in folders of 100 (``topic-000/q00000.md``); the output is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_FOLDER = 100
BLOCK_START_RE = re.compile(r"^(?:<!-- )?(?:!!!|\?\?\?\+?) ", re.M)
HEADING_RE = re.compile(r"^(\s*)#### .*$", re.M)

SUBJECTS = [
    "dropout",
    "batch normalization",
    "layer normalization",
    "weight decay",
    "early stopping",
    "the Adam optimizer",
    "momentum",
    "learning-rate warm-up",
    "gradient clipping",
    "label smoothing",
    "knowledge distillation",
    "residual connections",
    "attention heads",
    "positional encodings",
    "beam search",
    "teacher forcing",
    "contrastive learning",
    "data augmentation",
    "transfer learning",
    "fine-tuning",
    "quantization",
    "pruning",
    "mixed precision training",
    "the softmax function",
    "cross-entropy loss",
    "hinge loss",
    "focal loss",
    "the ReLU activation",
    "GELU",
    "the sigmoid function",
    "max pooling",
    "dilated convolutions",
    "depthwise separable convolutions",
    "recurrent networks",
    "LSTMs",
    "GRUs",
    "transformers",
    "autoencoders",
    "variational autoencoders",
    "GANs",
    "diffusion models",
    "graph neural networks",
    "capsule networks",
    "memory networks",
    "embedding layers",
    "tokenization",
    "word2vec",
    "negative sampling",
    "curriculum learning",
    "self-supervised learning",
    "active learning",
    "few-shot learning",
    "meta-learning",
    "reinforcement learning from human feedback",
    "policy gradients",
    "Q-learning",
    "the bias-variance trade-off",
    "cross-validation",
    "class imbalance",
    "feature scaling",
]
CONTEXTS = [
    "image classification",
    "machine translation",
    "speech recognition",
    "object detection",
    "time-series forecasting",
    "recommendation systems",
    "small datasets",
    "large language models",
    "on-device inference",
    "medical imaging",
    "anomaly detection",
    "question answering",
    "semantic segmentation",
    "text summarization",
    "tabular data",
    "robotics",
]
TEMPLATES = [
    "What is {s} and why does it matter for {c} {m}?",
    "Why does {s} help in {c} {m}?",
    "How would you use {s} for {c} {m}?",
    "When should you avoid {s} in {c} {m}?",
    "Can you explain {s} with an example from {c} {m}?",
    "What are the drawbacks of {s} for {c} {m}?",
    "How does {s} compare with the usual baseline in {c} {m}?",
    "What problem does {s} solve in {c} {m}?",
    "Which hyperparameters matter most for {s} in {c} {m}?",
    "How do you debug {s} when training for {c} {m}?",
]
MODIFIERS = [
    "in practice",
    "at scale",
    "with limited compute",
    "on a small budget",
    "in production",
    "for a beginner",
    "in a research setting",
    "with noisy labels",
    "under distribution shift",
    "on a single GPU",
    "with streaming data",
    "in an interview answer",
]
FORMULAS = [
    r"\frac{1}{1 + e^{-{v}}}",
    r"\sum_{i=1}^{n} {v}_i^2",
    r"\mathbb{E}[{v}] = \mu",
    r"\operatorname{softmax}({v})_i = \frac{e^{{v}_i}}{\sum_j e^{{v}_j}}",
    r"\lVert {v} \rVert_2 \le 1",
    r"{v}_{t+1} = {v}_t - \eta \nabla L({v}_t)",
    r"\log p({v}) \ge \mathbb{E}_q[\log p({v}, z)] - \mathrm{KL}(q \,\|\, p)",
    r"\sigma^2 = \frac{1}{n} \sum_{i} ({v}_i - \bar{{v}})^2",
    r"\hat{y} = \arg\max_k {v}_k",
    r"\mathcal{L} = -\sum_{k} y_k \log {v}_k",
]
VARIABLES = ["x", "z", "w", "h", "a", "\\theta", "\\mathbf{x}", "\\mathbf{h}"]
PHRASES = [
    "In practice, {n} runs are usually enough to see the effect.",
    "A common default is a rate of {f}, tuned on a validation set.",
    "The original paper reports roughly {n}% fewer errors on its benchmark.",
    "It adds little cost: about {n} extra operations per example.",
]


def split_blocks(text: str) -> list[str]:
    """The question blocks of a bank, each from its marker line to the next marker."""
    starts = [m.start() for m in BLOCK_START_RE.finditer(text)]
    blocks = []
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        block = text[begin:end].rstrip() + "\n"
        if HEADING_RE.search(block):
            blocks.append(block)
    return blocks


def load_templates() -> tuple[list[str], list[str]]:
    """Question blocks of the clean bank (``content/``) and of the seed (defects included)."""
    clean = [
        b
        for path in sorted((ROOT / "content").glob("*.md"))
        for b in split_blocks(path.read_text(encoding="utf-8"))
    ]
    seed = split_blocks(
        (ROOT / "tests" / "fixtures" / "seed_verbatim.md").read_text(encoding="utf-8")
    )
    if not clean or not seed:
        sys.exit("no question blocks found in content/*.md or the seed")
    return clean, seed


def file_path(index: int) -> str:
    """The bank-relative path of generated file ``index``."""
    return f"topic-{index // PER_FOLDER:03d}/q{index:05d}.md"


class Headings:
    """Question headings, all different but for a small share of deliberate duplicates.

    Headings are drawn without replacement from every (template, subject, context, modifier)
    combination, so duplicate-question detection sees only the planted duplicates.
    """

    def __init__(self, rng: random.Random, duplicate_rate: float) -> None:
        self.rng = rng
        self.duplicate_rate = duplicate_rate
        self.sizes = (len(TEMPLATES), len(SUBJECTS), len(CONTEXTS), len(MODIFIERS))
        total = self.sizes[0] * self.sizes[1] * self.sizes[2] * self.sizes[3]
        self.order = iter(rng.sample(range(total), total))
        self.given: list[str] = []

    def next(self) -> str:
        """A new heading (or, rarely, one given before with different case)."""
        if self.given and self.rng.random() < self.duplicate_rate:
            return self.rng.choice(self.given).lower()
        code = next(self.order, None)
        if code is None:  # more questions than combinations: number them
            return f"{self.given[len(self.given) % 997]} (part {len(self.given)})"
        code, t = divmod(code, self.sizes[0])
        code, s = divmod(code, self.sizes[1])
        m, c = divmod(code, self.sizes[2])
        title = TEMPLATES[t].format(s=SUBJECTS[s], c=CONTEXTS[c], m=MODIFIERS[m])
        self.given.append(title)
        return title


def extra_paragraph(rng: random.Random, index: int, count: int) -> str:
    """An answer paragraph with some of: math, a number, an arXiv reference, a sibling link."""
    parts = []
    if rng.random() < 0.5:
        formula = rng.choice(FORMULAS).replace("{v}", rng.choice(VARIABLES))
        parts.append(f"Formally, ${formula}$.")
    if rng.random() < 0.4:
        parts.append(
            rng.choice(PHRASES).format(
                n=rng.randint(2, 40), f=rng.choice(["0.1", "0.2", "0.5", "0.01"])
            )
        )
    if rng.random() < 0.4:
        arxiv = f"{rng.randint(14, 23)}{rng.randint(1, 12):02d}.{rng.randint(1000, 19999):05d}"
        parts.append(f"[Ref](https://arxiv.org/abs/{arxiv})")
    if count > 1 and rng.random() < 0.3:
        other = rng.randrange(count)
        if other != index:
            target = Path(file_path(other))
            here = Path(file_path(index))
            relative = target.name if target.parent == here.parent else f"../{target}"
            parts.append(f"See also [a related question]({relative}).")
    return " ".join(parts)


def question(rng: random.Random, headings: Headings, template: str, index: int, count: int) -> str:
    """One question block: the template with a new heading and maybe an extra paragraph."""
    title = headings.next()
    block = HEADING_RE.sub(lambda m: f"{m.group(1)}#### {title}", template, count=1)
    extra = extra_paragraph(rng, index, count)
    if extra and "-->" not in block:
        block = block.rstrip("\n") + f"\n\n        {extra}\n"
    if rng.random() < 0.15:
        display = rng.choice(FORMULAS).replace("{v}", rng.choice(VARIABLES))
        block = block.rstrip("\n") + f"\n\n        $$\n        {display}\n        $$\n"
    return block


def render_file(
    rng: random.Random,
    headings: Headings,
    index: int,
    count: int,
    clean: list[str],
    seed: list[str],
    defect_rate: float,
) -> str:
    """The text of one generated file."""
    chunks = [f"# Interview questions, set {index}\n"]
    for _ in range(rng.randint(3, 10)):
        pool = seed if rng.random() < defect_rate else clean
        chunks.append(question(rng, headings, rng.choice(pool), index, count))
    return "\n".join(chunks)


def generate(
    out: Path, files: int, seed: int = 7, defect_rate: float = 0.1, duplicate_rate: float = 0.002
) -> list[Path]:
    """Write ``files`` Markdown files under ``out``; returns their paths in order."""
    clean, seed_blocks = load_templates()
    rng = random.Random(seed)
    headings = Headings(rng, duplicate_rate)
    written = []
    for index in range(files):
        path = out / file_path(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            render_file(rng, headings, index, files, clean, seed_blocks, defect_rate),
            encoding="utf-8",
        )
        written.append(path)
    return written


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="output folder (created; use a temp dir)")
    parser.add_argument("--files", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--defect-rate",
        type=float,
        default=0.1,
        help="share of questions taken from the defective seed (default 0.1)",
    )
    parser.add_argument(
        "--duplicate-rate",
        type=float,
        default=0.002,
        help="share of questions that repeat an earlier one (default 0.002)",
    )
    args = parser.parse_args()
    written = generate(args.out, args.files, args.seed, args.defect_rate, args.duplicate_rate)
    size = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written):,} files ({size / 1e6:.1f} MB) under {args.out}")


if __name__ == "__main__":
    main()
