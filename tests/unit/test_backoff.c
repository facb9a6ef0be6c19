/* backoff.c: reconnect delays, capped exponential backoff with full jitter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <cmocka.h>

#include "internal.h"

#define BASE 1000
#define CAP 60000
#define DAY 86400000LL /* the largest value zws_client_set_int accepts */

static const uint32_t rnds[] = {0, 1, 12345, 0x7fffffffu, 0x80000000u, 0xdeadbeefu,
                                UINT32_MAX - 1, UINT32_MAX};
#define NRNDS (sizeof rnds / sizeof rnds[0])

static void test_first_attempt_is_immediate(void **state)
{
    (void)state;
    for (size_t i = 0; i < NRNDS; i++) {
        assert_int_equal(backoff__delay_ms(1, BASE, CAP, rnds[i]), 0);
        assert_int_equal(backoff__delay_ms(1, DAY, DAY, rnds[i]), 0);
    }
    /* attempt 0 or negative (never used) is immediate too, not negative */
    assert_int_equal(backoff__delay_ms(0, BASE, CAP, UINT32_MAX), 0);
    assert_int_equal(backoff__delay_ms(-5, BASE, CAP, UINT32_MAX), 0);
}

static void test_second_attempt_within_base(void **state)
{
    (void)state;
    for (size_t i = 0; i < NRNDS; i++) {
        int64_t d = backoff__delay_ms(2, BASE, CAP, rnds[i]);
        assert_in_range(d, 0, BASE);
    }
    assert_int_equal(backoff__delay_ms(2, BASE, CAP, 0), 0);
    assert_int_equal(backoff__delay_ms(2, BASE, CAP, UINT32_MAX), BASE);
    /* about half way for a half-range random value */
    assert_in_range(backoff__delay_ms(2, BASE, CAP, 0x80000000u), BASE / 2 - 1, BASE / 2 + 1);
}

static void test_growth_and_cap(void **state)
{
    (void)state;
    /* the ceiling (rnd = max) doubles each attempt: 1000, 2000, 4000, ... then caps */
    int64_t want = BASE;
    for (int attempt = 2; attempt <= 40; attempt++) {
        int64_t ceiling = want > CAP ? CAP : want;
        assert_int_equal(backoff__delay_ms(attempt, BASE, CAP, UINT32_MAX), ceiling);
        assert_int_equal(backoff__delay_ms(attempt, BASE, CAP, 0), 0);
        for (size_t i = 0; i < NRNDS; i++)
            assert_in_range(backoff__delay_ms(attempt, BASE, CAP, rnds[i]), 0, ceiling);
        if (want <= CAP)
            want *= 2;
    }
    assert_int_equal(backoff__delay_ms(3, BASE, CAP, UINT32_MAX), 2000);
    assert_int_equal(backoff__delay_ms(4, BASE, CAP, UINT32_MAX), 4000);
    assert_int_equal(backoff__delay_ms(7, BASE, CAP, UINT32_MAX), 32000);
    assert_int_equal(backoff__delay_ms(8, BASE, CAP, UINT32_MAX), CAP);
    /* a cap below the base caps the first jittered delay too */
    assert_int_equal(backoff__delay_ms(2, 5000, 3000, UINT32_MAX), 3000);
}

static void test_monotonic_in_rnd(void **state)
{
    (void)state;
    for (int attempt = 2; attempt < 12; attempt++) {
        int64_t prev = -1;
        for (uint64_t r = 0; r <= UINT32_MAX; r += 0x01000193u) {
            int64_t d = backoff__delay_ms(attempt, BASE, CAP, (uint32_t)r);
            assert_true(d >= prev);
            prev = d;
        }
    }
}

static void test_no_overflow(void **state)
{
    (void)state;
    static const int attempts[] = {50, 63, 64, 65, 100, 1000, INT_MAX};
    for (size_t k = 0; k < sizeof attempts / sizeof attempts[0]; k++) {
        int a = attempts[k];
        assert_int_equal(backoff__delay_ms(a, BASE, CAP, UINT32_MAX), CAP);
        assert_in_range(backoff__delay_ms(a, BASE, CAP, 0xdeadbeefu), 0, CAP);
        /* the extremes the public option setter allows */
        assert_int_equal(backoff__delay_ms(a, 1, DAY, UINT32_MAX), DAY);
        assert_int_equal(backoff__delay_ms(a, DAY, DAY, UINT32_MAX), DAY);
        assert_int_equal(backoff__delay_ms(a, DAY, 1, UINT32_MAX), 1);
        assert_int_equal(backoff__delay_ms(a, 1, 1, UINT32_MAX), 1);
        for (size_t i = 0; i < NRNDS; i++)
            assert_in_range(backoff__delay_ms(a, 1, DAY, rnds[i]), 0, DAY);
    }
}

static void test_nonpositive_config(void **state)
{
    (void)state;
    assert_int_equal(backoff__delay_ms(5, 0, CAP, UINT32_MAX), 0);
    assert_int_equal(backoff__delay_ms(5, BASE, 0, UINT32_MAX), 0);
    assert_int_equal(backoff__delay_ms(5, -1, CAP, UINT32_MAX), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_attempt_is_immediate),
        cmocka_unit_test(test_second_attempt_within_base),
        cmocka_unit_test(test_growth_and_cap),
        cmocka_unit_test(test_monotonic_in_rnd),
        cmocka_unit_test(test_no_overflow),
        cmocka_unit_test(test_nonpositive_config),
    };
    return cmocka_run_group_tests_name("backoff", tests, NULL, NULL);
}
