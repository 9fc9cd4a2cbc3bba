# Shared by the bench scripts that time the default demo's reader step (sourced, not run).
# Needs: $frugal, $root, $demo (a finished `frugal demo` run), $steps, $work.
# demo_reader THREADS NAME: `qa train` from models/bert on part B's human questions with the
#   default demo's reader flags (lexical-match features, batch 16, 256 tokens, stride 64), stopped
#   after $steps steps; output in $work/NAME, log in $work/NAME.log.
# wall_seconds CMD...: runs CMD, prints its wall seconds.
# median_of N...: the median of its arguments.
# reader_weights NAME: the reader's weights at its last step.
demo_reader() {
  "$frugal" --no-progress --threads "$1" qa train --train "$demo/parts/B.json" --init "$root/models/bert" --epochs 2 \
    --batch-size 16 --lr 1e-3 --seed 1 --no-resume --out "$work/$2" --lexical-match --max-length 256 --stride 64 \
    --stop-after "$steps" > "$work/$2.log" 2>&1 || [ $? = 143 ]  # --stop-after stops as on SIGTERM
}
wall_seconds() { local start; start=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $start" | bc; }
median_of() { printf "%s\n" "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
reader_weights() { printf "%s/%s/checkpoints/step-%09d/model.safetensors" "$work" "$1" "$steps"; }
