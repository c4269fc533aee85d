# shellcheck shell=bash
# TAP output for the shell tests (sourced). The caller sets `work` to its temporary folder first.
#   check DESCRIPTION CMD...   runs CMD; one "ok"/"not ok" line, and on failure CMD's output as
#                              diagnostics (its last 30 lines)
#   tap_done                   the plan and the counts; fails when a check failed
passed=0 failed=0 n=0

check() {
    local what=$1
    shift
    n=$((n + 1))
    if "$@" >"${work:?}/tap-last.out" 2>&1; then
        echo "ok $n - $what"
        passed=$((passed + 1))
    else
        echo "not ok $n - $what"
        sed 's/^/#   /' "$work/tap-last.out" | tail -30
        failed=$((failed + 1))
    fi
}

tap_done() {
    echo "1..$n"
    echo "$passed passed, $failed failed"
    ((failed == 0))
}
