/*
 * authz.c — who may do what. Every account is scoped to a region subtree (its region and
 * everything below it); roles say what it may do there:
 *   province_admin, city_admin, county_admin  administer their subtree: accounts of their rank or
 *        below, manual regions, rounds; write the data of their own region (a county admin also of
 *        the streets and communities below it); review (return, approve) rounds of regions strictly
 *        below their own; the province closes and publishes rounds
 *   reporter  writes only the elements of indicators its department leads, only in its subtree
 *   expert    reads its subtree and overrides the points of qualitative indicators of rounds in it
 *   auditor   reads everything in its subtree; writes nothing; an auditor of a whole province also
 *             reads the audit log (which spans the database: it is not split by region)
 *   (no session)  the published results only
 * The API asks these questions; the table in tests/server/authz.sh checks every endpoint against
 * every role.
 */
#include <string.h>

#include "authz.h"

int cs__role_rank(const char *role)
{
    if (!strcmp(role, CS_ROLE_PROVINCE_ADMIN)) return 0;
    if (!strcmp(role, CS_ROLE_CITY_ADMIN)) return 1;
    if (!strcmp(role, CS_ROLE_COUNTY_ADMIN)) return 2;
    return 3;
}

int cs__is_admin(const cs__user *u)
{
    return u->logged_in && cs__role_rank(u->role) <= 2;
}

int cs__within(cs_store *s, const char *region, const char *root)
{
    char code[64];
    snprintf(code, sizeof code, "%s", region ? region : "");
    cs_diag *quiet = cs_diag_new();
    int found = 0;
    for (int depth = 0; depth < 8 && *code && !found; depth++) {
        if (!strcmp(code, root)) {
            found = 1;
            break;
        }
        cs_region r;
        if (cs_store_region(s, code, &r, quiet) != CS_OK || !r.parent) break;
        snprintf(code, sizeof code, "%s", r.parent);
    }
    cs_diag_free(quiet);
    return found;
}

int cs__in_scope(const cs__req *req, const char *region)
{
    return req->user.logged_in && region && cs__within(req->store, region, req->user.region);
}

int cs__may_write_value(const cs__req *req, const char *region, const char *element)
{
    const cs__user *u = &req->user;
    if (!u->logged_in || !region) return 0;
    if (!strcmp(u->role, CS_ROLE_REPORTER)) {
        if (!cs__within(req->store, region, u->region)) return 0;
        char key[512];
        snprintf(key, sizeof key, "%s\x1f%s", u->department, element ? element : "");
        return cs__strmap_find(&req->srv->dept_elements, key) >= 0;
    }
    if (!strcmp(u->role, CS_ROLE_COUNTY_ADMIN)) return cs__within(req->store, region, u->region);
    if (!strcmp(u->role, CS_ROLE_CITY_ADMIN) || !strcmp(u->role, CS_ROLE_PROVINCE_ADMIN)) return !strcmp(region, u->region);
    return 0;
}

int cs__may_review(const cs__req *req, const char *region)
{
    const cs__user *u = &req->user;
    return cs__is_admin(u) && strcmp(region, u->region) && cs__within(req->store, region, u->region);
}

int cs__may_submit(const cs__req *req, const char *region)
{
    const cs__user *u = &req->user;
    return cs__is_admin(u) && !strcmp(region, u->region);
}

int cs__may_close(const cs__req *req, const char *region)
{
    const cs__user *u = &req->user;
    return u->logged_in && !strcmp(u->role, CS_ROLE_PROVINCE_ADMIN) && cs__within(req->store, region, u->region);
}

int cs__may_open_round(const cs__req *req, const char *region, const char *kind)
{
    const cs__user *u = &req->user;
    if (!cs__is_admin(u) || !cs__within(req->store, region, u->region)) return 0;
    /* the province and cities open any round below them; a county its own self-assessment */
    if (!strcmp(u->role, CS_ROLE_COUNTY_ADMIN)) return !strcmp(kind, CS_ROUND_SELF) || !strcmp(kind, CS_ROUND_PROGRESS);
    return 1;
}

int cs__may_manage_account(const cs__req *req, const char *role, const char *region)
{
    const cs__user *u = &req->user;
    return cs__is_admin(u) && (!role || cs__role_rank(role) >= cs__role_rank(u->role)) &&
           (!region || cs__within(req->store, region, u->region));
}

int cs__may_read_audit(const cs__req *req)
{
    /* the log spans the whole database (accounts, rounds and imports of every region), so only
     * auditors and administrators whose scope is a whole province read it */
    const cs__user *u = &req->user;
    if (!u->logged_in || (strcmp(u->role, CS_ROLE_AUDITOR) && strcmp(u->role, CS_ROLE_PROVINCE_ADMIN))) return 0;
    cs_region r;
    cs_diag *quiet = cs_diag_new();
    int top = cs_store_region(req->store, u->region, &r, quiet) == CS_OK && !r.parent;
    cs_diag_free(quiet);
    return top;
}
