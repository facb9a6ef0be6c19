/* timers.c: the client's deadlines multiplexed on one timer descriptor, and
 * the heap that keeps a loop's clients ordered by their earliest deadline. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "internal.h"

static void test_init_empty(void **state)
{
    (void)state;
    timers t;
    timers__init(&t);
    assert_int_equal(timers__next(&t), -1);
    assert_int_equal(timers__pop_due(&t, 0), -1);
    assert_int_equal(timers__pop_due(&t, INT64_MAX), -1);
}

static void test_next_is_earliest(void **state)
{
    (void)state;
    timers t;
    timers__init(&t);
    timers__set(&t, TIMER_HEARTBEAT, 5000);
    assert_int_equal(timers__next(&t), 5000);
    timers__set(&t, TIMER_LIVENESS, 3000);
    assert_int_equal(timers__next(&t), 3000);
    timers__set(&t, TIMER_CLOSE, 9000);
    assert_int_equal(timers__next(&t), 3000);
    timers__set(&t, TIMER_CURL, 1000);
    assert_int_equal(timers__next(&t), 1000);
    /* re-setting a timer moves it (later, then earlier) */
    timers__set(&t, TIMER_CURL, 8000);
    assert_int_equal(timers__next(&t), 3000);
    timers__set(&t, TIMER_CLOSE, 2);
    assert_int_equal(timers__next(&t), 2);
    /* a deadline of 0 is a real deadline, and negative ones are clamped to 0 */
    timers__set(&t, TIMER_REFRESH, 0);
    assert_int_equal(timers__next(&t), 0);
    timers__cancel(&t, TIMER_REFRESH);
    timers__set(&t, TIMER_REFRESH, -50);
    assert_int_equal(timers__next(&t), 0);
    assert_int_equal(timers__pop_due(&t, 0), TIMER_REFRESH);
}

static void test_cancel(void **state)
{
    (void)state;
    timers t;
    timers__init(&t);
    timers__set(&t, TIMER_BACKOFF, 100);
    timers__set(&t, TIMER_CONNECT, 200);
    timers__cancel(&t, TIMER_BACKOFF);
    assert_int_equal(timers__next(&t), 200);
    /* a cancelled timer never fires */
    assert_int_equal(timers__pop_due(&t, 150), -1);
    assert_int_equal(timers__pop_due(&t, 1000), TIMER_CONNECT);
    assert_int_equal(timers__pop_due(&t, 1000), -1);
    /* cancelling twice, or a timer never set, is harmless */
    timers__cancel(&t, TIMER_CONNECT);
    timers__cancel(&t, TIMER_CLOSE);
    assert_int_equal(timers__next(&t), -1);
    /* cancel all */
    for (int i = 0; i < TIMER_COUNT; i++)
        timers__set(&t, (enum timer_id)i, 10 * i + 10);
    for (int i = 0; i < TIMER_COUNT; i++)
        timers__cancel(&t, (enum timer_id)i);
    assert_int_equal(timers__next(&t), -1);
    assert_int_equal(timers__pop_due(&t, INT64_MAX), -1);
}

static void test_pop_due(void **state)
{
    (void)state;
    timers t;
    timers__init(&t);
    timers__set(&t, TIMER_HEARTBEAT, 100);
    timers__set(&t, TIMER_LIVENESS, 200);
    timers__set(&t, TIMER_REFRESH, 300);
    /* nothing due before the earliest deadline */
    assert_int_equal(timers__pop_due(&t, 99), -1);
    /* due exactly at its deadline; popping cancels it */
    assert_int_equal(timers__pop_due(&t, 100), TIMER_HEARTBEAT);
    assert_int_equal(timers__pop_due(&t, 100), -1);
    assert_int_equal(timers__next(&t), 200);
    /* several due at once: each exactly once, the others stay */
    int seen[TIMER_COUNT] = {0};
    int id;
    while ((id = timers__pop_due(&t, 250)) >= 0)
        seen[id]++;
    assert_int_equal(seen[TIMER_LIVENESS], 1);
    assert_int_equal(seen[TIMER_REFRESH], 0);
    assert_int_equal(timers__next(&t), 300);
    /* a timer re-armed by its handler is not due again at the same now */
    assert_int_equal(timers__pop_due(&t, 300), TIMER_REFRESH);
    timers__set(&t, TIMER_REFRESH, 400);
    assert_int_equal(timers__pop_due(&t, 300), -1);
    assert_int_equal(timers__pop_due(&t, 400), TIMER_REFRESH);
}

