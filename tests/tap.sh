# shellcheck shell=bash
# tap.sh: TAP output for the shell tests (sourced). ctest reads only the exit status, so a test ends
# with `tap_done`, which fails when any check failed. The caller sets `work` to its temporary folder
# before the first check (netns_lib.sh, which sources this file, makes one).
#
#   check DESCRIPTION CMD...   runs CMD; one "ok"/"not ok" line, and on failure CMD's output as
#                              diagnostics (its last $tap_tail lines: 30 unless the test sets it)
#   must DESCRIPTION CMD...    a check the rest of the test needs: on failure "Bail out!", exit 1
#   ok DESC, not_ok DESC       a result without a command (DESC may end in "# SKIP reason")
#   diag TEXT                  TEXT as "#   " lines (lines that start with "#" as they are)
#   skip REASON                the whole test is skipped: "1..0 # SKIP REASON", exit 77
#   tap_logs+=(FILE...)        files whose last 30 lines tap_done shows when a check failed
#   tap_done                   the plan and the counts; fails when a check failed
# VERBOSE=1 shows every check's output, not only a failed one's.
passed=0 failed=0 n=0
tap_logs=()
tap_tail=30

ok() {
    n=$((n + 1)) passed=$((passed + 1))
    echo "ok $n - $*"
}

not_ok() {
    n=$((n + 1)) failed=$((failed + 1))
    echo "not ok $n - $*"
}

diag() { as_diag <<<"$*"; }
as_diag() { sed '/^#/!s/^/#   /'; } # stdin as diagnostics; lines that are already pass as they are

check() {
    local what=$1
    shift
    if "$@" >"${work:?}/tap-last.out" 2>&1; then
        ok "$what"
        [[ ${VERBOSE:-0} == 1 ]] && as_diag <"$work/tap-last.out"
    else
        not_ok "$what"
        as_diag <"$work/tap-last.out" | tail -n "$tap_tail"
    fi
    return 0 # the result is in the counts (callers may run under set -e)
}

must() {
    local before=$failed
    check "$@"
    if ((failed > before)); then
        echo "Bail out! $1"
        tap_done
        exit 1
    fi
}

skip() {
    echo "1..0 # SKIP $*"
    exit 77
}

tap_done() {
    local log
    echo "1..$n"
    echo "$passed passed, $failed failed"
    ((failed == 0)) && return 0
    for log in "${tap_logs[@]}"; do
        [[ -s $log ]] || continue
        echo "# last lines of ${log##*/}:"
        tail -n 30 "$log" | as_diag
    done
    return 1
}
