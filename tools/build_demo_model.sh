#!/usr/bin/env bash
# Builds the embedded demo model package (models/demo-facts) from nothing but the repository and
# its node_modules, in one command, so that the shipped files, their RESULTS.md and MODEL_CARD.md
# can be rebuilt and checked by anyone (issue 4). Each stage can also be run on its own, because
# the stages take from seconds (data) to an hour (train, generate) on a 2-core machine.
#
# Stages, in order:
#   data       node tools/build_demo_corpus.mjs + tools/build_demo_data.py (committed, deterministic)
#   train      tools/train_demo_model.py -> HF checkpoint (skipped with --hf DIR)
#   knowledge  tools/demo/check_knowledge.py: greedy accuracy by exposure bucket (PyTorch) -> OUT/knowledge.json
#   export     tools/export_onnx.py -> OUT (no heads); a copy of its manifest and card is kept in WORK
#   generate   elical generate for train / test_in / test_ood -> OUT/data/*.jsonl (20 samples each)
#   heads      elical train --add-to-package: Eli-Only, Cal-Only(k), EliCal(k), linear and mlp
#   eval       elical eval -> OUT/RESULTS.json, OUT/RESULTS.tables.md, OUT/plots/*.svg
#   results    tools/demo/write_results.mjs -> OUT/RESULTS.md; tools/demo/finalize_package.mjs ->
#              OUT/MODEL_CARD.md, defaultHead, head metrics, manifest inventory
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

STAGES=(data train knowledge export generate heads eval results)
PY=/usr/bin/python3
ELICAL=(node "$ROOT/bin/elical.js")

usage() {
  cat <<'EOF'
usage: tools/build_demo_model.sh [--out DIR] [--hf DIR] [--from STAGE] [--to STAGE] [--quick]
         [--limit N] [--samples N] [--jobs N] [--threads N] [--budgets LIST] [--kinds LIST]
         [--seed S] [--lr X] [--batch-size N] [--bootstrap N] [--work DIR]

Stages: data train knowledge export generate heads eval results (default: all of them).
  --out DIR        the package folder (default models/demo-facts)
  --hf DIR         reuse this trained Hugging Face checkpoint: the train stage is skipped
                   (default: train into .tmp/demo-facts-hf)
  --from / --to    first / last stage to run
  --quick          smoke run: --limit 150 --budgets 100,all --bootstrap 20 (minutes, not hours)
  --limit N        questions per split (0 = all; default 0)
  --samples N      sampled answers per question (default 20, the paper's)
  --jobs N         generation processes (default 2), each answering a contiguous range of
                   questions; the output is identical to one process (sample seeds follow the
                   question's index). 2 x 1 thread answered twice as many questions per second
                   as 1 x 2 threads on the 2-core build machine.
  --threads N      ONNX Runtime threads per process (default 2 / jobs, at least 1)
  --budgets LIST   Cal-Only / EliCal label budgets (default 100,200,500,1000,2000,all)
  --kinds LIST     head kinds (default linear,mlp)
  --seed S         head subsets, validation split, initialisation (default 42; generation uses 0)
  --lr X           head learning rate, every family (default 1e-3)
  --batch-size N   head batch size, every family (default 32)
  --bootstrap N    AUROC bootstrap resamples (default 200)
  --work DIR       intermediate files (default .tmp/build_demo/<name of OUT>)
EOF
}

OUT=models/demo-facts
HF=.tmp/demo-facts-hf
HF_GIVEN=0
FROM=data
TO=results
LIMIT=0
SAMPLES=20
JOBS=2
THREADS=0
BUDGETS=100,200,500,1000,2000,all
KINDS=linear,mlp
SEED=42
GEN_SEED=0
LR=1e-3
BATCH=32
BOOTSTRAP=200
WORK=""

need_value() { [[ $# -ge 2 && -n "$2" ]] || { echo "build_demo_model: $1 needs a value" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) need_value "$@"; OUT=$2; shift 2 ;;
    --hf) need_value "$@"; HF=$2; HF_GIVEN=1; shift 2 ;;
    --from) need_value "$@"; FROM=$2; shift 2 ;;
    --to) need_value "$@"; TO=$2; shift 2 ;;
    --quick) LIMIT=150; BUDGETS=100,all; BOOTSTRAP=20; shift ;;
    --limit) need_value "$@"; LIMIT=$2; shift 2 ;;
    --samples) need_value "$@"; SAMPLES=$2; shift 2 ;;
    --jobs) need_value "$@"; JOBS=$2; shift 2 ;;
    --threads) need_value "$@"; THREADS=$2; shift 2 ;;
    --budgets) need_value "$@"; BUDGETS=$2; shift 2 ;;
    --kinds) need_value "$@"; KINDS=$2; shift 2 ;;
    --seed) need_value "$@"; SEED=$2; shift 2 ;;
    --lr) need_value "$@"; LR=$2; shift 2 ;;
    --batch-size) need_value "$@"; BATCH=$2; shift 2 ;;
    --bootstrap) need_value "$@"; BOOTSTRAP=$2; shift 2 ;;
    --work) need_value "$@"; WORK=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build_demo_model: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

