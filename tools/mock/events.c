#include "events.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "config.h"
#include "log.h"

/* Zoom double-encodes: the inner event is a JSON string inside "content". */
static const char ENV_PREFIX[] = "{\"module\":\"message\",\"content\":\"";
static const char ENV_SUFFIX[] = "\"}";

/* Built-in samples, one meeting's life per cycle so ids line up across
 * events. Written with ' for " to stay readable (no sample text contains an
 * apostrophe). Placeholders: @TS@ event time in ms, @TIME@ ISO-8601 now,
 * @SEQ@ sequence number, @CYC@ 10-digit cycle number, @ACCOUNT@ the
 * configured account id. Meeting ids drift between number and string, as
 * they do in real events. */
static const char *const SAMPLES[] = {
    "{'event':'meeting.created','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'operator':'jchill@example.com','operator_id':'z8yCxjabcdEFGHfp8uQ','object':{"
    "'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':8@CYC@,'host_id':'z8yCxjabcdEFGHfp8uQ',"
    "'topic':'Weekly sync','type':2,'start_time':'@TIME@','duration':60,"
    "'timezone':'America/Los_Angeles','join_url':'https://example.zoom.us/j/8@CYC@',"
    "'password':''}}}",

    "{'event':'meeting.started','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'object':{'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':'8@CYC@','host_id':'z8yCxjabcdEFGHfp8uQ',"
    "'topic':'Weekly sync','type':2,'start_time':'@TIME@','timezone':'America/Los_Angeles',"
    "'duration':60}}}",

    "{'event':'meeting.participant_joined','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'object':{'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':'8@CYC@','host_id':'z8yCxjabcdEFGHfp8uQ',"
    "'topic':'Weekly sync','type':2,'start_time':'@TIME@','timezone':'America/Los_Angeles',"
    "'duration':60,'participant':{'user_id':'16778240','user_name':'Guest @CYC@','id':'',"
    "'participant_uuid':'A1B2C3D4-0000-4000-8000-00@CYC@','join_time':'@TIME@','email':'',"
    "'registrant_id':'','participant_user_id':'','customer_key':'','phone_number':''}}}}",

    "{'event':'meeting.participant_joined','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'object':{'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':'8@CYC@','host_id':'z8yCxjabcdEFGHfp8uQ',"
    "'topic':'Weekly sync','type':2,'start_time':'@TIME@','timezone':'America/Los_Angeles',"
    "'duration':60,'participant':{'user_id':'16789504','user_name':'Jill Chill',"
    "'id':'z8yCxjabcdEFGHfp8uQ','participant_uuid':'B7E1F00D-0000-4000-8000-00@CYC@',"
    "'join_time':'@TIME@','email':'jchill@example.com',"
    "'participant_user_id':'z8yCxjabcdEFGHfp8uQ'}}}}",

    "{'event':'meeting.participant_left','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'object':{'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':'8@CYC@','host_id':'z8yCxjabcdEFGHfp8uQ',"
    "'topic':'Weekly sync','type':2,'start_time':'@TIME@','timezone':'America/Los_Angeles',"
    "'duration':60,'participant':{'user_id':'16778240','user_name':'Guest @CYC@','id':'',"
    "'participant_uuid':'A1B2C3D4-0000-4000-8000-00@CYC@','leave_time':'@TIME@',"
    "'leave_reason':'left the meeting. Reason : left the meeting','email':'',"
    "'registrant_id':'','participant_user_id':'','customer_key':'','phone_number':''}}}}",

    "{'event':'meeting.updated','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'operator':'jchill@example.com','operator_id':'z8yCxjabcdEFGHfp8uQ','time_stamp':@TS@,"
    "'object':{'id':8@CYC@,'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','topic':'Weekly sync (moved)'},"
    "'old_object':{'id':8@CYC@,'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','topic':'Weekly sync'}}}",

    "{'event':'meeting.ended','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'object':{'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':'8@CYC@','host_id':'z8yCxjabcdEFGHfp8uQ',"
    "'topic':'Weekly sync (moved)','type':2,'start_time':'@TIME@','end_time':'@TIME@',"
    "'timezone':'America/Los_Angeles','duration':60}}}",

    "{'event':'recording.completed','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'object':{'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':8@CYC@,'account_id':'@ACCOUNT@',"
    "'host_id':'z8yCxjabcdEFGHfp8uQ','topic':'Weekly sync (moved)','type':2,"
    "'start_time':'@TIME@','timezone':'America/Los_Angeles','host_email':'jchill@example.com',"
    "'duration':60,'total_size':3328371,'recording_count':2,"
    "'share_url':'https://example.zoom.us/rec/share/mock-@CYC@','recording_files':["
    "{'id':'ed6c2f27-2ae7-42f4-b3d0-00@CYC@','meeting_id':'czLF6FFRTl6Xp0@CYC@Ag==',"
    "'recording_start':'@TIME@','recording_end':'@TIME@','file_type':'MP4',"
    "'file_extension':'MP4','file_size':3264359,"
    "'play_url':'https://example.zoom.us/rec/play/mock-@CYC@-mp4',"
    "'download_url':'https://example.zoom.us/rec/download/mock-@CYC@-mp4',"
    "'status':'completed','recording_type':'shared_screen_with_speaker_view'},"
    "{'id':'a1f3c9e2-6b1d-4c7e-9f00-00@CYC@','meeting_id':'czLF6FFRTl6Xp0@CYC@Ag==',"
    "'recording_start':'@TIME@','recording_end':'@TIME@','file_type':'M4A',"
    "'file_extension':'M4A','file_size':64012,"
    "'play_url':'https://example.zoom.us/rec/play/mock-@CYC@-m4a',"
    "'download_url':'https://example.zoom.us/rec/download/mock-@CYC@-m4a',"
    "'status':'completed','recording_type':'audio_only'}],"
    "'password':'','recording_play_passcode':''}},"
    "'download_token':'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.mock-download-@SEQ@.c2lnbmF0dXJl'}",

    "{'event':'user.created','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'operator':'admin@example.com','operator_id':'uLobQ4R5RpmNBVcjGUv1Qw',"
    "'creation_type':'create','object':{'id':'KDcuGIm1QgePTO8WbOqwIQ@CYC@','first_name':'Ana',"
    "'last_name':'Lopez','display_name':'Ana Lopez','email':'ana.lopez.@CYC@@example.com',"
    "'type':1,'status':'pending'}}}",

    "{'event':'user.updated','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'operator':'admin@example.com','operator_id':'uLobQ4R5RpmNBVcjGUv1Qw','time_stamp':@TS@,"
    "'object':{'id':'KDcuGIm1QgePTO8WbOqwIQ@CYC@','job_title':'Engineer'},"
    "'old_object':{'id':'KDcuGIm1QgePTO8WbOqwIQ@CYC@','job_title':''}}}",

    "{'event':'meeting.deleted','event_ts':@TS@,'payload':{'account_id':'@ACCOUNT@',"
    "'operator':'jchill@example.com','operator_id':'z8yCxjabcdEFGHfp8uQ','object':{"
    "'uuid':'czLF6FFRTl6Xp0@CYC@Ag==','id':8@CYC@,'host_id':'z8yCxjabcdEFGHfp8uQ',"
    "'topic':'Weekly sync (moved)','type':2,'start_time':'@TIME@','duration':60,"
    "'timezone':'America/Los_Angeles'}}}",
};
#define NSAMPLES (sizeof SAMPLES / sizeof SAMPLES[0])

