/* sandbox.c — placeholder: plain processes until the sandbox lands. */
#include "sandbox/sandbox.h"
#include <errno.h>
int sbx_spawn(const sbx_spec_t *spec, sbx_t **out) { return -ENOSYS; }
pid_t sbx_pid(const sbx_t *s) { return -1; }
int sbx_freeze(sbx_t *s) { return -ENOSYS; }
int sbx_thaw(sbx_t *s) { return -ENOSYS; }
void sbx_kill(sbx_t *s) {}
uint64_t sbx_peak_memory(const sbx_t *s) { return 0; }
int sbx_oom_killed(const sbx_t *s) { return 0; }
void sbx_release(sbx_t *s) {}
const char *sbx_features(void) { return "sandbox: not built yet\n"; }
int sbx_fully_isolated(void) { return 0; }
