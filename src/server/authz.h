/*
 * authz.h — the permission questions the API asks (see authz.c for the rules).
 */
#ifndef CS_AUTHZ_H
#define CS_AUTHZ_H

#include "server.h"

/* province_admin 0, city_admin 1, county_admin 2, everything else 3. */
int cs__role_rank(const char *role);
int cs__is_admin(const cs__user *u);
/* Whether region is root or lies below it. */
int cs__within(cs_store *s, const char *region, const char *root);
/* Whether region is in the logged-in user's subtree. */
int cs__in_scope(const cs__req *req, const char *region);
/* Whether the user may write the value of element for region. */
int cs__may_write_value(const cs__req *req, const char *region, const char *element);
/* Whether the user may return or approve a round of region (an admin above it). */
int cs__may_review(const cs__req *req, const char *region);
/* Whether the user may submit a round of region (the region's own admin). */
int cs__may_submit(const cs__req *req, const char *region);
/* Whether the user may close and publish a round of region (the province). */
int cs__may_close(const cs__req *req, const char *region);
/* Whether the user may open a round of this kind for region. */
int cs__may_open_round(const cs__req *req, const char *region, const char *kind);
/* Whether the user may create or change an account with this role and region (NULL = keep). */
int cs__may_manage_account(const cs__req *req, const char *role, const char *region);
/* Whether the user may read and verify the audit log. */
int cs__may_read_audit(const cs__req *req);

#endif