enum seg_kind { SEG_LIT, SEG_TS, SEG_TIME, SEG_SEQ, SEG_CYC };

struct seg {
    enum seg_kind kind;
    size_t off, len; /* literal text inside tmpl.text */
};

/* A complete envelope, already escaped, cut at its placeholders. */
struct tmpl {
    char *text;
    struct seg *segs;
    size_t nsegs;
};

static struct tmpl g_tmpls[NSAMPLES];
static bool g_builtin;

/* --events: all envelopes back to back; envelope i is [offs[i], offs[i+1]). */
static struct buf g_blob;
static size_t *g_offs;
static size_t g_nlines;

static struct buf g_scratch;
static int64_t g_total;

void events_envelope(const char *inner, size_t n, struct buf *out)
{
    buf_append(out, ENV_PREFIX, sizeof ENV_PREFIX - 1);
    json_escape_append(out, inner, n);
    buf_append(out, ENV_SUFFIX, sizeof ENV_SUFFIX - 1);
}

static const struct {
    const char *name;
    enum seg_kind kind;
} PLACEHOLDERS[] = {
    {"@TS@", SEG_TS}, {"@TIME@", SEG_TIME}, {"@SEQ@", SEG_SEQ}, {"@CYC@", SEG_CYC}};

static void add_seg(struct tmpl *t, size_t *cap, enum seg_kind kind, size_t off, size_t len)
{
    if (kind == SEG_LIT && len == 0)
        return;
    if (t->nsegs == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        t->segs = realloc(t->segs, *cap * sizeof *t->segs);
        if (!t->segs)
            abort();
    }
    t->segs[t->nsegs++] = (struct seg){kind, off, len};
}

static void compile(struct tmpl *t, const char *sample)
{
    struct buf inner = {0}, acct = {0}, env = {0};
    json_escape_append(&acct, g_cfg.account_id, strlen(g_cfg.account_id));
    for (const char *p = sample; *p;) {
        if (strncmp(p, "@ACCOUNT@", 9) == 0) {
            buf_append(&inner, buf_ptr(&acct), buf_avail(&acct));
            p += 9;
        } else {
            char ch = *p == '\'' ? '"' : *p;
            buf_append(&inner, &ch, 1);
            p++;
        }
    }
    events_envelope(buf_ptr(&inner), buf_avail(&inner), &env);
    buf_append(&env, "", 1); /* NUL for the scan below */
    t->text = env.data;
    size_t cap = 0, lit = 0, i = 0;
    while (t->text[i]) {
        size_t k = 0;
        for (; k < sizeof PLACEHOLDERS / sizeof PLACEHOLDERS[0]; k++)
            if (strncmp(t->text + i, PLACEHOLDERS[k].name, strlen(PLACEHOLDERS[k].name)) == 0)
                break;
        if (k == sizeof PLACEHOLDERS / sizeof PLACEHOLDERS[0]) {
            i++;
            continue;
        }
        add_seg(t, &cap, SEG_LIT, lit, i - lit);
        add_seg(t, &cap, PLACEHOLDERS[k].kind, 0, 0);
        i += strlen(PLACEHOLDERS[k].name);
        lit = i;
    }
    add_seg(t, &cap, SEG_LIT, lit, i - lit);
    buf_free(&inner);
    buf_free(&acct);
}