stage_index() {
  local i
  for i in "${!STAGES[@]}"; do [[ "${STAGES[$i]}" == "$1" ]] && { echo "$i"; return; }; done
  echo "build_demo_model: unknown stage $1 (stages: ${STAGES[*]})" >&2
  exit 2
}
for pair in LIMIT:limit SAMPLES:samples JOBS:jobs THREADS:threads SEED:seed BATCH:batch-size BOOTSTRAP:bootstrap; do
  n=${pair%%:*}
  [[ "${!n}" =~ ^[0-9]+$ ]] || { echo "build_demo_model: --${pair#*:} must be a whole number, got ${!n}" >&2; exit 2; }
done
[[ "$JOBS" -ge 1 ]] || { echo "build_demo_model: --jobs must be at least 1" >&2; exit 2; }
FROM_I=$(stage_index "$FROM")
TO_I=$(stage_index "$TO")
[[ "$FROM_I" -le "$TO_I" ]] || { echo "build_demo_model: --from $FROM comes after --to $TO" >&2; exit 2; }
[[ "$THREADS" -ge 1 ]] || THREADS=$(( 2 / JOBS > 0 ? 2 / JOBS : 1 ))
[[ -n "$WORK" ]] || WORK=".tmp/build_demo/$(basename "$OUT")"
mkdir -p "$WORK" "$WORK/cache"
# The exact command, recorded in RESULTS.md and the model card.
COMMAND="tools/build_demo_model.sh --out $OUT"
if [[ "$HF_GIVEN" == 1 ]]; then COMMAND+=" --hf $HF"; fi
if [[ "$LIMIT" != 0 ]]; then COMMAND+=" --limit $LIMIT"; fi
COMMAND+=" --samples $SAMPLES --budgets $BUDGETS --kinds $KINDS --seed $SEED --lr $LR --batch-size $BATCH --bootstrap $BOOTSTRAP"
SPLITS=(train test_in test_ood)

