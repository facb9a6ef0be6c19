/* Many connect/drop cycles in one process: no growth in open descriptors or
 * heap, and a closed client has no timer left that could wake its fd.
 * CHURN_CYCLES (default 300) sets the count; the soak run uses 10,000. */
#include <dirent.h>
#include <malloc.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static void cycles_leak_nothing(void **state)
{
    (void)state;
    int cycles = getenv("CHURN_CYCLES") ? atoi(getenv("CHURN_CYCLES")) : 300;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    transition_log states = {0};
    wait_state open = {c, ZWS_STATE_OPEN}, closed = {c, ZWS_STATE_CLOSED};
    int fds_start = 0;
    size_t heap_start = 0;
    for (int i = 0; i < cycles; i++) {
        if (i == 20) { /* after warm-up: caches and pools are filled */
            fds_start = open_fds();
            heap_start = mallinfo2().uordblks;
        }
        assert_int_equal(zws_client_connect(c), 0);
        assert_true(run_until(c, is_state, &open, 10000));
        zws_client_stop(c);
        assert_true(run_until(c, is_state, &closed, 10000));
    }
    int fds_end = open_fds();
    size_t heap_end = mallinfo2().uordblks;
    print_message("  %d cycles: fds %d -> %d, heap in use %zu -> %zu bytes\n", cycles, fds_start,
                  fds_end, heap_start, heap_end);
    assert_int_equal(fds_end, fds_start);
    assert_true(heap_end <= heap_start + 64 * 1024);
    assert_int_equal(mock_stat(&m, "ws_upgrades"), cycles);
    /* CLOSED means quiet: no timer is left to wake the fd */
    struct pollfd p = {.fd = zws_client_get_fd(c), .events = POLLIN};
    assert_int_equal(poll(&p, 1, 300), 0);
    (void)states;
    zws_client_free(c);
    mock_stop(&m);
}

static void drops_and_reconnects_leak_nothing(void **state)
{
    (void)state;
    int cycles = getenv("CHURN_CYCLES") ? atoi(getenv("CHURN_CYCLES")) / 10 : 30;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    transition_log *states = calloc(1, sizeof *states);
    zws_client_set_state_cb(c, record_state, states);
    assert_true(connect_and_open(c));
    wait_state open = {c, ZWS_STATE_OPEN};
    int fds_start = 0, opens = 1;
    for (int i = 0; i < cycles; i++) {
        if (i == 5)
            fds_start = open_fds();
        assert_int_equal(mock_control(&m, "POST", "/_mock/drop", NULL), 200);
        int64_t t0 = now_ms();
        while (zws_client_state(c) == ZWS_STATE_OPEN && now_ms() - t0 < 5000)
            run_for(c, 2);
        assert_true(run_until(c, is_state, &open, 10000));
        opens++;
    }
    assert_int_equal(open_fds(), fds_start);
    assert_int_equal(mock_stat(&m, "ws_upgrades"), opens);
    assert_int_equal(mock_stat(&m, "token_requests"), 1); /* the cached token served them all */
    zws_client_free(c);
    free(states);
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cycles_leak_nothing),
        cmocka_unit_test(drops_and_reconnects_leak_nothing),
    };
    return cmocka_run_group_tests_name("integration: churn", tests, NULL, NULL);
}
