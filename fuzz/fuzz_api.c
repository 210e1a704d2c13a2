/*
 * fuzz_api.c — fuzz target for the JSON API: the input is a request, "METHOD PATH?QUERY" on the
 * first line and the body after it, handled by cs__api_handle as a province administrator (so
 * that every handler, not only the login, sees the input) against a small store made once:
 * Shandong's 济宁市 with two counties, a round, the shipped frameworks. Routing, query arguments,
 * JSON bodies of every shape, values written through the import checks, rounds and accounts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs__server srv;
static cs_server_config cfg;
static cs_store *store;
static char db[64];

static void cleanup(void)
{
    cs_store_close(store);
    cs__server_free(&srv);
    cs__server_config_free(&cfg);
    char wal[80];
    unlink(db);
    snprintf(wal, sizeof wal, "%s-wal", db);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", db);
    unlink(wal);
}

static void setup(void)
{
    cs_diag *d = cs_diag_new();
    snprintf(db, sizeof db, "/tmp/citystar-fuzz-api-XXXXXX");
    int fd = mkstemp(db);
    if (fd >= 0) close(fd);
    cs__server_config_load(&cfg, NULL, d);
    cfg.database = cs__xstrdup(db);
    cfg.frameworks_dir = cs__xstrdup(CS_SOURCE_DIR "/frameworks");
    const cs_region regions[] = {{"37", "山东省", "province", NULL, NULL},
                                 {"3708", "济宁市", "city", "37", NULL},
                                 {"370811", "任城区", "county", "3708", NULL},
                                 {"370812", "兖州区", "county", "3708", NULL}};
    cs_assessment round = {0, "sd-2023-county", "370811", "2024", CS_ROUND_SELF};
    if (cs__server_init(&srv, &cfg, d) != CS_OK || cs_store_open(db, &store, d) != CS_OK ||
        cs_store_migrate(store, NULL, NULL, d) != CS_OK ||
        cs_store_put_regions(store, regions, 4, "fuzz", "fuzz", NULL, NULL, d) != CS_OK ||
        cs_store_add_assessment(store, &round, "fuzz", NULL, d) != CS_OK) {
        cs_diag_print(d, stderr);
        abort();
    }
    cs_diag_free(d);
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store) setup();
    if (size > 1 << 16) return 0;
    char *text = cs__xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    /* "METHOD PATH?QUERY\nBODY" */
    char *nl = memchr(text, '\n', size);
    const char *body = nl ? nl + 1 : "";
    if (nl) *nl = 0;
    char *sp = strchr(text, ' ');
    const char *method = text, *path = "/api/health";
    if (sp) {
        *sp = 0;
        path = sp + 1;
    }
    char *q = strchr(sp ? sp + 1 : text, '?');
    if (q && sp) *q++ = 0;
    cs__req req;
    memset(&req, 0, sizeof req);
    req.srv = &srv;
    req.store = store;
    req.method = method;
    req.path = path;
    req.body = body;
    req.body_len = strlen(body);
    req.content_type = "application/json";
    req.csrf_header = "x";
    req.query = q && sp ? q : NULL;
    snprintf(req.origin, sizeof req.origin, "192.0.2.1");
    req.user = (cs__user){1, 1, "fuzz", "模糊测试", CS_ROLE_PROVINCE_ADMIN, "37", "", "x"};
    cs__resp resp;
    memset(&resp, 0, sizeof resp);
    cs__api_handle(&req, &resp);
    if (getenv("FUZZ_API_VERBOSE")) printf("%s %s → %d %.120s\n", method, path, resp.status, cs__buf_str(&resp.body));
    cs__buf_free(&resp.body);
    free(resp.disposition);
    free(resp.set_cookie[0]);
    free(resp.set_cookie[1]);
    free(resp.location);
    free(resp.owned_type);
    free(text);
    return 0;
}
