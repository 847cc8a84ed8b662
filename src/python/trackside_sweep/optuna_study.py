"""Keeps a sweep's Optuna study and answers its queue, one JSON object per line.

    python optuna_study.py --storage DIR/optuna.db --study NAME --space SPACE_JSON
        [--goal minimize|maximize] [--seed N] [--prune-min-steps N --prune-min-trials N]

The study lives in Optuna's own SQLite storage in the sweep's folder, so a sweep started
again (after a window reload) resumes it. The first line out is {"ready": ...}; then each
request line {"id": N, "op": ...} gets one answer line {"id": N, ...} or {"id": N, "error": ...}.

  ask                               a trial suggested by the TPE sampler: {"number", "params"}
  ask_fixed  params                 a trial with the given params (grid, random): {"number"}
  report     number step value      an intermediate value: {"prune": true|false} (median pruner)
  tell       number state [value]   the end of a trial: state complete | pruned | fail
  importance trials                 Optuna's importance evaluator over [{"params", "value"}]

Exit code 3 (after a {"missing": ...} line) when Optuna is not installed for this Python.
"""

import argparse
import json
import math
import sys


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--storage", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--space", required=True, help="JSON: {name: {kind, values | min, max}}")
    parser.add_argument("--goal", default="minimize", choices=["minimize", "maximize"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--prune-min-steps", type=int, default=None)
    parser.add_argument("--prune-min-trials", type=int, default=3)
    args = parser.parse_args(argv)

    try:
        import optuna
    except ImportError:
        emit({"missing": "optuna", "python": sys.executable})
        return 3
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    space = {name: distribution(optuna, spec) for name, spec in json.loads(args.space).items()}
    pruner = (
        optuna.pruners.MedianPruner(n_startup_trials=args.prune_min_trials, n_warmup_steps=args.prune_min_steps)
        if args.prune_min_steps is not None
        else optuna.pruners.NopPruner()
    )
    study = optuna.create_study(
        storage="sqlite:///" + args.storage,
        study_name=args.study,
        direction=args.goal,
        sampler=optuna.samplers.TPESampler(seed=args.seed),
        pruner=pruner,
        load_if_exists=True,
    )
    emit({"ready": True, "optuna": optuna.__version__, "trials": len(study.trials)})
    handler = Handler(optuna, study, space)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = {}
        try:
            request = json.loads(line)
            answer = handler.handle(request)
        except Exception as err:  # one bad request is answered, the study goes on
            answer = {"error": "{}: {}".format(type(err).__name__, err)}
        answer["id"] = request.get("id") if isinstance(request, dict) else None
        emit(answer)
    return 0


def distribution(optuna, spec):
    kind = spec["kind"]
    if kind == "values":
        return optuna.distributions.CategoricalDistribution(spec["values"])
    if kind == "int_uniform":
        return optuna.distributions.IntDistribution(spec["min"], spec["max"])
    return optuna.distributions.FloatDistribution(spec["min"], spec["max"], log=kind == "log_uniform")


class Handler:
    def __init__(self, optuna, study, space):
        self.optuna = optuna
        self.study = study
        self.space = space
        self.trials = {}

    def handle(self, request):
        op = request.get("op")
        if op == "ask":
            trial = self.study.ask(self.space)
            self.trials[trial.number] = trial
            return {"number": trial.number, "params": trial.params}
        if op == "ask_fixed":
            # Enqueued params win over the sampler's; the space stays the sweep's own.
            self.study.enqueue_trial(request["params"])
            trial = self.study.ask(self.space)
            self.trials[trial.number] = trial
            return {"number": trial.number}
        if op == "report":
            trial = self.trial(request["number"])
            trial.report(float(request["value"]), int(request["step"]))
            return {"prune": bool(trial.should_prune())}
        if op == "tell":
            return self.tell(request)
        if op == "importance":
            return {"importance": self.importance(request["trials"])}
        raise ValueError("unknown op {!r}".format(op))

    def trial(self, number):
        """The trial asked for in this process, or one asked before a restart (still running)."""
        trial = self.trials.get(number)
        if trial is None:
            storage = self.study._storage
            trial_id = storage.get_trial_id_from_study_id_trial_number(self.study._study_id, number)
            trial = self.optuna.Trial(self.study, trial_id)
            self.trials[number] = trial
        return trial

    def tell(self, request):
        TrialState = self.optuna.trial.TrialState
        number = request["number"]
        frozen = self.study._storage.get_trial(self.trial(number)._trial_id)
        if frozen.state.is_finished():
            return {"already": frozen.state.name.lower()}
        state = request["state"]
        value = request.get("value")
        if state == "complete" and (value is None or not math.isfinite(value)):
            state = "fail"  # a trial without a finite metric tells the sampler nothing
        if state == "complete":
            self.study.tell(number, float(value))
        elif state == "pruned":
            self.study.tell(number, state=TrialState.PRUNED)
        else:
            self.study.tell(number, state=TrialState.FAIL)
        self.trials.pop(number, None)
        return {"state": state}

    def importance(self, trials):
        optuna = self.optuna
        done = [
            optuna.trial.create_trial(
                params={k: v for k, v in t["params"].items() if k in self.space},
                distributions={k: self.space[k] for k in t["params"] if k in self.space},
                value=float(t["value"]),
            )
            for t in trials
            if t.get("value") is not None and math.isfinite(t["value"])
        ]
        varying = [k for k, d in self.space.items() if not d.single()]
        if len(done) < 2 or not varying:
            raise ValueError("importance needs at least two finished trials and a parameter that varies")
        scratch = optuna.create_study(direction=self.study.direction)
        scratch.add_trials(done)
        return optuna.importance.get_param_importances(
            scratch, params=varying, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)
        )


def emit(obj):
    sys.stdout.write(json.dumps(obj, allow_nan=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
