/* mapping.h — REST non-proxy integrations: request and response mapping
 * templates (the Velocity subset of vtl.h), integration response selection
 * by selectionPattern, status and header mapping. */
#ifndef NB_APIGW_MAPPING_H
#define NB_APIGW_MAPPING_H
#include "apigw/dp.h"

#endif
