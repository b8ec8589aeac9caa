"""Command line: `PYTHONPATH=training /usr/bin/python3 -m pibinn_train <command> ...`

  train    train one example (stage 1 float, stage 2 per quantizer), print progress, write a
           results JSON and, with --export, the best one-bit model as an example folder
  eval     run a model.json with the PyTorch forward (float64) on inputs, compare with truth
  results  run the sweep behind docs/results.md (or re-render it from its JSON) with plots
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time

import numpy as np
import torch

from .examples import EXAMPLES, FORMS, NetworkOptions
from .experiment import QUANTIZERS, run_experiment
from .export import export_model
from .network import THRESHOLDS


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _train(args) -> int:
    example = EXAMPLES[args.example]
    options = NetworkOptions(layers=_or(args.layers, example.layers), form=args.form, threshold=args.threshold,
                             relax=args.relax, gains=not args.no_gains, learn_weights=not args.alista)
    quantizers = args.quantizers.split(",")
    unknown = [q for q in quantizers if q not in QUANTIZERS]
    if unknown:
        raise SystemExit(f"unknown quantizers {unknown}; expected some of {list(QUANTIZERS)}")
    binary = [q for q in quantizers if QUANTIZERS[q][0] == "binary"]
    if args.export and not binary:
        raise SystemExit("--export needs a binary quantizer (binary-lazy or binary-l1)")
    results, nets, problem = run_experiment(
        example, options, args.seed, _or(args.train_size, example.train_size), _or(args.epochs_float, example.epochs_float),
        _or(args.epochs_binary, example.epochs_binary), quantizers, args.scale, args.l1_weight, args.lr_float, args.lr_binary,
        log=_log, data_root=args.data)
    results["command"] = _command_line(args.argv)
    for name, variant in results["variants"].items():
        _log(f"{name:12s} test {example.metric} {variant['test']:.2f} dB")
    if args.results:
        with open(args.results, "w") as f:
            json.dump(results, f, indent=1)
    if args.export:
        best = max(binary, key=lambda q: results["variants"][q]["val"])
        write_example(args.export, example, nets[best], problem, results, best, args.test_samples)
        _log(f"exported {best} to {args.export}")
    return 0


def _or(value, default):
    return default if value is None else value


def _command_line(argv) -> str:
    return "PYTHONPATH=training /usr/bin/python3 -m pibinn_train " + " ".join(shlex.quote(a) for a in argv)


def write_example(directory: str, example, net, problem, results: dict, variant: str, samples: int) -> None:
    """model.json (+ .npy payloads), test inputs and truth, the torch outputs, and a README."""
    os.makedirs(directory, exist_ok=True)
    metrics = {name: round(v["test"], 3) for name, v in results["variants"].items()}
    recipe = {k: results[k] for k in ("options", "seed", "data", "train_size", "epochs_float", "epochs_binary", "lr_float", "lr_binary",
                                      "scale_mode", "l1_weight")}
    metadata = {"example": example.name, "title": example.title, "command": results["command"], "variant": variant,
                "recipe": recipe, "metric": example.metric, "test_metrics_db": metrics}
    net.spec.description = example.description
    export_model(net, directory, metadata=metadata)
    test = problem.data.test
    with torch.no_grad():  # torch_outputs: what the float32 PyTorch forward gives; a compiled build must agree
        arrays = {"inputs": test.y[:samples].numpy().astype(np.float32), "truth": test.x[:samples].numpy().astype(np.float64),
                  "torch_outputs": net(test.y[:samples]).numpy().astype(np.float32)}
    for name, array in arrays.items():  # C order: some forwards return transposed views
        np.save(os.path.join(directory, f"{name}.npy"), np.ascontiguousarray(array))
    with open(os.path.join(directory, "README.md"), "w") as f:
        f.write(render_readme(example, results, variant, samples, directory))


def render_readme(example, results: dict, variant: str, samples: int, directory: str) -> str:
    unit = "NMSE (dB, lower is better)" if example.metric == "nmse" else "PSNR (dB, higher is better)"
    rows = "\n".join(
        f"| {name} | {v['test']:.2f} | {v['bits_per_weight']:.4f} | {v['bytes']} |" if "bytes" in v else f"| {name} | {v['test']:.2f} | | |"
        for name, v in results["variants"].items())
    files = sorted(f for f in os.listdir(directory) if f.endswith(".bits.npy"))
    return f"""# {example.title}

{example.description}

Trained by the PyTorch package in `training/` (see `docs/training.md`), exported as `model.json`
(format v1, one-bit signs with one global scale{', per-matrix gains' if results['options']['gains'] else ''}).
The exported variant is **{variant}** (best on the validation set).

Exact command (from the repository root):

    {results['command']}

