"""Build kg/data/lexicons/*.jsonl from the name lists that well-kept libraries ship.

Run by developers, never at run time:

    python scripts/build_lexicons.py            # downloads pinned wheels to /tmp/lexsrc
    python scripts/build_lexicons.py --src DIR  # reuse wheels already in DIR

Each wheel is read as a zip: Python sources are parsed with ``ast`` (nothing is imported), README
headings and docstrings are read as text. One output file per source; ``curated.jsonl`` is
hand-written and only read here, so generated files never repeat a curated alias. The rules that
turn class or folder names into surface forms, and the filter for ordinary English words, are
described in kg/data/lexicons/SOURCES.md.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kg" / "data" / "lexicons"

PINS = {
    "transformers": "4.57.1",  # 5.x dropped MODEL_NAMES_MAPPING
    "timm": "1.0.31",
    "torchvision": "0.29.2",
    "torchmetrics": "1.9.0",
    "lm_eval": "0.4.13",
    "spacy-lookups-data": "1.0.5",  # word log-probabilities for the ordinary-word filter
}

# A lowercased word with a unigram log-probability above this counts as ordinary English
# ("whisper" -12.8, "granite" -13.9 are in; "chameleon" -14.3, "mamba" -15.7 are out).
COMMON_WORD_LOGPROB = -14.0


# Surfaces that a source lists but that mean something else in ML abstracts more often than not.
AMBIGUOUS = {
    "MAE": "masked autoencoder far more often than mean absolute error",
    "IS": "the verb in all-caps titles",
    "Phi": "the Greek letter in formulas",
    "specificity": "the ordinary noun (\"the specificity of brain computation\")",
    "Unscramble": "a verb",
    "SCORE": "a word in all-caps titles",
    "INCLUDE": "a word in all-caps titles",
}


@dataclass
class Entry:
    name: str
    type: str
    source: str
    aliases: list[str] = field(default_factory=list)

    def surfaces(self) -> list[str]:
        return [self.name, *self.aliases]

    def as_json(self) -> dict[str, object]:
        aliases = [a for a in dict.fromkeys(self.aliases) if a != self.name]
        return {"name": self.name, "type": self.type, "aliases": aliases, "source": self.source}


# ---------------------------------------------------------------- fetching and reading wheels

def download(src: Path) -> dict[str, Path]:
    """``pip download --no-deps`` each pinned wheel into ``src`` (skipped when already there)."""
    src.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"] if _has_pip() else [shutil.which("pip") or "pip"]
    wheels: dict[str, Path] = {}
    for pkg, version in PINS.items():
        stem = pkg.replace("-", "_")
        found = sorted(src.glob(f"{stem}-{version}-*.whl"))
        if not found:
            subprocess.run([*pip, "download", "--no-deps", "--only-binary=:all:", "-q", "-d",
                            str(src), f"{pkg}=={version}"], check=True)
            found = sorted(src.glob(f"{stem}-{version}-*.whl"))
        wheels[pkg] = found[0]
    return wheels


def _has_pip() -> bool:
    return subprocess.run([sys.executable, "-m", "pip", "--version"],
                          capture_output=True).returncode == 0


def read_text(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as z:
        return z.read(member).decode("utf-8", "replace")


def module_assignment(source: str, name: str) -> ast.expr:
    """The value expression of the top-level ``name = ...`` in a module's source."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value
    raise KeyError(name)


def load_word_logprobs(wheel: Path) -> dict[str, float]:
    with zipfile.ZipFile(wheel) as z:
        return json.loads(gzip.decompress(z.read("spacy_lookups_data/data/en_lexeme_prob.json.gz")))


# ---------------------------------------------------------------- ordinary-word filter

def is_wordlike(token: str) -> bool:
    """A plain word as it would appear in running text or a title: "whisper", "Whisper"."""
    return token.isalpha() and (token.islower() or (token[0].isupper() and token[1:].islower()))


def is_ordinary(surface: str, logprob: dict[str, float]) -> bool:
    """True for a name that reads as ordinary English: one frequent word ("Whisper", "recall"), or
    capitalized frequent words only ("Moral Stories", "Decision Transformer").

    Acronyms ("MATH", "RACE"), mixed case ("LLaMA") and digits ("Llama2") are names however common
    the lowercased word is: the matcher compares them case-sensitively. Lowercase phrases of
    several words ("object detection", "word error rate") are terms, not stray words, and stay.
    """
    words = surface.replace("-", " ").split()
    if len(words) > 1 and surface.islower():
        return False
    return all(is_wordlike(w) and logprob.get(w.lower(), -99.0) > COMMON_WORD_LOGPROB for w in words)