static void test_all_timers_independent(void **state)
{
    (void)state;
    timers t;
    timers__init(&t);
    /* deadlines in reverse id order */
    for (int i = 0; i < TIMER_COUNT; i++)
        timers__set(&t, (enum timer_id)i, 1000 - 100 * i);
    assert_int_equal(timers__next(&t), 1000 - 100 * (TIMER_COUNT - 1));
    /* step time forward: exactly the timers whose deadline passed pop */
    int popped = 0;
    for (int64_t now = 0; now <= 1000; now += 50) {
        int id;
        while ((id = timers__pop_due(&t, now)) >= 0) {
            assert_true(1000 - 100 * id <= now);
            assert_true(1000 - 100 * id > now - 50);
            popped++;
        }
        int64_t next = timers__next(&t);
        assert_true(next == -1 || next > now);
    }
    assert_int_equal(popped, TIMER_COUNT);
    assert_int_equal(timers__next(&t), -1);
}

static void test_large_deadlines(void **state)
{
    (void)state;
    timers t;
    timers__init(&t);
    timers__set(&t, TIMER_CLOSE, INT64_MAX);
    assert_true(timers__next(&t) == INT64_MAX);
    assert_int_equal(timers__pop_due(&t, INT64_MAX - 1), -1);
    assert_int_equal(timers__pop_due(&t, INT64_MAX), TIMER_CLOSE);
}

/* Checks the heap property and every client's recorded position. */
static void check_heap(const timer_heap *h)
{
    for (size_t i = 0; i < h->len; i++) {
        assert_int_equal(h->v[i]->heap_pos, i);
        if (i > 0)
            assert_true(h->v[(i - 1) / 2]->heap_due <= h->v[i]->heap_due);
    }
}

static void test_heap_orders_clients_by_deadline(void **state)
{
    (void)state;
    enum { N = 300 };
    zws_client *c = calloc(N, sizeof *c);
    int64_t due[N];
    assert_non_null(c);
    timer_heap h = {0};
    assert_int_equal(timers__heap_reserve(&h, N), 0);
    for (int i = 0; i < N; i++) {
        c[i].heap_pos = SIZE_MAX;
        due[i] = -1;
    }
    srand(7);
    for (int step = 0; step < 20000; step++) {
        int i = rand() % N;
        /* insert, move earlier or later, remove (and remove when absent) */
        due[i] = rand() % 5 == 0 ? -1 : rand() % 1000;
        timers__heap_set(&h, &c[i], due[i]);
        if (step % 97 == 0)
            check_heap(&h);
        size_t present = 0;
        int64_t min = -1;
        for (int j = 0; j < N; j++) {
            if (due[j] >= 0) {
                present++;
                min = min < 0 || due[j] < min ? due[j] : min;
            }
            assert_true((c[j].heap_pos != SIZE_MAX) == (due[j] >= 0));
        }
        assert_int_equal(h.len, present);
        if (present)
            assert_int_equal(h.v[0]->heap_due, min);
    }
    check_heap(&h);
    /* drain in order */
    int64_t last = -1;
    while (h.len) {
        zws_client *top = h.v[0];
        assert_true(top->heap_due >= last);
        last = top->heap_due;
        timers__heap_set(&h, top, -1);
        assert_int_equal(top->heap_pos, SIZE_MAX);
        check_heap(&h);
    }
    timers__heap_free(&h);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_empty),
        cmocka_unit_test(test_next_is_earliest),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_pop_due),
        cmocka_unit_test(test_all_timers_independent),
        cmocka_unit_test(test_large_deadlines),
        cmocka_unit_test(test_heap_orders_clients_by_deadline),
    };
    return cmocka_run_group_tests_name("timers", tests, NULL, NULL);
}
