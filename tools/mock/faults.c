#include "faults.h"

static enum upgrade_fault armed;
static int armed_status;
static uint64_t armed_count;

void faults_arm(enum upgrade_fault fault, int status, uint64_t count)
{
    armed = fault;
    armed_status = status;
    armed_count = count;
}

enum upgrade_fault faults_take_upgrade(int *status)
{
    if (armed == FAULT_NONE || armed == FAULT_TLS_CLOSE || armed_count == 0)
        return FAULT_NONE;
    armed_count--;
    *status = armed_status;
    return armed;
}

int faults_take_tls_close(void)
{
    if (armed != FAULT_TLS_CLOSE || armed_count == 0)
        return 0;
    armed_count--;
    return 1;
}
