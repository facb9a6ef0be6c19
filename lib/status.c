/* Accessors of the status record handed to the state callback. */
#include "internal.h"

int zws_status_state(const zws_status *st) { return st ? st->state : ZWS_E_INVALID; }
int zws_status_previous(const zws_status *st) { return st ? st->previous : ZWS_E_INVALID; }
int zws_status_error(const zws_status *st) { return st ? st->error : ZWS_E_INVALID; }
const char *zws_status_message(const zws_status *st) { return st ? st->message : ""; }
int zws_status_permanent(const zws_status *st) { return st ? st->permanent : 0; }
int zws_status_close_code(const zws_status *st) { return st ? st->close_code : 0; }
const char *zws_status_close_reason(const zws_status *st) { return st ? st->close_reason : ""; }
int64_t zws_status_retry_ms(const zws_status *st) { return st ? st->retry_ms : 0; }
int zws_status_attempt(const zws_status *st) { return st ? st->attempt : 0; }
int64_t zws_status_lost_at_ms(const zws_status *st) { return st ? st->lost_at_ms : 0; }
int64_t zws_status_gap_ms(const zws_status *st) { return st ? st->gap_ms : 0; }
