#!/usr/bin/env bash
# Fuzzing campaign: runs every reader fuzz test in Jazzer's fuzzing mode for 1,000,000
# executions each (the maxExecutions of its @FuzzTest), starting from the committed seed corpora
# only, and writes the figures libFuzzer prints into verification-reports/fuzzing.md.
#
#   bash src/test/fuzz/campaign.sh            # all fuzz tests
#   bash src/test/fuzz/campaign.sh GgufFuzzTest#read   # some of them
#
# A finding makes Jazzer write the input as crash-<sha1> into the test's Inputs folder (so that
# mvn verify replays it from then on) and fail that test; the script notes it and goes on.
# It is CPU-heavy (about 15 minutes on 2 cores): run it alone.
set -uo pipefail
cd "$(dirname "$0")/../../.."
ALL=(q35.model.Llama2cModelFuzzTest#read q35.model.Llama2cTokenizerFuzzTest#read
  q35.model.GgufFuzzTest#read q35.model.SafetensorsFuzzTest#read
  q35.container.ContainerFuzzTest#read q35.container.ContainerFuzzTest#readWithChecksumsFixed
  q35.conformance.VectorFileFuzzTest#run)
if [ $# -gt 0 ]; then
  TESTS=()
  for a in "$@"; do for t in "${ALL[@]}"; do [[ $t == *"$a" ]] && TESTS+=("$t"); done; done
else
  TESTS=("${ALL[@]}")
fi
LOGS=target/fuzz-logs
mkdir -p "$LOGS"
mvn -o -q -Dkey.skip=true -Dpit.skip=true -Dindex.skip=true test-compile || exit 1
ROWS=()
for t in "${TESTS[@]}"; do
  cls=${t%#*}; method=${t#*#}
  inputs="src/test/resources/$(echo "${cls%.*}" | tr . /)/${cls##*.}Inputs/$method"
  before=$(ls "$inputs" | sort)
  rm -rf ".cifuzz-corpus/$cls/$method"
  log="$LOGS/${cls##*.}-$method.log"
  start=$(date +%s)
  JAZZER_FUZZ=1 mvn -o -Dkey.skip=true -Dpit.skip=true -Dindex.skip=true \
    -Dtest="${cls##*.}#$method" -Dsurefire.failIfNoSpecifiedTests=false test >"$log" 2>&1
  status=$?
  wall=$(( $(date +%s) - start ))
  done_line=$(grep -a -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  runs_line=$(grep -a -E '^Done [0-9]+ runs in' "$log" | tail -1)
  execs=$(echo "$runs_line" | awk '{print $2}')
  secs=$(echo "$runs_line" | awk '{print $5}')
  cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$done_line" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
  rate=$(echo "$done_line" | sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p')
  new=$(comm -13 <(echo "$before") <(ls "$inputs" | sort) | tr '\n' ' ')
  if [ $status -eq 0 ] && [ -n "$execs" ]; then findings="0"; else findings="FAILED (exit $status) ${new:-see $log}"; fi
  ROWS+=("| \`${cls##*.}#$method\` | ${execs:-?} | ${secs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $findings |")
  echo "${ROWS[-1]}"
done
{
  echo "# Fuzzing campaign"
  echo
  echo "Written by \`bash src/test/fuzz/campaign.sh\`"
  echo "on $(date -u +%Y-%m-%d), commit \`$(git rev-parse --short HEAD)\`, $(java -version 2>&1 | head -1),"
  echo "Jazzer 0.24.0 (libFuzzer), $(nproc) cores shared with other jobs (rates are noisy)."
  echo "Each fuzz test starts from its committed seed corpus only and stops at 1,000,000 executions."
  echo
  echo "What each input must do (\`ReaderFuzzing.check\`, spec/readers.md section 4): return, or throw"
  echo "the reader's documented exception with a message; nothing else (no other exception, no"
  echo "Error), and allocate at most 16 MiB + 64 bytes per input byte on the heap."
  echo
  echo "Columns: executions and seconds from libFuzzer's \`Done N runs in S second(s)\`; exec/s,"
  echo "cov (coverage counters hit: instrumented edges), ft (features) and corpus (inputs/bytes) from"
  echo "its final \`DONE\` line; findings: inputs that broke the contract (each becomes a regression input)."
  echo
  echo "| fuzz test | executions | seconds | exec/s | cov | ft | corpus | findings |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo
  echo "Logs: \`target/fuzz-logs/\` of the run."
} > verification-reports/fuzzing.md.new
if [ $# -gt 0 ] && [ -f verification-reports/fuzzing.md ]; then
  echo "(partial run: figures in verification-reports/fuzzing.md.new, merge by hand)"
else
  mv verification-reports/fuzzing.md.new verification-reports/fuzzing.md
fi