# ---------------------------------------------------------------- sources

HF_CLASS_SUFFIX = re.compile(r"(Model|ForCausalLM|ForConditionalGeneration|Encoder|Backbone|"
                             r"(?<=[a-z])Transformer|QFormer|WithHifiGan|Decoder)$")


def transformers_models(wheel: Path, version: str) -> Iterator[Entry]:
    """MODEL_NAMES_MAPPING values: the model families' display names ("CLIP", "LLaMA")."""
    src = read_text(wheel, "transformers/models/auto/configuration_auto.py")
    pairs = ast.literal_eval(module_assignment(src, "MODEL_NAMES_MAPPING").args[0])  # type: ignore[attr-defined]
    source = f"transformers {version} models/auto/configuration_auto.py MODEL_NAMES_MAPPING"
    for _, pretty in pairs:
        # Class names that leak into the mapping ("CLIPTextModel", "Qwen2_5_VL") are not how
        # papers write the family; the family itself is listed separately.
        if "_" in pretty or HF_CLASS_SUFFIX.search(pretty) or " with " in pretty:
            continue
        if pretty.lower().endswith("encoder decoder") or pretty in ("Bert Generation",
                                                                    "FairSeq Machine-Translation"):
            continue
        aliases = []
        if pretty.startswith("OpenAI "):  # "OpenAI GPT-2" is written "GPT-2"
            aliases.append(pretty.removeprefix("OpenAI "))
        yield Entry(pretty, "Method", source, aliases)


TASK_RENAMES = {"seq to seq causal lm": None, "causal lm": None, "masked lm": None, "ctc": None,
                "pretraining": None, "image": None, "backbone": None, "text encoding": None,
                "vision 2 seq": None, "retrieval": None, "speech seq 2 seq": None,
                "audio xvector": None, "multiple choice": None, "image to image": None,
                "audio frame classification": None, "causal image modeling": None,
                "image text to text": None, "mask generation": None,
                "text to spectrogram": "text-to-speech", "text to waveform": "text-to-speech",
                "ctc asr": None, "sequence classification": "text classification",
                "token classification": "token classification",
                "masked image modeling": "masked image modeling"}


def transformers_tasks(wheel: Path, version: str) -> Iterator[Entry]:
    """Task names from modeling_auto's MODEL_FOR_<TASK>_MAPPING_NAMES and the pipeline ids."""
    src = read_text(wheel, "transformers/models/auto/modeling_auto.py")
    source = f"transformers {version} models/auto/modeling_auto.py MODEL_FOR_*_MAPPING_NAMES"
    names = re.findall(r"^MODEL_FOR_(\w+)_MAPPING_NAMES = ", src, re.M)
    pipe_src = read_text(wheel, "transformers/pipelines/__init__.py")
    pipe_tasks = re.findall(r'^\s{4}"([a-z0-9-]+)": \{', pipe_src, re.M)
    seen: set[str] = set()
    for raw in [n.lower().replace("_", " ") for n in names] + [t.replace("-", " ") for t in pipe_tasks]:
        name = TASK_RENAMES.get(raw, raw)
        if not name or name in seen or re.search(r"\d|feature extraction|fill mask|any to any|"
                                                  r"text2text|decision", name):
            continue
        seen.add(name)
        aliases = [name.replace("-", " ")] if "-" in name else []
        yield Entry(name, "Task", source + " + pipelines/__init__.py", aliases)


def timm_models(wheel: Path, version: str) -> Iterator[Entry]:
    """A timm module's family name as its docstring writes it ("convnext.py" → "ConvNeXt")."""
    with zipfile.ZipFile(wheel) as z:
        members = [n for n in z.namelist() if re.fullmatch(r"timm/models/[a-z0-9_]+\.py", n)]
        for member in sorted(members):
            stem = member.rsplit("/", 1)[1][:-3]
            doc = ast.get_docstring(ast.parse(z.read(member))) or ""
            first = doc.strip().splitlines()[0] if doc.strip() else ""
            key = stem.replace("_", "")
            found = [w for w in re.findall(r"[A-Za-z][\w.-]*", first)
                     if re.sub(r"[-_]", "", w).lower() == key]
            # "(CaiT)", "(ViT)": the acronym the docstring gives for a spelled-out name.
            found += [w for w in re.findall(r"\(([A-Za-z][A-Za-z0-9]+)\)", first)
                      if sum(c.isupper() for c in w) >= 2]
            for name in dict.fromkeys(found):
                yield Entry(name, "Method", f"timm {version} timm/models/{stem}.py docstring")


