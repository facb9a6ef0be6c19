/* /_mock/... endpoints that let tests steer the simulator. */
#ifndef MOCK_CONTROL_H
#define MOCK_CONTROL_H

struct conn;
struct http_req;

/* action is the path after "/_mock/". */
void control_handle(struct conn *c, struct http_req *r, const char *action);

#endif
