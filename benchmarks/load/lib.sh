# Shared by the load scripts (sourced): wrk with one thread and 50 connections, 127.0.0.1 only, a fixed
# duration (DURATION, default 10 s) after a 5 s warm-up; modes interleaved over ROUNDS rounds (default 3).

ensure_wrk() {
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
}

# measure URL OUT [PID]: warm up, then write the measured run's report (with latency percentiles) to OUT.
# With the server's PID, also the server's CPU time per request of the measured run, in microseconds, to
# OUT.cpu (user + system time from /proc, so it does not depend on how much CPU the machine gave it).
measure() {
  wrk -t1 -c50 -d5s "$1" >/dev/null
  local before=""
  [ -n "${3:-}" ] && before=$(cpu_ticks "$3")
  wrk -t1 -c50 -d"${DURATION:-10s}" --latency "$1" > "$2"
  if [ -n "$before" ]; then
    local after requests
    after=$(cpu_ticks "$3")
    requests=$(awk '/requests in/ {print $1}' "$2")
    awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.2f\n", t / hz * 1e6 / n }' > "$2.cpu"
  fi
}

# cpu_ticks PID: user + system clock ticks the process (and its waited-for children) used so far.
cpu_ticks() {
  awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"
}

# summary FILE: "req/s p50 p99 non-2xx" of a wrk report.
summary() {
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF} END {print rps, p50, p99, bad+0}' "$1"
}

# median FILE: the median of the numbers in FILE, one per line.
median() {
  sort -n "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

# interleave TMP MODES...: ROUNDS rounds of `run MODE OUT` (defined by the script) for every mode in turn,
# each result printed; the req/s of each mode collected in TMP/MODE.rps for median, and the server CPU per
# request (when `run` measured it) in TMP/MODE.cpus.
interleave() {
  local tmp=$1 round mode rps p50 p99 bad
  shift
  printf '%-34s %12s %10s %10s %8s\n' scenario req/s p50 p99 non-2xx
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for mode in "$@"; do
      run "$mode" "$tmp/$mode-$round"
      read -r rps p50 p99 bad <<<"$(summary "$tmp/$mode-$round")"
      printf '%-34s %12s %10s %10s %8s\n' "$mode (round $round)" "$rps" "$p50" "$p99" "$bad"
      echo "$rps" >> "$tmp/$mode.rps"
      if [ -f "$tmp/$mode-$round.cpu" ]; then cat "$tmp/$mode-$round.cpu" >> "$tmp/$mode.cpus"; fi
    done
  done
}

# start_target DLL MODE PORT OUT [ARGS...]: starts a load target (benchmarks/Watt.Embedded.LoadTargets) in the
# background, its output in OUT.server, and waits until it printed READY; its pid is in TARGET_PID.
start_target() {
  local dll=$1 mode=$2 port=$3 out=$4
  shift 4
  dotnet "$dll" "$mode" "$port" "$@" > "$out.server" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 100); do grep -q READY "$out.server" 2>/dev/null && break; sleep 0.1; done
}

# stop_target: stops the target start_target started.
stop_target() {
  kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true
}