TORCHVISION_SKIP = re.compile(r"Folder$|^FakeData$|^VisionDataset$|^wrap_|Stereo$|^RenderedSST2$|"
                              r"^LSUNClass$|^PhotoTour$|^SEMEION$|^Imagenette$|^KittiFlow$")
TORCHVISION_NAMES = {  # class → the name papers use; documented in SOURCES.md
    "CocoCaptions": "COCO", "CocoDetection": "COCO", "VOCSegmentation": "PASCAL VOC",
    "VOCDetection": "PASCAL VOC", "LFWPeople": "LFW", "LFWPairs": "LFW", "Kitti": "KITTI",
    "WIDERFace": "WIDER FACE", "INaturalist": "iNaturalist", "CLEVRClassification": "CLEVR",
    "OxfordIIITPet": "Oxford-IIIT Pet", "FGVCAircraft": "FGVC-Aircraft", "SBDataset": "SBD",
    "SBU": "SBU Captions", "StanfordCars": "Stanford Cars", "FashionMNIST": "Fashion-MNIST",
    "MovingMNIST": "Moving MNIST", "Food101": "Food-101", "Caltech101": "Caltech-101",
    "Caltech256": "Caltech-256", "Flowers102": "Oxford Flowers-102", "PCAM": "PatchCamelyon",
    "FlyingThings3D": "FlyingThings3D",
}
TORCHVISION_ALIASES = {"COCO": ["MS COCO", "MS-COCO", "MSCOCO"], "PASCAL VOC": ["Pascal VOC"],
                       "Oxford Flowers-102": ["Flowers102", "Flowers-102"],
                       "PatchCamelyon": ["PCAM", "PCam"], "FGVC-Aircraft": ["FGVC Aircraft"]}


def torchvision_datasets(wheel: Path, version: str) -> Iterator[Entry]:
    """torchvision.datasets.__all__, class names turned into the names papers write."""
    src = read_text(wheel, "torchvision/datasets/__init__.py")
    source = f"torchvision {version} torchvision/datasets/__init__.py __all__"
    for cls in ast.literal_eval(module_assignment(src, "__all__")):
        if TORCHVISION_SKIP.search(cls):
            continue
        name = TORCHVISION_NAMES.get(cls)
        aliases: list[str] = [cls] if name and name != cls and cls.isalnum() and not cls.startswith(("Coco", "VOC", "LFW")) else []
        if name is None:
            # "CIFAR10" → "CIFAR-10", "STL10" → "STL-10": an all-caps name glued to a number.
            m = re.fullmatch(r"([A-Z]{3,})(\d+)", cls)
            name = f"{m.group(1)}-{m.group(2)}" if m and cls not in ("SUN397", "HMDB51", "UCF101", "HD1K", "FER2013") else cls
            if name != cls:
                aliases.append(cls)
        yield Entry(name, "Dataset", source, aliases + TORCHVISION_ALIASES.get(name, []))


LM_EVAL_NAMES = {"GSM8k": "GSM8K", "GSM8k Platinum": "GSM8K Platinum", "Trivia QA": "TriviaQA",
                 "Social IQA": "Social IQa", "WEBQs": "WebQuestions", "C-Eval (Validation)": "C-Eval",
                 "MMMU Benchmark": "MMMU", "ETHICS Dataset": "ETHICS", "MC Taco": "MC-TACO",
                 "HAE-RAE BENCH": "HAE-RAE Bench", "Wikitext": "WikiText"}
LM_EVAL_ALIASES = {"Social IQa": ["SIQA", "SocialIQA"], "WikiText": ["WikiText-103", "WikiText-2"],
                   "BigBenchHard": ["BIG-Bench Hard", "BBH"], "BigBench": ["BIG-bench", "BIG-Bench"],
                   "HumanEval": ["HumanEval+"]}