runs() { local i; i=$(stage_index "$1"); [[ "$i" -ge "$FROM_I" && "$i" -le "$TO_I" ]]; }
say() { echo "== build_demo_model [$(date +%H:%M:%S)] $*" >&2; }
# Runs a command with its stderr in a log file; on failure shows the log's end and stops.
logged() {
  local log=$1
  shift
  if ! "$@" 2> "$log"; then
    echo "build_demo_model: failed: $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

# The question files a run answers: the committed splits, or their first LIMIT lines.
questions_file() {
  local split=$1
  if [[ "$LIMIT" == 0 ]]; then echo "tools/demo/questions/$split.jsonl"; return; fi
  mkdir -p "$WORK/questions"
  head -n "$LIMIT" "tools/demo/questions/$split.jsonl" > "$WORK/questions/$split.jsonl"
  echo "$WORK/questions/$split.jsonl"
}

if runs data; then
  say "data: corpus and question splits"
  node tools/build_demo_corpus.mjs
  "$PY" tools/build_demo_data.py
fi

if runs train; then
  if [[ "$HF_GIVEN" == 1 ]]; then
    say "train: skipped, reusing $HF"
  else
    say "train: tools/train_demo_model.py -> $HF (log: $WORK/train.log)"
    "$PY" tools/train_demo_model.py --out "$HF" > "$WORK/train.log" 2>&1
  fi
fi
[[ "$FROM_I" -gt "$(stage_index export)" || -f "$HF/config.json" ]] || { echo "build_demo_model: $HF has no trained model (config.json); train it or pass --hf DIR" >&2; exit 1; }

if runs knowledge; then
  say "knowledge: greedy accuracy by exposure bucket -> $WORK/knowledge.json"
  "$PY" tools/demo/check_knowledge.py --model "$HF" --limit "$LIMIT" --json "$WORK/knowledge.json"
fi

if runs export; then
  say "export: $HF -> $OUT (no heads)"
  "$PY" tools/export_onnx.py --model "$HF" --out "$OUT"
  # The heads stage starts from these, so it can be rerun without a new export.
  mkdir -p "$WORK/export"
  cp "$OUT/manifest.json" "$OUT/MODEL_CARD.md" "$WORK/export/"
fi

if runs generate; then
  mkdir -p "$OUT/data"
  : > "$WORK/generate-timing.txt"
  for split in "${SPLITS[@]}"; do
    input=$(questions_file "$split")
    total=$(grep -c . "$input")
    say "generate: $split ($total questions, $SAMPLES samples, $JOBS job(s) x $THREADS thread(s))"
    started=$(date +%s)
    if [[ "$JOBS" == 1 ]]; then
      logged "$WORK/generate-$split.log" "${ELICAL[@]}" generate --model "$OUT" --in "$input" --out "$OUT/data/$split.jsonl" --samples "$SAMPLES" --seed "$GEN_SEED" --threads "$THREADS"
    else
      # Contiguous ranges; a range starting at question s uses base seed GEN_SEED + s * SAMPLES,
      # so each question's sample seeds equal those of a single-process run (generate --help).
      mkdir -p "$WORK/parts"
      per=$(( (total + JOBS - 1) / JOBS ))
      pids=()
      for (( j = 0; j < JOBS; j++ )); do
        start=$(( j * per ))
        [[ "$start" -lt "$total" ]] || break
        # awk reads the whole file (a `head` that stops early would SIGPIPE its writer under pipefail).
        awk -v first="$start" -v last="$(( start + per ))" 'NF { i++; if (i > first && i <= last) print }' "$input" > "$WORK/parts/$split.$j.in.jsonl"
        "${ELICAL[@]}" generate --model "$OUT" --in "$WORK/parts/$split.$j.in.jsonl" --out "$WORK/parts/$split.$j.jsonl" \
          --samples "$SAMPLES" --seed "$(( GEN_SEED + start * SAMPLES ))" --threads "$THREADS" 2> "$WORK/generate-$split.$j.log" &
        pids+=($!)
      done
      for pid in "${pids[@]}"; do wait "$pid"; done
      tmp="$OUT/data/$split.jsonl.partial"
      : > "$tmp"
      for (( j = 0; j < ${#pids[@]}; j++ )); do cat "$WORK/parts/$split.$j.jsonl" >> "$tmp"; done
      mv "$tmp" "$OUT/data/$split.jsonl"
      rm -f "$WORK/parts/$split".*
    fi
    seconds=$(( $(date +%s) - started ))
    say "generate: $split done in ${seconds} s ($(awk -v n="$total" -v s="$seconds" 'BEGIN { printf "%.2f", n / (s > 0 ? s : 1) }') questions/s)"
    echo "$split $total $seconds" >> "$WORK/generate-timing.txt"
  done
fi

HEAD_ARGS=(--cache "$WORK/cache" --lr "$LR" --batch-size "$BATCH" --seed "$SEED" --threads 2)
if runs heads; then
  [[ -f "$WORK/export/manifest.json" ]] || { echo "build_demo_model: $WORK/export has no exporter manifest; run from the export stage" >&2; exit 1; }
  say "heads: resetting $OUT to the exported manifest"
  cp "$WORK/export/manifest.json" "$WORK/export/MODEL_CARD.md" "$OUT/"
  rm -rf "$OUT/heads"
  mkdir -p "$OUT/heads"
  pool=$(grep -c . "$OUT/data/train.jsonl")
  IFS=, read -r -a kinds <<< "$KINDS"
  IFS=, read -r -a budgets <<< "$BUDGETS"
  for kind in "${kinds[@]}"; do
    say "heads: eli-only $kind (all $pool records, consistency)"
    logged "$WORK/heads-eli-only-$kind.log" "${ELICAL[@]}" train --model "$OUT" --train "$OUT/data/train.jsonl" --family eli-only --kind "$kind" \
      --out "$OUT/heads/eli-only-$kind.safetensors" --add-to-package "${HEAD_ARGS[@]}"
    for budget in "${budgets[@]}"; do
      if [[ "$budget" != all && "$budget" -gt "$pool" ]]; then say "heads: budget $budget exceeds the pool ($pool); skipped (eval drops it too)"; continue; fi
      for family in cal-only elical; do
        from=()
        [[ "$family" == elical ]] && from=(--from "eli-only-$kind")
        say "heads: $family $kind budget $budget"
        logged "$WORK/heads-$family-$budget-$kind.log" "${ELICAL[@]}" train --model "$OUT" --train "$OUT/data/train.jsonl" --family "$family" --kind "$kind" \
          --budget "$budget" "${from[@]}" --out "$OUT/heads/$family-$budget-$kind.safetensors" --add-to-package "${HEAD_ARGS[@]}"
      done
    done
  done
fi

if runs eval; then
  say "eval: $OUT -> RESULTS.json, RESULTS.tables.md, plots/"
  EVAL_ARGS=(--model "$OUT" --budgets "$BUDGETS" --kinds "$KINDS" --bootstrap "$BOOTSTRAP" "${HEAD_ARGS[@]}")
  logged "$WORK/eval-json.log" "${ELICAL[@]}" eval "${EVAL_ARGS[@]}" --format json --out "$OUT/RESULTS.json" --plots "$OUT/plots"
  logged "$WORK/eval-md.log" "${ELICAL[@]}" eval "${EVAL_ARGS[@]}" --format md --out "$OUT/RESULTS.tables.md"
fi

if runs results; then
  say "results: RESULTS.md, MODEL_CARD.md, manifest"
  [[ -f "$WORK/knowledge.json" ]] || { echo "build_demo_model: $WORK/knowledge.json is missing; run the knowledge stage" >&2; exit 1; }
  cp "$WORK/knowledge.json" "$OUT/knowledge.json"
  node tools/demo/write_results.mjs --eval "$OUT/RESULTS.json" --knowledge "$OUT/knowledge.json" --package "$OUT" \
    --timing "$WORK/generate-timing.txt" --command "$COMMAND" --lr "$LR" --batch-size "$BATCH" --out "$OUT/RESULTS.md"
  node tools/demo/finalize_package.mjs --package "$OUT" --eval "$OUT/RESULTS.json" --knowledge "$OUT/knowledge.json" \
    --hf "$HF" --command "$COMMAND"
  "${ELICAL[@]}" score --model "$OUT" "What is the capital of Peru?" >&2
  say "package size: $(du -sb "$OUT" | cut -f1) bytes"
fi
say "done ($OUT)"
