/* enforce.c — placeholder: every request is allowed until enforcement lands. */
#include "auth/enforce.h"

int auth_enforce(nb_req_t *req)
{
    (void)req;
    return 0;
}