def lm_eval_tasks(wheel: Path, version: str) -> Iterator[Entry]:
    """The first heading of each lm_eval/tasks/<folder>/README.md: the benchmark's own name."""
    with zipfile.ZipFile(wheel) as z:
        readmes = sorted(n for n in z.namelist() if re.fullmatch(r"lm_eval/tasks/[^/]+/README\.md", n))
        for member in readmes:
            heading = next((ln for ln in z.read(member).decode("utf-8", "replace").splitlines()
                            if ln.startswith("#")), "")
            if not re.match(r"# \S", heading):
                continue
            title = heading[2:].strip()
            title = LM_EVAL_NAMES.get(title, title)
            acronym = re.search(r"\(([^()]+)\)\s*$", title)
            short = acronym.group(1).strip() if acronym else ""
            title = re.sub(r"\s*\([^()]*\)\s*$", "", title)
            if ":" in title:  # "BLiMP-NL: A Corpus of Dutch …": the name before the colon
                title = title.split(":")[0].strip()
            if re.search(r"[_ ]|^[a-z]", title) and not short:
                # "mmlu_pro", "arc mt": folder ids, not names. Multi-word headings stay only when
                # every word is capitalized ("Arab Culture", "Physics GRE") for the word filter.
                if "_" in title or title[0].islower() or not all(w[0].isupper() or w[0].isdigit()
                                                                  for w in title.split()):
                    continue
            if title in ("Task-name",) or re.search(r"\b(Leaderboard|Tasks|Benchmark Datasets|"
                                                     r"evaluations)\b", title):
                continue
            name, aliases = (short, [title]) if short and len(title) > 40 else (title, [short] if short else [])
            source = f"lm-eval {version} {member.removesuffix('README.md')}README.md first heading"
            yield Entry(name, "Dataset", source, aliases + LM_EVAL_ALIASES.get(name, []))


METRIC_SKIP = re.compile(r"^(functional|Metric|MetricCollection|MetricTracker|BootStrapper|StatScores|"
                         r"ConfusionMatrix|ROC|SQuAD|PermutationInvariantTraining|TotalVariation|"
                         r"CosineSimilarity|MinkowskiDistance|HingeLoss|KLDivergence)$|"
                         r"Wrapper$|^(Cat|Max|Min|MinMax|Mean|Sum)Metric$|^Running|Curve$|At|"
                         r"UsingSlidingWindow|^RetrievalFallOut$|^RetrievalRPrecision$|^(Theils|Tschuprows|Cramers)")
METRIC_WORDS = {"Corr": "correlation", "Coef": "coefficient", "Char": "character"}
METRIC_NAMES = {"F1Score": "F1 score", "FBetaScore": "F-beta score", "CHRFScore": "chrF",
                "R2Score": "R2", "RetrievalMAP": "mean average precision",
                "RetrievalMRR": "mean reciprocal rank", "RetrievalNormalizedDCG": "nDCG",
                "RetrievalHitRate": "hit rate", "AUROC": "AUROC", "LogAUC": "LogAUC",
                "MultiScaleStructuralSimilarityIndexMeasure": "MS-SSIM",
                "PeakSignalNoiseRatio": "peak signal-to-noise ratio"}
METRIC_ALIASES = {"F1 score": ["F1", "F1-score", "F1 Score"], "AUROC": ["AUC-ROC", "ROC-AUC", "AUC"],
                  "mean average precision": ["mAP"], "mean reciprocal rank": ["MRR"],
                  "nDCG": ["NDCG"], "chrF": ["chrF++"], "R2": ["R^2"], "SacreBLEU": ["sacreBLEU"],
                  "MS-SSIM": ["MS SSIM"], "word error rate": ["WER"],
                  "cohen kappa": ["Cohen's kappa"], "fleiss kappa": ["Fleiss' kappa"]}


def _class_docstrings(wheel: Path) -> dict[str, str]:
    docs: dict[str, str] = {}
    with zipfile.ZipFile(wheel) as z:
        for member in z.namelist():
            if member.endswith(".py") and "/functional/" not in member:
                for node in ast.parse(z.read(member)).body:
                    if isinstance(node, ast.ClassDef):
                        docs.setdefault(node.name, (ast.get_docstring(node) or "").split("\n\n")[0])
    return docs


def _abbreviates(acronym: str, name: str) -> bool:
    """ "SI-SDR" abbreviates "scale invariant signal-to-distortion ratio"; "ASR" does not
    abbreviate "character error rate" (a docstring's parenthetical can name something else)."""
    letters = [c.lower() for c in acronym if c.isupper()]
    initials = iter(w[0].lower() for w in re.split(r"[\s-]+", name) if w)
    return len(letters) >= 2 and all(any(c == i for i in initials) for c in letters)