Network: {results['options']['form']} form, K = {results['options']['layers']} layers, {results['options']['threshold']}
thresholds, seed {results['seed']}, {results['train_size']} training samples, {results['epochs_float']} float +
{results['epochs_binary']} one-bit epochs (Adam, peak learning rates {results['lr_float']} / {results['lr_binary']}), lambda
{results['scale_mode']}; training took {results['seconds']} s on one core.

Test metrics on 1000 held-out samples, {unit}; `init` is the untrained ISTA initialisation,
storage as defined in `docs/results.md`:

| variant | test | stored bits / weight | bytes |
|---|---|---|---|
{rows}

Files: `model.json`{''.join(', `' + f + '`' for f in files)}{' (external sign payloads)' if files else ''},
`inputs.npy` ({samples} test inputs, float32, one per row), `truth.npy` (their ground truth, float64),
`torch_outputs.npy` (the float32 PyTorch forward of this exact model on `inputs.npy`).

Check with the reference evaluator (after `npm run build`): the first command must
agree with PyTorch to 1e-5; the second prints the NMSE against the ground truth.

    node dist/cli/bin.js run {directory}/model.json --input {directory}/inputs.npy --expected {directory}/torch_outputs.npy --tolerance 1e-5
    node dist/cli/bin.js run {directory}/model.json --input {directory}/inputs.npy --expected {directory}/truth.npy --tolerance 1
"""


def _eval(args) -> int:
    from .model_io import load_model
    from .train import nmse_db

    net = load_model(args.model)
    y = torch.as_tensor(np.load(args.inputs), dtype=torch.float64)
    with torch.no_grad():
        out = net(y.reshape(-1, net.spec.input_size))
    if args.output:
        np.save(args.output, out.numpy())
    if args.truth:
        truth = torch.as_tensor(np.load(args.truth), dtype=torch.float64).reshape(out.shape)
        mse = float(((out - truth) ** 2).mean())
        print(f"NMSE {nmse_db(out, truth):.2f} dB, PSNR (peak 1) {10 * np.log10(1 / mse):.2f} dB over {out.shape[0]} inputs")
    return 0


def _results(args) -> int:
    from .results import render, run_sweep

    if not args.render_only:
        run_sweep(args.out, args.examples.split(","), quick=args.quick, log=_log)
    render(args.out)
    return 0


def main(argv=None) -> int:
    torch.set_num_threads(1)  # shared machines: one core per training process
    parser = argparse.ArgumentParser(prog="pibinn_train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train one example")
    train.add_argument("example", choices=sorted(EXAMPLES))
    train.add_argument("--layers", type=int, help="K (default: the example's)")
    train.add_argument("--form", choices=FORMS, default="residual")
    train.add_argument("--threshold", choices=THRESHOLDS, default="soft")
    train.add_argument("--relax", type=float, default=1.0)
    train.add_argument("--no-gains", action="store_true", help="no per-matrix gains (one global scale only)")
    train.add_argument("--alista", action="store_true", help="residual form with W_k = A^T signs; learn only gains and thresholds")
    train.add_argument("--scale", choices=("learned", "closed"), default="learned", help="lambda (and gains) learned or mean |W|")
    train.add_argument("--quantizers", default="binary-lazy,binary-l1", help=f"comma-separated, of {','.join(QUANTIZERS)}")
    train.add_argument("--l1-weight", type=float, default=1e-2, help="final weight of the l1 pull (binary-l1)")
    train.add_argument("--lr-float", type=float, default=3e-3, help="stage-1 peak learning rate (Adam, one-cycle)")
    train.add_argument("--lr-binary", type=float, default=1e-3, help="stage-2 peak learning rate")
    train.add_argument("--epochs-float", type=int)
    train.add_argument("--epochs-binary", type=int)
    train.add_argument("--train-size", type=int)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--data", metavar="DIR", help="real data set: a BSD500 folder (image-patches) or EEGdenoiseNet's .npy files (eeg-artifacts)")
    train.add_argument("--results", help="write the results JSON here")
    train.add_argument("--export", metavar="DIR", help="write the best one-bit model and test data as an example folder")
    train.add_argument("--test-samples", type=int, default=16)
    train.set_defaults(run=_train)

    evaluate = commands.add_parser("eval", help="PyTorch forward (float64) of a model.json")
    evaluate.add_argument("model")
    evaluate.add_argument("--inputs", required=True)
    evaluate.add_argument("--truth")
    evaluate.add_argument("--output")
    evaluate.set_defaults(run=_eval)

    results = commands.add_parser("results", help="run the sweep and write docs/results.md with plots")
    results.add_argument("--out", default="docs")
    results.add_argument("--examples", default=",".join(EXAMPLES))
    results.add_argument("--quick", action="store_true", help="tiny budgets (a smoke test of the pipeline)")
    results.add_argument("--render-only", action="store_true", help="re-render from <out>/results.json")
    results.set_defaults(run=_results)

    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    args.argv = argv
    return args.run(args)