static void render(const struct tmpl *t, uint64_t seq, uint64_t cycle, struct buf *out)
{
    uint64_t ts = wall_ms();
    char iso[32] = "";
    for (size_t i = 0; i < t->nsegs; i++) {
        const struct seg *s = &t->segs[i];
        switch (s->kind) {
        case SEG_LIT:
            buf_append(out, t->text + s->off, s->len);
            break;
        case SEG_TS:
            buf_printf(out, "%" PRIu64, ts);
            break;
        case SEG_TIME:
            if (!iso[0]) {
                time_t secs = (time_t)(ts / 1000);
                struct tm tm;
                gmtime_r(&secs, &tm);
                strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
            }
            buf_appends(out, iso);
            break;
        case SEG_SEQ:
            buf_printf(out, "%" PRIu64, seq);
            break;
        case SEG_CYC:
            buf_printf(out, "%010" PRIu64, cycle % 10000000000u);
            break;
        }
    }
}

/* Catches template typos at startup: the envelope and the inner event must
 * both parse. */
static bool check_envelope(const char *env, size_t n)
{
    json_error_t err;
    json_t *outer = json_loadb(env, n, 0, &err);
    json_t *content = outer ? json_object_get(outer, "content") : NULL;
    json_t *inner = json_is_string(content)
                        ? json_loadb(json_string_value(content), json_string_length(content), 0, &err)
                        : NULL;
    bool ok = json_is_object(inner) && json_is_string(json_object_get(inner, "event"));
    json_decref(inner);
    json_decref(outer);
    return ok;
}

static bool compile_builtins(void)
{
    for (size_t i = 0; i < NSAMPLES; i++) {
        compile(&g_tmpls[i], SAMPLES[i]);
        g_scratch.off = g_scratch.len = 0;
        render(&g_tmpls[i], i, 0, &g_scratch);
        if (!check_envelope(buf_ptr(&g_scratch), buf_avail(&g_scratch))) {
            log_err("built-in sample %zu is not valid JSON", i);
            return false;
        }
    }
    g_builtin = true;
    g_total = g_cfg.count >= 0 ? g_cfg.count : -1;
    return true;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static bool load_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        log_err("cannot open %s: %s", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0, offcap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (blank(line, len))
            continue;
        if (g_nlines + 2 > offcap) {
            offcap = offcap ? offcap * 2 : 1024;
            size_t *o = realloc(g_offs, offcap * sizeof *o);
            if (!o)
                abort();
            g_offs = o;
        }
        g_offs[g_nlines++] = g_blob.len;
        events_envelope(line, len, &g_blob);
    }
    free(line);
    bool err = ferror(f);
    fclose(f);
    if (err) {
        log_err("cannot read %s", path);
        return false;
    }
    if (!g_offs && !(g_offs = calloc(1, sizeof *g_offs)))
        abort();
    g_offs[g_nlines] = g_blob.len;
    if (g_nlines == 0)
        g_total = 0;
    else if (g_cfg.loop)
        g_total = g_cfg.count >= 0 ? g_cfg.count : -1;
    else
        g_total = g_cfg.count >= 0 && (uint64_t)g_cfg.count < g_nlines ? g_cfg.count
                                                                       : (int64_t)g_nlines;
    log_info("loaded %zu events from %s", g_nlines, path);
    return true;
}

bool events_init(void)
{
    return g_cfg.events_file ? load_file(g_cfg.events_file) : compile_builtins();
}

void events_free(void)
{
    for (size_t i = 0; i < NSAMPLES; i++) {
        free(g_tmpls[i].text);
        free(g_tmpls[i].segs);
        memset(&g_tmpls[i], 0, sizeof g_tmpls[i]);
    }
    buf_free(&g_blob);
    buf_free(&g_scratch);
    free(g_offs);
    g_offs = NULL;
}

int64_t events_total(void) { return g_total; }

void events_get(uint64_t seq, const char **env, size_t *len)
{
    if (g_builtin) {
        g_scratch.off = g_scratch.len = 0;
        render(&g_tmpls[seq % NSAMPLES], seq, seq / NSAMPLES, &g_scratch);
        *env = buf_ptr(&g_scratch);
        *len = buf_avail(&g_scratch);
        return;
    }
    size_t i = (size_t)(seq % g_nlines);
    *env = g_blob.data + g_offs[i];
    *len = g_offs[i + 1] - g_offs[i];
}