def torchmetrics_metrics(wheel: Path, version: str) -> Iterator[Entry]:
    """torchmetrics.__all__ metric classes as natural names, with the docstring's acronym."""
    src = read_text(wheel, "torchmetrics/__init__.py")
    docs = _class_docstrings(wheel)
    source = f"torchmetrics {version} torchmetrics/__init__.py __all__"
    for cls in ast.literal_eval(module_assignment(src, "__all__")):
        if METRIC_SKIP.search(cls):
            continue
        name = METRIC_NAMES.get(cls)
        if name is None:
            lead = re.match(r"([A-Z]{2,})(?=[A-Z][a-z]|$)", cls)  # "BLEUScore" → "BLEU"
            if lead and cls.removeprefix(lead.group(1)) in ("", "Score"):
                name = lead.group(1)
            elif cls.startswith("SacreBLEU"):
                name = "SacreBLEU"
            else:
                words = re.findall(r"[A-Z][a-z]*|\d+", cls.removeprefix("Retrieval"))
                name = " ".join(METRIC_WORDS.get(w, w.lower()) for w in words)
                name = name.replace("signal noise", "signal-to-noise").replace("signal distortion",
                                                                               "signal-to-distortion")
        aliases = list(METRIC_ALIASES.get(name, []))
        # "(MSE)", "(`CER`_)", "(SSIM_)", "(SI-SDR)": the acronym torchmetrics documents.
        for acr in re.findall(r"\(`?([A-Z][A-Za-z0-9-]*[A-Z0-9])`?_?\)", docs.get(cls, "")):
            if acr != name and _abbreviates(acr, name):
                aliases.append(acr)
        yield Entry(name, "Metric", source, aliases)


# ---------------------------------------------------------------- assembling

def read_curated(path: Path) -> list[Entry]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            entries.append(Entry(d["name"], d["type"], d["source"], list(d.get("aliases", []))))
    return entries


def clean(entries: Iterable[Entry], taken: dict[str, str], logprob: dict[str, float],
          dropped: list[str]) -> list[Entry]:
    """Drop ordinary-word surfaces and surfaces another entry already owns; merge same names."""
    by_name: dict[tuple[str, str], Entry] = {}
    for e in entries:
        keep = [s for s in dict.fromkeys(e.surfaces())
                if len(s) >= 2 and s not in AMBIGUOUS and not is_ordinary(s, logprob)
                and taken.get(s, e.name) == e.name]
        dropped += [f"{s} ({e.type})" for s in e.surfaces() if s not in keep]
        if not keep:
            continue
        entry = by_name.setdefault((keep[0], e.type), Entry(keep[0], e.type, e.source))
        entry.aliases += keep[1:]
        for s in keep:
            taken.setdefault(s, keep[0])
    return list(by_name.values())


def write_jsonl(path: Path, entries: list[Entry]) -> None:
    lines = [json.dumps(e.as_json(), ensure_ascii=False) for e in sorted(entries, key=lambda e: e.name.lower())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path("/tmp/lexsrc"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    wheels = download(args.src)
    logprob = load_word_logprobs(wheels["spacy-lookups-data"])
    curated = read_curated(args.out / "curated.jsonl")
    taken = {s: e.name for e in curated for s in e.surfaces()}
    builders = [
        ("datasets_torchvision.jsonl", torchvision_datasets, "torchvision"),
        ("datasets_lm_eval.jsonl", lm_eval_tasks, "lm_eval"),
        ("metrics_torchmetrics.jsonl", torchmetrics_metrics, "torchmetrics"),
        ("methods_transformers.jsonl", transformers_models, "transformers"),
        ("methods_timm.jsonl", timm_models, "timm"),
        ("tasks_transformers.jsonl", transformers_tasks, "transformers"),
    ]
    dropped: list[str] = []
    for filename, build, pkg in builders:
        entries = clean(build(wheels[pkg], PINS[pkg]), taken, logprob, dropped)
        write_jsonl(args.out / filename, entries)
        print(f"{filename}: {len(entries)} entries")
    print(f"dropped (ordinary words or owned by an earlier entry): {', '.join(dropped)}")
    write_common_words(args.out.parent / "common_words.txt", logprob)


def write_common_words(path: Path, logprob: dict[str, float]) -> None:
    """Ordinary English words, for kg/extract/names.py: a capitalised "Transfusion" in
    mid-sentence is a name unless it is also an ordinary word."""
    words = sorted(w for w, p in logprob.items() if p > COMMON_WORD_LOGPROB and w.isalpha() and w.islower())
    path.write_text("# spacy-lookups-data %s en_lexeme_prob, log-probability > %s (scripts/build_lexicons.py)\n"
                    % (PINS["spacy-lookups-data"], COMMON_WORD_LOGPROB) + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(words)} words")


if __name__ == "__main__":
    main()
